using System.Net;
using ActorHa.Config.Diagnostics;

namespace ActorHa.Config.Model;

/// <summary><c>smtp_server IP [PORT]</c>.</summary>
public sealed record SmtpServer(IPAddress Address, int Port = 25);

/// <summary><c>notify_fifo</c> / <c>vrrp_notify_fifo</c>: the FIFO path and the script keepalived starts to read it.</summary>
public sealed record NotifyFifo(string Path, NotifyScript? Script);

/// <summary>
/// <c>lvs_sync_daemon INTERFACE VRRP_INSTANCE [id N] [maxlen N] [port N] [ttl N] [group IP]</c>: the IPVS
/// connection-sync daemon, started in master or backup mode as the named vrrp_instance changes state.
/// </summary>
public sealed record LvsSyncDaemon(string Interface, string? VrrpInstance, int? SyncId, IPAddress? Group, int? Port, int? Ttl, int? MaxLength);

/// <summary><c>script_user USERNAME [GROUPNAME]</c>.</summary>
public sealed record ScriptUser(string User, string? Group);

/// <summary>
/// <c>global_defs</c>. Defaults are keepalived 2.2.7's. <see cref="UnusedKeywords"/> lists the real keepalived
/// keywords that were accepted but that ActorHa does not act on (SNMP, process priorities, nftables ...).
/// </summary>
public sealed record GlobalDefs(
    IReadOnlyList<string> NotificationEmail,
    string? NotificationEmailFrom,
    SmtpServer? SmtpServer,
    TimeSpan SmtpConnectTimeout,
    string? SmtpHeloName,
    bool? SmtpAlert,
    bool? SmtpAlertVrrp,
    bool? SmtpAlertChecker,
    string? RouterId,
    bool EnableTraps,
    IPAddress VrrpMcastGroup4,
    IPAddress VrrpMcastGroup6,
    TimeSpan VrrpGarpMasterDelay,
    int VrrpGarpMasterRepeat,
    TimeSpan VrrpGarpMasterRefresh,
    int VrrpGarpMasterRefreshRepeat,
    TimeSpan VrrpGarpInterval,
    TimeSpan VrrpGnaInterval,
    int VrrpVersion,
    bool VrrpCheckUnicastSrc,
    bool VrrpSkipCheckAdvAddr,
    bool VrrpStrict,
    IReadOnlyList<string>? VrrpIptables,
    NotifyFifo? NotifyFifo,
    NotifyFifo? VrrpNotifyFifo,
    NotifyFifo? LvsNotifyFifo,
    ScriptUser? ScriptUser,
    bool EnableScriptSecurity,
    LvsSyncDaemon? LvsSyncDaemon,
    string? DefaultInterface,
    IReadOnlyList<string> UnusedKeywords,
    SourceLocation Location)
{
    /// <summary>RFC 5798 section 5.1.1.2 / 5.1.2.2: the VRRP multicast groups.</summary>
    public static readonly IPAddress DefaultMcastGroup4 = IPAddress.Parse("224.0.0.18");

    public static readonly IPAddress DefaultMcastGroup6 = IPAddress.Parse("ff02::12");

    /// <summary><c>vrrp_priority</c>: the nice value (-20..19) of the threads that run VRRP (the event loop, the receivers).</summary>
    public int? VrrpPriority { get; init; }

    /// <summary><c>vrrp_rt_priority</c>: SCHED_RR at this priority (1..99) for the VRRP threads.</summary>
    public int? VrrpRtPriority { get; init; }

    /// <summary><c>vrrp_rlimit_rttime</c>: RLIMIT_RTTIME in microseconds while real-time (keepalived's default 10000; ActorHa's 1000000, see VrrpThreads).</summary>
    public int? VrrpRlimitRttime { get; init; }

    public static readonly GlobalDefs Default = new(
        NotificationEmail: [],
        NotificationEmailFrom: null,
        SmtpServer: null,
        SmtpConnectTimeout: TimeSpan.FromSeconds(30),
        SmtpHeloName: null,
        SmtpAlert: null,
        SmtpAlertVrrp: null,
        SmtpAlertChecker: null,
        RouterId: null,
        EnableTraps: false,
        VrrpMcastGroup4: DefaultMcastGroup4,
        VrrpMcastGroup6: DefaultMcastGroup6,
        VrrpGarpMasterDelay: TimeSpan.FromSeconds(5),
        VrrpGarpMasterRepeat: 5,
        VrrpGarpMasterRefresh: TimeSpan.Zero,
        VrrpGarpMasterRefreshRepeat: 1,
        VrrpGarpInterval: TimeSpan.Zero,
        VrrpGnaInterval: TimeSpan.Zero,
        VrrpVersion: 2,
        VrrpCheckUnicastSrc: false,
        VrrpSkipCheckAdvAddr: false,
        VrrpStrict: false,
        VrrpIptables: null,
        NotifyFifo: null,
        VrrpNotifyFifo: null,
        LvsNotifyFifo: null,
        ScriptUser: null,
        EnableScriptSecurity: false,
        LvsSyncDaemon: null,
        DefaultInterface: null,
        UnusedKeywords: [],
        Location: SourceLocation.None);
}
