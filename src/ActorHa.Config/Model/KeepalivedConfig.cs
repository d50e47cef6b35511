namespace ActorHa.Config.Model;

/// <summary>
/// The resolved keepalived.conf: includes expanded, <c>$NAME</c>s substituted, defaults applied, invalid values
/// replaced by keepalived's fallbacks, and cross-references checked. Everything ActorHa runs comes from here.
/// </summary>
public sealed record KeepalivedConfig(
    GlobalDefs GlobalDefs,
    IReadOnlyList<AddressEntry> StaticAddresses,
    IReadOnlyList<RouteEntry> StaticRoutes,
    IReadOnlyList<RuleEntry> StaticRules,
    IReadOnlyList<VrrpScript> VrrpScripts,
    IReadOnlyList<VrrpInstance> VrrpInstances,
    IReadOnlyList<SyncGroup> SyncGroups,
    IReadOnlyList<VirtualServerGroup> VirtualServerGroups,
    IReadOnlyList<VirtualServer> VirtualServers)
{
    /// <summary>The track_file blocks; instances, sync groups and FILE_CHECKs name them.</summary>
    public IReadOnlyList<VrrpTrackFile> TrackFiles { get; init; } = [];

    public static readonly KeepalivedConfig Empty = new(GlobalDefs.Default, [], [], [], [], [], [], [], []);
}
