using System.Globalization;
using System.Net.Sockets;
using System.Text;
using ActorHa.Config.Model;

namespace ActorHa.Node.Scripts;

/// <summary>The mail settings of global_defs: who gets alerts, from whom, through which server.</summary>
internal sealed record SmtpSettings(SmtpServer Server, IReadOnlyList<string> To, string From, string HeloName, string RouterId, TimeSpan ConnectTimeout)
{
    public static SmtpSettings? FromGlobals(GlobalDefs g)
    {
        if (g.SmtpServer is null || g.NotificationEmail.Count == 0)
        {
            return null;
        }

        var host = Environment.MachineName;
        return new SmtpSettings(
            g.SmtpServer,
            g.NotificationEmail,
            g.NotificationEmailFrom ?? $"keepalived@{host}",
            g.SmtpHeloName ?? host,
            g.RouterId ?? host,
            g.SmtpConnectTimeout > TimeSpan.Zero ? g.SmtpConnectTimeout : TimeSpan.FromSeconds(30));
    }
}

/// <summary>How one alert went: whether the server took the connection (keepalived logs that by itself) and, if the mail failed, why.</summary>
internal sealed record SmtpOutcome(bool Connected, string? Error);

/// <summary>
/// keepalived's smtp_alert: one plain-text mail per transition, subject and body in keepalived's words
/// (<c>[router_id] VRRP Instance VI_1 - Entering MASTER state</c>), sent with a minimal SMTP dialogue
/// (HELO, MAIL, RCPT per recipient, DATA, QUIT) bounded by smtp_connect_timeout. The message is keepalived 2.2.7's
/// byte for byte but for the date (seen by a sink in the lab, NotifyTests): its headers, X-Mailer included, and the
/// empty line keepalived leaves between the body and the final dot. Failures are returned, not thrown.
/// </summary>
internal static class SmtpAlert
{
    public static (string Subject, string Body) InstanceMail(string routerId, string instance, string state) =>
        ($"[{routerId}] VRRP Instance {instance} - Entering {state} state",
         state == "MASTER" ? "=> VRRP Instance is now owning VRRP VIPs <=" : "=> VRRP Instance is no longer owning VRRP VIPs <=");

    public static (string Subject, string Body) GroupMail(string routerId, string group, string state) =>
        ($"[{routerId}] VRRP Group {group} - Entering {state} state", $"=> All VRRP group instances are now in {state} state <=");

    /// <summary>RFC 5322 date: <c>Sun, 22 Nov 2026 23:44:45 +0000</c>.</summary>
    public static string RfcDate(DateTimeOffset t)
    {
        var offset = t.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        return string.Create(CultureInfo.InvariantCulture, $"{t:ddd, dd MMM yyyy HH:mm:ss} {sign}{Math.Abs(offset.Hours):00}{Math.Abs(offset.Minutes):00}");
    }

    public static async Task<SmtpOutcome> SendAsync(SmtpSettings s, string subject, string body, DateTimeOffset now)
    {
        using var cts = new CancellationTokenSource(s.ConnectTimeout);
        var connected = false;
        try
        {
            using var client = new TcpClient(s.Server.Address.AddressFamily);
            await client.ConnectAsync(s.Server.Address, s.Server.Port, cts.Token).ConfigureAwait(false);
            connected = true;
            using var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };

            async Task<string?> Expect(string code)
            {
                string? line;
                do
                {
                    line = await reader.ReadLineAsync(cts.Token).ConfigureAwait(false);
                }
                while (line is { Length: > 3 } && line[3] == '-');

                return line is not null && line.StartsWith(code, StringComparison.Ordinal) ? null : $"SMTP server said '{line}', expected {code}";
            }

            async Task<string?> Say(string command, string code)
            {
                await writer.WriteLineAsync(command.AsMemory(), cts.Token).ConfigureAwait(false);
                return await Expect(code).ConfigureAwait(false);
            }

            var error = await Expect("220").ConfigureAwait(false)
                ?? await Say($"HELO {s.HeloName}", "250").ConfigureAwait(false)
                ?? await Say($"MAIL FROM:<{s.From}>", "250").ConfigureAwait(false);
            foreach (var to in s.To)
            {
                error ??= await Say($"RCPT TO:<{to}>", "250").ConfigureAwait(false);
            }

            error ??= await Say("DATA", "354").ConfigureAwait(false);
            if (error is not null)
            {
                return new SmtpOutcome(connected, error);
            }

            var message = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"Date: {RfcDate(now)}\r\n")
                .Append(CultureInfo.InvariantCulture, $"From: {s.From}\r\n")
                .Append(CultureInfo.InvariantCulture, $"Subject: {subject}\r\n")
                .Append("X-Mailer: Keepalived\r\n")
                .Append(CultureInfo.InvariantCulture, $"To: {string.Join(", ", s.To)}\r\n\r\n")
                .Append(body.Replace("\n.", "\n..", StringComparison.Ordinal)).Append("\r\n\r\n.");
            return new SmtpOutcome(
                connected,
                await Say(message.ToString(), "250").ConfigureAwait(false) ?? await Say("QUIT", "221").ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            return new SmtpOutcome(connected, $"SMTP connection to {s.Server.Address}:{s.Server.Port} timed out");
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return new SmtpOutcome(connected, $"SMTP connection to {s.Server.Address}:{s.Server.Port} failed: {e.Message}");
        }
    }
}
