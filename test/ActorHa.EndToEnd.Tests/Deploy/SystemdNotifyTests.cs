using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using ActorHa.EndToEnd.Tests.Lab;
using Xunit.Abstractions;

namespace ActorHa.EndToEnd.Tests.Deploy;

/// <summary>
/// The node speaks sd_notify as a Type=notify unit needs: the test plays systemd's part, binding the datagram socket
/// named in NOTIFY_SOCKET, and sees READY=1 at start, RELOADING=1 (with MONOTONIC_USEC) then READY=1 around a
/// SIGHUP reload, and STOPPING=1 on SIGTERM. The node runs in a lab namespace; the socket is a file path, which
/// (unlike an abstract name) is visible from every network namespace.
/// </summary>
[Collection("lab")]
public sealed class SystemdNotifyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_node_notifies_ready_reloading_ready_and_stopping()
    {
        using var lab = NetnsLab.Create(1, output);
        var path = Path.Combine(Path.GetTempPath(), $"actorha-notify-{Environment.ProcessId}-{Stopwatch.GetTimestamp()}.sock");
        using var systemd = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        systemd.Bind(new UnixDomainSocketEndPoint(path));
        var dir = Directory.CreateTempSubdirectory("actorha-notify-").FullName;
        try
        {
            var conf = Path.Combine(dir, "keepalived.conf");
            await File.WriteAllTextAsync(conf, LabNodes.Instance(100));
            using var node = lab.Start(lab.Hosts[0].Namespace, "actorha@h1", "env",
                [$"NOTIFY_SOCKET={path}", LabNodes.ActorHaPath, "-n", "-l", "-G", "-f", conf, "-p", Path.Combine(dir, "actorha.pid"), "--state-dir", Path.Combine(dir, "state")]);

            var ready = await ReceiveAsync(systemd, TimeSpan.FromSeconds(20));
            Assert.StartsWith("READY=1\n", ready, StringComparison.Ordinal);
            Assert.Contains("STATUS=running " + conf, ready, StringComparison.Ordinal);
            Assert.True(await node.WaitForLineAsync("(VI_1) Entering BACKUP STATE", TimeSpan.FromSeconds(10)));

            node.Signal(1);
            var reloading = await ReceiveAsync(systemd, TimeSpan.FromSeconds(10));
            var now = MonotonicMicroseconds();
            Assert.StartsWith("RELOADING=1\n", reloading, StringComparison.Ordinal);
            var usec = long.Parse(Field(reloading, "MONOTONIC_USEC"), CultureInfo.InvariantCulture);
            Assert.InRange(now - usec, 0, 10_000_000);
            var reloaded = await ReceiveAsync(systemd, TimeSpan.FromSeconds(20));
            Assert.StartsWith("READY=1\n", reloaded, StringComparison.Ordinal);
            Assert.Contains("STATUS=running, configuration reloaded", reloaded, StringComparison.Ordinal);

            node.Signal(15);
            var stopping = await ReceiveAsync(systemd, TimeSpan.FromSeconds(10));
            Assert.StartsWith("STOPPING=1", stopping, StringComparison.Ordinal);
            Assert.True(node.WaitForExit(TimeSpan.FromSeconds(20)));
            Assert.Equal(0, node.ExitCode);
        }
        finally
        {
            File.Delete(path);
            Directory.Delete(dir, recursive: true);
        }
    }

    private async Task<string> ReceiveAsync(Socket socket, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[4096];
        try
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            var text = Encoding.UTF8.GetString(buffer, 0, n);
            output.WriteLine($"[notify] {text.Replace("\n", "\\n", StringComparison.Ordinal)}");
            return text;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no sd_notify message within {timeout.TotalSeconds} s");
        }
    }

    private static string Field(string message, string name) =>
        message.Split('\n').Select(l => l.Split('=', 2)).First(kv => kv[0] == name)[1];

    /// <summary>CLOCK_MONOTONIC in microseconds: .NET's Stopwatch reads that clock on Linux.</summary>
    private static long MonotonicMicroseconds() => (long)(Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1_000_000.0));
}
