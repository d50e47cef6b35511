using System.Globalization;
using System.Net;
using ActorHa.Protocol.StateMachine;

namespace ActorHa.Node.Actors;

/// <summary>
/// Whether `actorha switchover NAME --to PEER` can hand the instance to PEER the protocol's way. VRRP has no
/// "hand over to" message: the master resigns (priority 0, then effective priority 1 until released) and the backups
/// elect among themselves, the highest priority winning and the higher address breaking a tie (RFC 5798 6.4.2/6.4.3).
/// So the master may only proceed when PEER is the backup that election picks. It cannot ask the backups: they are
/// silent while a master runs, and a peer's priority is known only from the adverts it sent when it was master (or
/// contended for it) while this node listened. The rule, kept apart from the actors to be tested on its own:
/// <list type="bullet">
/// <item>this node must be MASTER (on a backup, PEER being the master already is success, anything else is refused);</item>
/// <item>with unicast_peer, PEER must be one of them, and a single unicast_peer is the only possible winner;</item>
/// <item>otherwise PEER must have been heard with a priority, and no other peer heard may outrank it.</item>
/// </list>
/// A peer never heard advertising cannot be accounted for; the answer says so, and after the handover the node
/// reports who actually took over.
/// </summary>
internal static class SwitchoverTarget
{
    public enum Verdict
    {
        Proceed,
        AlreadyMaster,
        Refused,
    }

    public sealed record Decision(Verdict Verdict, string Text);

    public static Decision Decide(string instance, VrrpState state, IPAddress? self, IPAddress? master, IReadOnlyList<VrrpInstanceActor.PeerSeen> peers, IReadOnlyList<IPAddress> unicastPeers, IPAddress target, DateTimeOffset now)
    {
        if (target.Equals(self))
        {
            return new(Verdict.Refused, $"({instance}) {target} is this node");
        }

        if (state != VrrpState.Master)
        {
            return target.Equals(master)
                ? new(Verdict.AlreadyMaster, $"({instance}) {target} is already master; nothing to do")
                : new(Verdict.Refused, $"({instance}) this node is {MetricsName(state)}, not MASTER: run the switchover on the master ({master?.ToString() ?? "unknown"})");
        }

        if (unicastPeers.Count > 0)
        {
            if (!unicastPeers.Contains(target))
            {
                return new(Verdict.Refused, $"({instance}) {target} is not a unicast_peer of this instance (unicast_peer: {string.Join(", ", unicastPeers)})");
            }

            if (unicastPeers.Count == 1)
            {
                return new(Verdict.Proceed, $"({instance}) {target} is the only unicast_peer: it takes over when this node resigns");
            }
        }

        var known = peers
            .Where(p => p.Priority > 0 && !p.Address.Equals(self) && (unicastPeers.Count == 0 || unicastPeers.Contains(p.Address)))
            .ToList();
        var heard = string.Join(", ", known.Select(p => Describe(p, now)));
        var mine = known.FirstOrDefault(p => p.Address.Equals(target));
        if (mine is null)
        {
            return new(
                Verdict.Refused,
                $"({instance}) cannot confirm that {target} would take over: backups do not advertise, so this node knows a peer's priority only from the adverts it sent as master, "
                + $"and {target} has not advertised since this node started (peers heard: {(heard.Length == 0 ? "none" : heard)}). "
                + $"`actorha switchover {instance}` without --to hands over to whichever backup has the highest priority");
        }

        // RFC 5798 6.4.2: the highest priority wins; on equal priority the higher primary address.
        var winner = known.OrderByDescending(p => p.Priority).ThenByDescending(p => p.Address, AddressOrder.Instance).First();
        if (!winner.Address.Equals(target))
        {
            return new(
                Verdict.Refused,
                $"({instance}) refused: {winner.Address} (priority {winner.Priority}) would take over, not {target} (priority {mine.Priority}): VRRP elects the highest priority. "
                + $"Raise {target}'s priority, lower {winner.Address}'s, or hand over on {winner.Address} afterwards");
        }

        return new(
            Verdict.Proceed,
            $"({instance}) {target} last advertised priority {mine.Priority}, the highest heard (peers heard: {heard}); a peer never heard advertising is not accounted for");
    }

    private static string Describe(VrrpInstanceActor.PeerSeen p, DateTimeOffset now) =>
        string.Create(CultureInfo.InvariantCulture, $"{p.Address} priority {p.Priority} {(int)Math.Max(0, (now - p.LastSeen).TotalSeconds)} s ago");

    private static string MetricsName(VrrpState state) => Metrics.MetricsRenderer.StateName(state);

    /// <summary>Addresses compared as unsigned numbers, as the RFC's tie-break does.</summary>
    private sealed class AddressOrder : IComparer<IPAddress>
    {
        public static readonly AddressOrder Instance = new();

        public int Compare(IPAddress? x, IPAddress? y) =>
            x is null ? (y is null ? 0 : -1) : y is null ? 1 : x.GetAddressBytes().AsSpan().SequenceCompareTo(y.GetAddressBytes());
    }
}
