using System.Net;
using System.Net.Sockets;
using System.Text.Json.Serialization;
using ActorHa.Config.Diagnostics;

namespace ActorHa.Config.Model;

/// <summary>The initial state written in <c>state</c>; keepalived only takes MASTER or BACKUP.</summary>
public enum VrrpState
{
    Backup,
    Master,
}

/// <summary><c>auth_type</c>: PASS (simple text, RFC 2338 section 5.3.6.1) or AH (IPsec AH).</summary>
public enum AuthType
{
    Pass,
    Ah,
}

/// <summary><c>authentication { auth_type ...; auth_pass ... }</c>; the password is already cut to 8 characters.</summary>
public sealed record Authentication(AuthType Type, string Password);

/// <summary><c>use_vmac [NAME] [MAC]</c>; a null name means keepalived's <c>vrrp.VRID</c>.</summary>
public sealed record UseVmac(string? InterfaceName, string? MacAddress);

/// <summary><c>unicast_peer { IP [min_ttl N] [max_ttl N] }</c>.</summary>
public sealed record UnicastPeer(IPAddress Address, int? MinTtl, int? MaxTtl);

/// <summary>
/// <c>vrrp_script</c>: run <see cref="Script"/> every <see cref="Interval"/>; after <see cref="Fall"/> failures it is
/// down, after <see cref="Rise"/> successes up. A null <see cref="Timeout"/> means keepalived's default (the interval).
/// </summary>
public sealed record VrrpScript(
    string Name,
    string Script,
    TimeSpan Interval,
    TimeSpan? Timeout,
    int Weight,
    bool WeightReverse,
    int Rise,
    int Fall,
    ScriptUser? User,
    bool InitFail,
    SourceLocation Location);

/// <summary>
/// <c>track_file NAME { file PATH; weight W [reverse]; init_file [VALUE] [overwrite] }</c> (<c>vrrp_track_file</c> is
/// keepalived's deprecated synonym): the file holds a number; its value times the weight moves the priority of every
/// instance that tracks it, and with weight 0 any non-zero value faults them. <see cref="InitValue"/> is null without
/// init_file: otherwise the value written at start-up when the file is missing, or always with
/// <see cref="InitOverwrite"/>.
/// </summary>
public sealed record VrrpTrackFile(
    string Name,
    string File,
    int Weight,
    bool WeightReverse,
    long? InitValue,
    bool InitOverwrite,
    SourceLocation Location);

/// <summary>
/// <c>vrrp_instance</c>, with keepalived's defaults resolved: priority (255 for state MASTER without one, else 100),
/// version (global vrrp_version, always 3 for IPv6), family (from the first virtual address).
/// </summary>
public sealed record VrrpInstance(
    string Name,
    VrrpState State,
    string? Interface,
    AddressFamily Family,
    int Version,
    int VirtualRouterId,
    int Priority,
    TimeSpan AdvertInt,
    Authentication? Authentication,
    UseVmac? UseVmac,
    bool VmacXmitBase,
    bool DontTrackPrimary,
    IReadOnlyList<TrackedInterface> TrackInterface,
    IReadOnlyList<TrackedScript> TrackScript,
    IReadOnlyList<TrackedFile> TrackFile,
    IPAddress? McastSrcIp,
    IPAddress? McastDstIp,
    IPAddress? UnicastSrcIp,
    IReadOnlyList<UnicastPeer> UnicastPeer,
    int? UnicastTtl,
    bool CheckUnicastSrc,
    string? LvsSyncDaemonInterface,
    TimeSpan GarpMasterDelay,
    int GarpMasterRepeat,
    TimeSpan GarpMasterRefresh,
    int GarpMasterRefreshRepeat,
    IReadOnlyList<AddressEntry> VirtualIpaddress,
    IReadOnlyList<AddressEntry> VirtualIpaddressExcluded,
    IReadOnlyList<RouteEntry> VirtualRoutes,
    IReadOnlyList<RuleEntry> VirtualRules,
    bool Nopreempt,
    TimeSpan PreemptDelay,
    bool Accept,
    bool StrictMode,
    bool SkipCheckAdvAddr,
    bool NativeIpv6,
    int Debug,
    NotifyScripts Notify,
    bool? SmtpAlert,
    IReadOnlyList<string> UnusedKeywords,
    SourceLocation Location)
{
    [JsonIgnore]
    public bool IsUnicast => UnicastPeer.Count > 0;
}

/// <summary>
/// <c>vrrp_sync_group</c>: instances that change state together. Members are names of vrrp_instances that
/// exist (the binder drops the others with an error) and that belong to no other group. Members' tracking
/// weights are ignored (a failure faults the whole group) unless <see cref="SyncGroupTrackingWeight"/> is set.
/// </summary>
public sealed record SyncGroup(
    string Name,
    IReadOnlyList<string> Group,
    NotifyScripts Notify,
    bool? SmtpAlert,
    IReadOnlyList<TrackedInterface> TrackInterface,
    IReadOnlyList<TrackedScript> TrackScript,
    IReadOnlyList<TrackedFile> TrackFile,
    bool SyncGroupTrackingWeight,
    SourceLocation Location);
