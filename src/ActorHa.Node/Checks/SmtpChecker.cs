using System.Net.Sockets;
using System.Text;
using ActorHa.Node.Logging;
using ActorHa.Protocol.Logging;

namespace ActorHa.Node.Checks;

/// <summary>
/// SMTP_CHECK: connect, read a 220 greeting, send <c>HELO helo_name</c>, expect 250, say QUIT — all within
/// connect_timeout. Multi-line replies (<c>220-...</c>) are read to their last line.
/// </summary>
internal sealed class SmtpChecker(CheckerSettings settings) : IHealthChecker
{
    public async Task<CheckResult> CheckAsync(CancellationToken cancellation)
    {
        var server = CheckerSettings.EndpointName(settings.Connect);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        limit.CancelAfter(settings.ConnectTimeout);
        Socket socket;
        try
        {
            socket = await HealthCheckers.ConnectAsync(settings.Connect, settings.BindTo, settings.BindPort, limit.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !cancellation.IsCancellationRequested))
        {
            return CheckResult.Failed(KeepalivedLog.SmtpCouldNotConnect(server));
        }

        using (socket)
        {
            var stream = new NetworkStream(socket, ownsSocket: false);
            await using (stream.ConfigureAwait(false))
            {
                using var reader = new StreamReader(stream, Encoding.ASCII, false, 1024, leaveOpen: true);
                try
                {
                    if (await ReadReplyAsync(reader, limit.Token).ConfigureAwait(false) != 220)
                    {
                        return CheckResult.Failed(KeepalivedLog.SmtpReadFailure(server));
                    }

                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"HELO {settings.HeloName}\r\n"), limit.Token).ConfigureAwait(false);
                    if (await ReadReplyAsync(reader, limit.Token).ConfigureAwait(false) != 250)
                    {
                        return CheckResult.Failed(KeepalivedLog.SmtpBadHelo(server));
                    }

                    await stream.WriteAsync("QUIT\r\n"u8.ToArray(), limit.Token).ConfigureAwait(false);
                    return CheckResult.Passed;
                }
                catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
                {
                    return CheckResult.Failed(KeepalivedLog.SmtpReadTimeout(server));
                }
                catch (IOException)
                {
                    return CheckResult.Failed(KeepalivedLog.SmtpReadFailure(server));
                }
            }
        }
    }

    /// <summary>The code of the reply's last line, or 0 when the connection closed or the reply is malformed.</summary>
    private static async Task<int> ReadReplyAsync(StreamReader reader, CancellationToken cancellation)
    {
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellation).ConfigureAwait(false);
            if (line is null || line.Length < 3 || !int.TryParse(line.AsSpan(0, 3), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code))
            {
                return 0;
            }

            if (line.Length == 3 || line[3] != '-')
            {
                return code;
            }
        }
    }
}
