using System.Net;
using ActorHa.Config.Model;

namespace ActorHa.Node.Checks;

/// <summary>
/// One checker with keepalived's inheritance applied (checker, then real_server, then virtual_server, then the
/// built-in default) so the checkers and actors never look further than this record.
/// </summary>
internal sealed record CheckerSettings(
    CheckerKind Kind,
    IPEndPoint Connect,
    IPAddress? BindTo,
    int? BindPort,
    TimeSpan ConnectTimeout,
    int Retry,
    TimeSpan DelayBeforeRetry,
    TimeSpan DelayLoop,
    TimeSpan Warmup,
    bool Alpha,
    bool LogAllFailures,
    IReadOnlyList<HttpUrl> Urls,
    string? HttpProtocol,
    string? Virtualhost,
    bool EnableSni,
    string HeloName,
    string DnsType,
    string DnsName,
    NotifyScript? MiscPath,
    TimeSpan MiscTimeout,
    bool MiscDynamic)
{
    /// <summary>keepalived's default connect_timeout.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The name keepalived's messages give the checker.</summary>
    public string Name => Kind switch
    {
        CheckerKind.HttpGet or CheckerKind.SslGet => "HTTP_CHECK",
        CheckerKind.TcpCheck => "TCP_CHECK",
        CheckerKind.SmtpCheck => "SMTP_CHECK",
        CheckerKind.DnsCheck => "DNS_CHECK",
        CheckerKind.MiscCheck => "MISC_CHECK",
        _ => Kind.ToString(),
    };

    /// <summary>The kinds ActorHa runs; the others are reported and left out of the real server's state.</summary>
    public static bool IsSupported(CheckerKind kind) =>
        kind is CheckerKind.TcpCheck or CheckerKind.HttpGet or CheckerKind.SslGet or CheckerKind.SmtpCheck or CheckerKind.DnsCheck or CheckerKind.MiscCheck;

    public static CheckerSettings Resolve(VirtualServer vs, RealServer rs, Checker c)
    {
        var delayLoop = c.DelayLoop ?? rs.DelayLoop ?? vs.DelayLoop;
        var port = c.Endpoint.ConnectPort ?? rs.Port ?? vs.Port ?? 0;
        return new CheckerSettings(
            c.Kind,
            new IPEndPoint(c.Endpoint.ConnectIp ?? rs.Address, port),
            c.Endpoint.BindTo,
            c.Endpoint.BindPort,
            c.ConnectTimeout ?? rs.ConnectTimeout ?? vs.ConnectTimeout ?? DefaultConnectTimeout,
            c.Retry ?? rs.Retry ?? vs.Retry ?? DefaultRetry(c.Kind),
            c.DelayBeforeRetry ?? rs.DelayBeforeRetry ?? vs.DelayBeforeRetry ?? DefaultDelayBeforeRetry(c.Kind, delayLoop),
            delayLoop,
            // Warmup defaults to delay_loop so that many checks of one server do not all start at once.
            c.Warmup ?? rs.Warmup ?? vs.Warmup ?? delayLoop,
            c.Alpha ?? rs.Alpha ?? vs.Alpha,
            c.LogAllFailures ?? false,
            c.Url,
            c.HttpProtocol,
            c.Virtualhost ?? rs.Virtualhost ?? vs.Virtualhost,
            c.EnableSni,
            c.HeloName ?? Dns.GetHostName(),
            c.Type ?? "SOA",
            c.Name ?? ".",
            c.MiscPath,
            c.MiscTimeout ?? delayLoop,
            c.MiscDynamic);
    }

    /// <summary>keepalived's retry defaults: DNS_CHECK 3, MISC_CHECK 0, the others 1.</summary>
    public static int DefaultRetry(CheckerKind kind) => kind switch
    {
        CheckerKind.DnsCheck => 3,
        CheckerKind.MiscCheck => 0,
        _ => 1,
    };

    /// <summary>keepalived's delay_before_retry defaults: delay_loop for DNS_CHECK, 3 s for HTTP_GET/SSL_GET, else 1 s.</summary>
    public static TimeSpan DefaultDelayBeforeRetry(CheckerKind kind, TimeSpan delayLoop) => kind switch
    {
        CheckerKind.DnsCheck => delayLoop,
        CheckerKind.HttpGet or CheckerKind.SslGet => TimeSpan.FromSeconds(3),
        _ => TimeSpan.FromSeconds(1),
    };

    /// <summary>keepalived's notation for a service: <c>[192.0.2.2]:tcp:80</c>.</summary>
    public static string ServiceName(IPAddress address, LvsProtocol protocol, int port) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"[{address}]:{ProtocolWord(protocol)}:{port}");

    /// <summary>A connect endpoint as SMTP_CHECK names it: <c>[192.0.2.4]:25</c>.</summary>
    public static string EndpointName(IPEndPoint endpoint) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"[{endpoint.Address}]:{endpoint.Port}");

    /// <summary>keepalived's notation for a virtual server: <c>[192.0.2.100]:tcp:80</c>, <c>FWM 1</c>, or the group's name.</summary>
    public static string VirtualServerName(VirtualServer vs) =>
        vs.Group is { } group ? group
        : vs.Fwmark is { } mark ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"FWM {mark}")
        : ServiceName(vs.Address ?? IPAddress.Any, vs.Protocol, vs.Port ?? 0);

    private static string ProtocolWord(LvsProtocol protocol) => protocol switch
    {
        LvsProtocol.Udp => "udp",
        LvsProtocol.Sctp => "sctp",
        _ => "tcp",
    };
}
