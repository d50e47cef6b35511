using System.Net;
using System.Text.Json.Serialization;
using ActorHa.Config.Diagnostics;

namespace ActorHa.Config.Model;

/// <summary><c>lb_kind</c> / <c>lvs_method</c>: how IPVS forwards to a real server.</summary>
public enum LvsMethod
{
    Nat,
    Dr,
    Tun,
}

/// <summary>The L4 protocol of a virtual service (<c>protocol</c>).</summary>
public enum LvsProtocol
{
    Tcp,
    Udp,
    Sctp,
}

/// <summary>
/// One line of <c>virtual_server_group</c>: <c>IP[-LAST] PORT</c> (a range on the last byte or group, as in
/// <c>192.0.2.3-10 80</c>) or <c>fwmark N</c>.
/// </summary>
public sealed record VirtualServerGroupEntry(IPAddress? Address, IPAddress? LastAddress, int? Port, uint? Fwmark, SourceLocation Location);

public sealed record VirtualServerGroup(string Name, IReadOnlyList<VirtualServerGroupEntry> Entries, SourceLocation Location);

/// <summary>An inclusive range of HTTP status codes, <c>200-299</c>; a single code has From == To.</summary>
public sealed record StatusCodeRange(int From, int To);

/// <summary><c>url { path; digest; status_code; virtualhost; regex }</c> of HTTP_GET and SSL_GET.</summary>
public sealed record HttpUrl(string Path, string? Digest, IReadOnlyList<StatusCodeRange> StatusCodes, string? Virtualhost, string? Regex, bool RegexNoMatch);

/// <summary>Where a checker connects: the real server's address and port unless overridden.</summary>
public sealed record CheckerEndpoint(IPAddress? ConnectIp, int? ConnectPort, IPAddress? BindTo, string? BindIf, int? BindPort, uint? Fwmark);

public enum CheckerKind
{
    HttpGet,
    SslGet,
    TcpCheck,
    SmtpCheck,
    DnsCheck,
    MiscCheck,
    UdpCheck,
    PingCheck,
    FileCheck,
    BfdCheck,
}

/// <summary>
/// A health checker of a real server. The connection and timing fields are null where the value is inherited
/// from the real server or virtual server (keepalived's inheritance), and the kind-specific fields are null for
/// the other kinds (<see cref="Name"/> is DNS_CHECK's query name or BFD_CHECK's instance). <c>nb_get_retry</c> was folded
/// into <see cref="Retry"/>.
/// </summary>
public sealed record Checker(
    CheckerKind Kind,
    CheckerEndpoint Endpoint,
    TimeSpan? ConnectTimeout,
    int? Retry,
    TimeSpan? DelayBeforeRetry,
    TimeSpan? Warmup,
    TimeSpan? DelayLoop,
    bool? Alpha,
    bool? LogAllFailures,
    IReadOnlyList<HttpUrl> Url,
    string? HttpProtocol,
    string? Virtualhost,
    bool? FastRecovery,
    bool EnableSni,
    string? HeloName,
    IReadOnlyList<CheckerEndpoint> Host,
    string? Type,
    string? Name,
    NotifyScript? MiscPath,
    TimeSpan? MiscTimeout,
    bool MiscDynamic,
    string? Payload,
    string? RequireReply,
    int? MinReplyLength,
    int? MaxReplyLength,
    string? TrackFile,
    bool Dynamic,
    int? Weight,
    SourceLocation Location);

/// <summary><c>real_server IP [PORT] { ... }</c>; unset inheritable settings are null.</summary>
public sealed record RealServer(
    IPAddress Address,
    int? Port,
    int Weight,
    LvsMethod? LvsMethod,
    bool? InhibitOnFailure,
    NotifyScript? NotifyUp,
    NotifyScript? NotifyDown,
    int? Uthreshold,
    int? Lthreshold,
    bool? SmtpAlert,
    string? Virtualhost,
    bool? Alpha,
    TimeSpan? ConnectTimeout,
    int? Retry,
    TimeSpan? DelayBeforeRetry,
    TimeSpan? Warmup,
    TimeSpan? DelayLoop,
    IReadOnlyList<Checker> Checkers,
    SourceLocation Location);

/// <summary><c>sorry_server IP [PORT]</c>.</summary>
public sealed record SorryServer(IPAddress Address, int? Port, LvsMethod? LvsMethod, bool Inhibit);

/// <summary>
/// <c>virtual_server IP [PORT] | fwmark N | group NAME { ... }</c>: exactly one of (Address), Fwmark, Group is set.
/// keepalived's defaults: delay_loop 60 s, lvs_sched wlc, lvs_method NAT, quorum 1, hysteresis 0.
/// </summary>
public sealed record VirtualServer(
    IPAddress? Address,
    int? Port,
    uint? Fwmark,
    string? Group,
    TimeSpan DelayLoop,
    string LvsSched,
    IReadOnlyList<string> SchedulerFlags,
    LvsMethod LvsMethod,
    LvsProtocol Protocol,
    TimeSpan? PersistenceTimeout,
    IPAddress? PersistenceGranularity,
    string? PersistenceEngine,
    bool HaSuspend,
    bool Ops,
    string? Virtualhost,
    bool Alpha,
    bool Omega,
    int Quorum,
    int Hysteresis,
    NotifyScript? QuorumUp,
    NotifyScript? QuorumDown,
    SorryServer? SorryServer,
    bool? SmtpAlert,
    bool? InhibitOnFailure,
    TimeSpan? ConnectTimeout,
    int? Retry,
    TimeSpan? DelayBeforeRetry,
    TimeSpan? Warmup,
    IReadOnlyList<RealServer> RealServers,
    IReadOnlyList<string> UnusedKeywords,
    SourceLocation Location)
{
    /// <summary>How messages name the service: <c>192.0.2.1:80</c>, <c>[2001:db8::1]:80</c>, <c>fwmark 1</c>, <c>group VSG_1</c>.</summary>
    [JsonIgnore]
    public string DisplayName => Describe(Address, Port, Fwmark, Group);

    internal static string Describe(IPAddress? address, int? port, uint? fwmark, string? group) =>
        group is not null ? $"group {group}"
        : fwmark is { } mark ? $"fwmark {mark}"
        : Endpoint(address, port);

    internal static string Endpoint(IPAddress? address, int? port)
    {
        var host = address is null ? "?" : address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        return port is { } p ? $"{host}:{p}" : host;
    }
}
