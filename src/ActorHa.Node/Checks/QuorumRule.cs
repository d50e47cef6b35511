namespace ActorHa.Node.Checks;

/// <summary>
/// A virtual server's quorum as keepalived applies it: quorum is lost when the weight of the alive real servers
/// falls below <c>quorum - hysteresis</c> (or to 0), and gained again only at <c>quorum + hysteresis</c>, so a
/// pool hovering at the quorum does not flap. A virtual server starts without quorum.
/// </summary>
internal static class QuorumRule
{
    /// <summary>The new quorum state for <paramref name="aliveWeight"/>, given the current one.</summary>
    public static bool Next(bool up, long aliveWeight, int quorum, int hysteresis) =>
        up
            ? aliveWeight > 0 && aliveWeight >= (long)quorum - hysteresis
            : aliveWeight >= (long)quorum + hysteresis;
}
