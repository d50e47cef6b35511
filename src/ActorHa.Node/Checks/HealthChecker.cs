using System.Net;
using System.Net.Sockets;
using ActorHa.Config.Model;

namespace ActorHa.Node.Checks;

/// <summary>
/// The outcome of one check. <see cref="Reason"/> says why it failed in keepalived's words (SMTP_CHECK and
/// DNS_CHECK print it in their failure line); <see cref="DynamicWeight"/> is MISC_CHECK's misc_dynamic weight,
/// null for "the configured weight".
/// </summary>
internal sealed record CheckResult(bool Success, string Reason, int? DynamicWeight = null, int? ExitStatus = null)
{
    public static readonly CheckResult Passed = new(true, "");

    public static CheckResult Failed(string reason) => new(false, reason);
}

/// <summary>One health check of one real server; plain async code, so it is tested without actors.</summary>
internal interface IHealthChecker
{
    /// <summary>Runs one check; never throws for a failing server, only reports it.</summary>
    Task<CheckResult> CheckAsync(CancellationToken cancellation);
}

internal static class HealthCheckers
{
    public static IHealthChecker Create(CheckerSettings settings) => settings.Kind switch
    {
        CheckerKind.TcpCheck => new TcpChecker(settings),
        CheckerKind.HttpGet => new HttpChecker(settings, tls: false),
        CheckerKind.SslGet => new HttpChecker(settings, tls: true),
        CheckerKind.SmtpCheck => new SmtpChecker(settings),
        CheckerKind.DnsCheck => new DnsChecker(settings),
        CheckerKind.MiscCheck => new MiscChecker(settings),
        _ => throw new ArgumentException($"{settings.Kind} is not supported", nameof(settings)),
    };

    /// <summary>
    /// Connects a TCP socket to <paramref name="target"/>, from bindto/bind_port when set, within
    /// <paramref name="cancellation"/> (the caller's connect_timeout).
    /// </summary>
    public static async Task<Socket> ConnectAsync(IPEndPoint target, IPAddress? bindTo, int? bindPort, CancellationToken cancellation)
    {
        var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (bindTo is not null || bindPort is not null)
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                socket.Bind(new IPEndPoint(bindTo ?? (target.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any), bindPort ?? 0));
            }

            await socket.ConnectAsync(target, cancellation).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
