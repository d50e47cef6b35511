using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace ActorHa.EndToEnd.Tests.Lab;

/// <summary>
/// A virtual LAN made only of network namespaces this test created: a switch namespace holding a bridge, N host
/// namespaces and a client, each joined to the bridge by a veth pair whose host end is <c>eth0</c>. Nothing is put
/// in the root namespace. Addresses come from the documentation ranges: host i is 192.0.2.(10+i)/24 and
/// 2001:db8::(10+i)/64, the client 192.0.2.200 / 2001:db8::200. Dispose kills the processes it started (by PID) and
/// deletes every namespace and the daemons' folders, also when the test failed; a crashed earlier test run is swept
/// on the next creation.
/// </summary>
public sealed partial class NetnsLab : IDisposable
{
    private const string Prefix = "ahl";
    private static int _counter;

    private readonly List<string> _namespaces = [];
    private readonly List<LabProcess> _processes = [];
    private readonly List<string> _directories = [];
    private readonly ITestOutputHelper? _output;

    private NetnsLab(string id, ITestOutputHelper? output)
    {
        Id = id;
        _output = output;
    }

    public string Id { get; }

    public string Switch => $"{Prefix}{Id}sw";

    public IReadOnlyList<LabHost> Hosts { get; private set; } = [];

    public LabHost Client { get; private set; } = null!;

    public static NetnsLab Create(int hosts, ITestOutputHelper? output = null)
    {
        RequireRootAndTools("ip", "tcpdump");
        SweepLeftovers();
        var id = $"{Environment.ProcessId}x{Interlocked.Increment(ref _counter)}";
        var lab = new NetnsLab(id, output);
        try
        {
            lab.Build(hosts);
        }
        catch
        {
            lab.Dispose();
            throw;
        }

        return lab;
    }

    /// <summary>Tests that need root or a tool fail (never skip) without them, so CI cannot pass vacuously.</summary>
    public static void RequireRootAndTools(params string[] tools)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            throw new InvalidOperationException("end-to-end tests need root (network namespaces, raw sockets): run deploy/test.sh as root");
        }

        foreach (var tool in tools)
        {
            if (!FindOnPath(tool))
            {
                throw new InvalidOperationException($"end-to-end tests need '{tool}': apt-get install it (deploy/test.sh does)");
            }
        }
    }

    private static bool FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin")
            .Split(':')
            .Append("/usr/sbin")
            .Append("/sbin")
            .Any(dir => File.Exists(Path.Combine(dir, tool)));

    private void Build(int hosts)
    {
        AddNamespace(Switch);
        Sh(Switch, "ip link add br0 type bridge");
        Sh(Switch, "ip link set br0 up");
        Sh(Switch, "ip link set lo up");

        var list = new List<LabHost>();
        for (var i = 1; i <= hosts; i++)
        {
            list.Add(AddHost($"h{i}", $"192.0.2.{10 + i}", $"2001:db8::{10 + i}"));
        }

        Hosts = list;
        Client = AddHost("c", "192.0.2.200", "2001:db8::200");
    }

    private LabHost AddHost(string name, string ipv4, string ipv6)
    {
        var ns = $"{Prefix}{Id}{name}";
        AddNamespace(ns);
        // Create the pair inside the switch namespace, then move the host end: no interface ever exists in the root namespace.
        Sh(Switch, $"ip link add {name} type veth peer name eth0 netns {ns}");
        Sh(Switch, $"ip link set {name} master br0");
        Sh(Switch, $"ip link set {name} up");
        Sh(ns, "ip link set lo up");
        Sh(ns, $"ip addr add {ipv4}/24 dev eth0");
        Sh(ns, $"ip -6 addr add {ipv6}/64 dev eth0 nodad");
        Sh(ns, "ip link set eth0 up");
        return new LabHost(this, name, ns, ipv4, ipv6);
    }

    private void AddNamespace(string ns)
    {
        Run("ip", ["netns", "add", ns]);
        _namespaces.Add(ns);
    }

    /// <summary>Runs a command line inside a namespace and returns its standard output; throws on a non-zero exit.</summary>
    public string Sh(string ns, string commandLine) => Run("ip", ["netns", "exec", ns, "sh", "-c", commandLine]);

    public static string Run(string file, IReadOnlyList<string> args, bool check = true)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in 60 s");
        }

        if (check && p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}: {stderr.Result}");
        }

        return stdout.Result;
    }

    /// <summary>Starts a long-running process inside a namespace; the lab kills it (by PID) on dispose.</summary>
    public LabProcess Start(string ns, string name, string file, IReadOnlyList<string> args)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in new[] { "netns", "exec", ns, file }.Concat(args))
        {
            psi.ArgumentList.Add(a);
        }

        // `ip netns exec` execs the command, so the PID we get is the process itself: signals reach it directly.
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var lp = new LabProcess(name, process, _output);
        _processes.Add(lp);
        return lp;
    }

    /// <summary>
    /// tcpdump on a host's eth0 with a capture filter, one decoded line per packet (-l, -n, -e for MACs); returns once
    /// tcpdump says it is listening, so nothing sent after this call is missed.
    /// </summary>
    public LabProcess Capture(LabHost host, string filter)
    {
        var capture = Start(host.Namespace, $"tcpdump@{host.Name}", "tcpdump", ["-l", "-n", "-e", "-i", "eth0", filter]);
        if (!capture.WaitForLineAsync("listening on", TimeSpan.FromSeconds(10)).GetAwaiter().GetResult())
        {
            throw new InvalidOperationException($"tcpdump in {host.Name} did not start: {string.Join(" | ", capture.Lines)}");
        }

        return capture;
    }

    /// <summary>A folder the lab deletes on dispose, once its processes are gone (a daemon's config, pid file, state).</summary>
    public void DeleteOnDispose(string directory) => _directories.Add(directory);

    public static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan timeout, TimeSpan? poll = null)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(poll ?? TimeSpan.FromMilliseconds(20));
        }

        return condition();
    }

    public void Dispose()
    {
        foreach (var p in _processes)
        {
            p.Dispose();
        }

        foreach (var dir in _directories)
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _output?.WriteLine($"cleanup of {dir} failed: {e.Message}");
            }
        }

        foreach (var ns in Enumerable.Reverse(_namespaces))
        {
            try
            {
                Run("ip", ["netns", "del", ns], check: false);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                _output?.WriteLine($"cleanup of {ns} failed: {e.Message}");
            }
        }
    }

    /// <summary>Deletes namespaces of earlier test runs whose process is gone (a crashed run cannot clean up itself).</summary>
    private static void SweepLeftovers()
    {
        if (!Directory.Exists("/var/run/netns"))
        {
            return;
        }

        foreach (var path in Directory.EnumerateFiles("/var/run/netns"))
        {
            var match = LabNamespace().Match(Path.GetFileName(path));
            if (!match.Success)
            {
                continue;
            }

            var pid = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            if (pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}"))
            {
                Run("ip", ["netns", "del", Path.GetFileName(path)], check: false);
            }
        }
    }

    [GeneratedRegex(@"^ahl(\d+)x\d+")]
    private static partial Regex LabNamespace();
}

/// <summary>One host of the lab: its namespace, its eth0 addresses, helpers to look at it.</summary>
public sealed record LabHost(NetnsLab Lab, string Name, string Namespace, string IPv4, string IPv6)
{
    public string Sh(string commandLine) => Lab.Sh(Namespace, commandLine);

    /// <summary>True when <paramref name="address"/> is configured on any interface of this host.</summary>
    public bool HasAddress(string address)
    {
        var output = NetnsLab.Run("ip", ["-n", Namespace, "-o", "addr", "show"], check: false);
        return output.Split('\n').Any(line => line.Contains($" {address}/", StringComparison.Ordinal));
    }
}

/// <summary>A process the lab started; its output lines are kept with their arrival time.</summary>
public sealed partial class LabProcess : IDisposable
{
    private readonly Process _process;
    private readonly ITestOutputHelper? _output;
    private readonly ConcurrentQueue<(DateTime At, string Line)> _lines = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public LabProcess(string name, Process process, ITestOutputHelper? output)
    {
        Name = name;
        _process = process;
        _output = output;
        _process.OutputDataReceived += (_, e) => Record(e.Data);
        _process.ErrorDataReceived += (_, e) => Record(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    /// <summary>The configuration file the daemon was started with (the test may rewrite it and reload).</summary>
    public string? ConfigPath { get; set; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public IReadOnlyList<string> Lines => _lines.Select(l => l.Line).ToList();

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lines.Enqueue((DateTime.UtcNow, line));
        try
        {
            _output?.WriteLine($"[{Name} +{_clock.Elapsed.TotalSeconds:F3}] {line}");
        }
        catch (InvalidOperationException)
        {
            // The test finished; xunit no longer accepts output for it.
        }
    }

    public bool HasLine(string fragment) => _lines.Any(l => l.Line.Contains(fragment, StringComparison.Ordinal));

    public Task<bool> WaitForLineAsync(string fragment, TimeSpan timeout) =>
        NetnsLab.WaitUntilAsync(() => HasLine(fragment), timeout);

    public void Signal(int signal)
    {
        if (!_process.HasExited && Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
