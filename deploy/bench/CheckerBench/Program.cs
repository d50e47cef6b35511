using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorHa.Config;
using ActorHa.Node.Actors;
using ActorHa.Node.Checks;
using Akka.Actor;

// CheckerBench [listeners=20] [servers-per-listener=100] [seconds=30]: every real server runs a TCP_CHECK at
// delay_loop 1 against one of the loopback listeners; then one listener dies and we time the RemoveDestinations.
var listeners = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
var perListener = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100;
var seconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 30;

var backends = Enumerable.Range(0, listeners).Select(_ => new Listener()).ToList();
var conf = new StringBuilder();
for (var v = 0; v < listeners; v++)
{
    // Real server addresses are documentation addresses (only IPVS sees them); the checks go to the listener.
    conf.Append(CultureInfo.InvariantCulture, $"virtual_server 192.0.2.{v + 1} 80 {{\n delay_loop 1\n");
    for (var r = 0; r < perListener; r++)
    {
        conf.Append(CultureInfo.InvariantCulture, $" real_server 198.51.{100 + (r / 250)}.{(r % 250) + 1} 80 {{\n  TCP_CHECK {{\n   connect_ip 127.0.0.1\n   connect_port {backends[v].Port}\n   connect_timeout 1\n   retry 0\n   warmup 1\n  }}\n }}\n");
    }

    conf.Append("}\n");
}

var compiled = ConfigCompiler.CompileText(conf.ToString(), "bench.conf", ConfigCompileOptions.Default);
var total = listeners * perListener;
Console.WriteLine($"{total} real servers in {listeners} virtual servers, TCP_CHECK at delay_loop 1 against {listeners} loopback listeners");

using var system = ActorSystem.Create("bench", "akka.loglevel = WARNING");
var counter = new CheckCounter();
var settings = VirtualServerActor.Settings.Default with { CheckerFactory = s => counter.Wrap(HealthCheckers.Create(s)) };
var ipvs = new IpvsRecorder();
var recorder = system.ActorOf(Props.Create(() => new IpvsRecorderActor(ipvs)), "kernel");
foreach (var vs in compiled.Config.VirtualServers)
{
    system.ActorOf(VirtualServerActor.Props(vs, recorder, settings));
}

// Let warmup spread the first checks, then measure.
await Task.Delay(TimeSpan.FromSeconds(3));
var process = Process.GetCurrentProcess();
process.Refresh();
var cpu0 = process.TotalProcessorTime;
var checks0 = counter.Count;
var wall = Stopwatch.StartNew();
await Task.Delay(TimeSpan.FromSeconds(seconds));
process.Refresh();
var cpu = (process.TotalProcessorTime - cpu0).TotalSeconds / wall.Elapsed.TotalSeconds;
var checks = counter.Count - checks0;
Console.WriteLine($"checks/s: {checks / wall.Elapsed.TotalSeconds:F0} (expected {total} at delay_loop 1), failures: {counter.Failures}");
Console.WriteLine($"process CPU: {cpu * 100:F1}% of one core ({cpu * 100 / Environment.ProcessorCount:F1}% of {Environment.ProcessorCount} cores), GC heap {GC.GetTotalMemory(false) / 1048576} MiB, threads {process.Threads.Count}");

// Kill one backend and time until the first and the last of its real servers leave the desired IPVS state.
var killedPort = backends[0].Port;
var killed = Stopwatch.StartNew();
ipvs.Arm(perListener);
backends[0].Dispose();
var (first, last) = await ipvs.WaitAsync(TimeSpan.FromSeconds(30));
Console.WriteLine($"listener :{killedPort} killed -> first RemoveDestination after {first.TotalMilliseconds:F0} ms, all {perListener} after {last.TotalMilliseconds:F0} ms (delay_loop 1, retry 0)");

await system.Terminate();
foreach (var b in backends.Skip(1))
{
    b.Dispose();
}

/// <summary>Counts every check the actors run.</summary>
internal sealed class CheckCounter
{
    private long _count;
    private long _failures;

    public long Count => Interlocked.Read(ref _count);

    public long Failures => Interlocked.Read(ref _failures);

    public IHealthChecker Wrap(IHealthChecker inner) => new Counted(inner, this);

    private sealed class Counted(IHealthChecker inner, CheckCounter counter) : IHealthChecker
    {
        public async Task<CheckResult> CheckAsync(CancellationToken cancellation)
        {
            var result = await inner.CheckAsync(cancellation).ConfigureAwait(false);
            Interlocked.Increment(ref counter._count);
            if (!result.Success)
            {
                Interlocked.Increment(ref counter._failures);
            }

            return result;
        }
    }
}

/// <summary>Times the RemoveDestinations that follow <see cref="Arm"/>.</summary>
internal sealed class IpvsRecorder
{
    private readonly TaskCompletionSource<(TimeSpan, TimeSpan)> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Stopwatch? _since;
    private int _expected;
    private int _seen;
    private TimeSpan _first;

    public void Arm(int expected)
    {
        _expected = expected;
        _since = Stopwatch.StartNew();
    }

    public void Removed()
    {
        if (_since is null)
        {
            return;
        }

        var n = Interlocked.Increment(ref _seen);
        if (n == 1)
        {
            _first = _since.Elapsed;
        }

        if (n == _expected)
        {
            _done.TrySetResult((_first, _since.Elapsed));
        }
    }

    public Task<(TimeSpan First, TimeSpan Last)> WaitAsync(TimeSpan timeout) => _done.Task.WaitAsync(timeout);
}

/// <summary>The kernel side's stand-in: takes the desired IPVS state and only times the removals.</summary>
internal sealed class IpvsRecorderActor : ReceiveActor
{
    public IpvsRecorderActor(IpvsRecorder recorder)
    {
        Receive<IpvsDesired.RemoveDestination>(_ => recorder.Removed());
        ReceiveAny(_ => { });
    }
}

/// <summary>A loopback listener that accepts and closes, like a healthy backend seen by TCP_CHECK.</summary>
internal sealed class Listener : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public Listener()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _socket.Listen(1024);
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
        _ = Task.Run(async () =>
        {
            while (true)
            {
                try
                {
                    using var client = await _socket.AcceptAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    return;
                }
            }
        });
    }

    public int Port { get; }

    public void Dispose() => _socket.Dispose();
}
