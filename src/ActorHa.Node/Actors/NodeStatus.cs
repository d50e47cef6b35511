namespace ActorHa.Node.Actors;

/// <summary>
/// Everything `actorha status` and the metrics endpoint show, gathered by /node from its actors (each asked, none
/// blocked): the VRRP instances, sync groups, tracked scripts, virtual servers and the node's own facts.
/// </summary>
internal sealed record NodeStatus(
    NodeStatus.NodeInfo Node,
    IReadOnlyList<VrrpInstanceActor.Status> Instances,
    IReadOnlyDictionary<string, IReadOnlyList<string>> SyncGroups,
    IReadOnlyList<TrackScriptActor.Status> Scripts,
    IReadOnlyList<VirtualServerActor.Status> VirtualServers)
{
    /// <summary>The VRRP receive sockets' counts, per interface and family.</summary>
    public IReadOnlyList<VrrpSocketActor.SocketStatus> Sockets { get; init; } = [];

    /// <summary>
    /// The node: its version, when it started, and its reloads (attempts that were applied or rejected, and whether
    /// the last one was applied). <paramref name="LastReloadSucceeded"/> is true before any reload: the running
    /// configuration is the one that started.
    /// </summary>
    public sealed record NodeInfo(string Version, string ConfigFile, DateTimeOffset StartedAt, long Reloads, long ReloadsFailed, bool LastReloadSucceeded, DateTimeOffset? LastReloadAt);
}
