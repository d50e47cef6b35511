using System.Net.Sockets;

namespace ActorHa.Node.Checks;

/// <summary>TCP_CHECK: the server is up when a TCP connection opens within connect_timeout.</summary>
internal sealed class TcpChecker(CheckerSettings settings) : IHealthChecker
{
    public async Task<CheckResult> CheckAsync(CancellationToken cancellation)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        limit.CancelAfter(settings.ConnectTimeout);
        try
        {
            using var socket = await HealthCheckers.ConnectAsync(settings.Connect, settings.BindTo, settings.BindPort, limit.Token).ConfigureAwait(false);
            return CheckResult.Passed;
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return CheckResult.Failed("timeout");
        }
        catch (SocketException e)
        {
            return CheckResult.Failed(e.Message);
        }
    }
}
