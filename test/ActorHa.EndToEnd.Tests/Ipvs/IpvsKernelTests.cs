using System.Diagnostics;
using System.Globalization;
using ActorHa.EndToEnd.Tests.Lab;
using Xunit.Abstractions;

namespace ActorHa.EndToEnd.Tests.Ipvs;

/// <summary>
/// The node programs a real IPVS kernel. This machine's kernel has no IPVS, so the whole scenario runs inside one
/// qemu VM on Debian 12's kernel (deploy/ipvs-vm.sh): real backends (busybox httpd) on loopback addresses, the
/// published (ReadyToRun) node with TCP_CHECK and HTTP_GET real servers, and `ipvsadm -Ln` compared with the
/// expected table after every step (Ipvs/ipvs-scenario.sh runs the steps inside the VM; this test owns the
/// expectations).
/// </summary>
[Collection("lab")]
public sealed class IpvsKernelTests(ITestOutputHelper output)
{
    private const string Service = "TCP 192.0.2.100:80";
    private const string Unrelated = "TCP 198.51.100.1:443 rr";
    private const string Refused = "TCP 192.0.2.101:80 rr";

    private const string Config = """
        virtual_server 192.0.2.100 80 {
            delay_loop 1
            lb_algo wrr
            lb_kind NAT
            protocol TCP
            quorum 2
            sorry_server 127.0.0.1 9999
            real_server 127.0.0.11 8081 {
                weight 2
                TCP_CHECK {
                    connect_timeout 5
                    retry 0
                }
            }
            real_server 127.0.0.12 8082 {
                weight 3
                inhibit_on_failure
                HTTP_GET {
                    url {
                        path /index.html
                        status_code 200
                    }
                    connect_timeout 5
                    retry 0
                }
            }
        }

        # The kernel refuses a lower threshold above the upper one (ERANGE): the node logs it and carries on.
        virtual_server 192.0.2.101 80 {
            lb_algo rr
            lb_kind NAT
            protocol TCP
            real_server 127.0.0.13 8083 {
                weight 1
                uthreshold 5
                lthreshold 10
            }
        }
        """;

    private static readonly string[] Full = [$"{Service} wrr", $"{Service} -> 127.0.0.11:8081 Masq 2", $"{Service} -> 127.0.0.12:8082 Masq 3", Refused, Unrelated];

    /// <summary>Each step of ipvs-scenario.sh, in order, with the table (sorted lines) it must reach.</summary>
    private static readonly (string Step, string[] Table)[] Steps =
    [
        // Start-up reconciliation: the pre-existing service is adopted (scheduler rr -> wrr, 127.0.0.11 weight
        // 1 -> 2), its stale destination 127.0.0.99 removed, and the service outside the configuration left alone.
        ("start", Full),
        ("tcp-backend-dies", [$"{Service} wrr", $"{Service} -> 127.0.0.12:8082 Masq 3", Refused, Unrelated]),

        // inhibit_on_failure keeps it at weight 0; alive weight 0 < quorum 2 brings the sorry server in.
        ("http-backend-dies-quorum-lost", [$"{Service} wrr", $"{Service} -> 127.0.0.1:9999 Masq 1", $"{Service} -> 127.0.0.12:8082 Masq 0", Refused, Unrelated]),
        ("tcp-backend-back-quorum-regained", [$"{Service} wrr", $"{Service} -> 127.0.0.11:8081 Masq 2", $"{Service} -> 127.0.0.12:8082 Masq 0", Refused, Unrelated]),
        ("http-backend-back", Full),
        ("stop-releases", [Unrelated]),
        ("restart-with-dont-release-ipvs", Full),
        ("stop-keeps-with-dont-release-ipvs", Full),
    ];

    [Fact]
    public void Ipvs_table_follows_checker_transitions_quorum_and_sorry_server_and_start_and_stop_reconcile()
    {
        NetnsLab.RequireRootAndTools("qemu-system-x86_64", "busybox", "ipvsadm", "apt-get", "dpkg-deb");
        var node = PublishedNode();
        var work = Directory.CreateTempSubdirectory("actorha-ipvs-vm-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(work, "keepalived.conf"), Config);
            // The VM sees the host's /tmp as its own empty tmpfs: a checkout under /tmp (git clone . /tmp/x) would hide
            // the published node from it. The shared work folder is always visible, so the node runs from a copy there.
            var copy = Path.Combine(work, "actorha");
            Directory.CreateDirectory(copy);
            foreach (var file in Directory.EnumerateFiles(Path.GetDirectoryName(node)!))
            {
                File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            }

            File.SetUnixFileMode(Path.Combine(copy, "actorha"), File.GetUnixFileMode(node));
            File.WriteAllText(Path.Combine(work, "ACTORHA"), "./actorha/actorha\n");
            File.Copy(Path.Combine(AppContext.BaseDirectory, "Ipvs", "ipvs-scenario.sh"), Path.Combine(work, "scenario.sh"));
            foreach (var (step, table) in Steps)
            {
                File.WriteAllText(Path.Combine(work, $"{step}.expected"), Sorted(table));
            }

            var clock = Stopwatch.StartNew();
            var (rc, console) = RunVm(work, "bash ./scenario.sh", TimeSpan.FromMinutes(7));
            output.WriteLine($"VM ran {clock.Elapsed.TotalSeconds:F1} s, exit {rc}");
            // The first line shares the serial console with the firmware's escape sequences: take what follows them.
            var steps = console
                .Where(l => l.Contains("STEP ", StringComparison.Ordinal))
                .Select(l => l[l.IndexOf("STEP ", StringComparison.Ordinal)..].TrimEnd('\r'))
                .ToList();
            foreach (var line in steps)
            {
                output.WriteLine(line);
            }

            if (rc != 0)
            {
                foreach (var line in console)
                {
                    output.WriteLine(line);
                }
            }

            foreach (var (step, table) in Steps)
            {
                var actual = Path.Combine(work, $"{step}.actual");
                Assert.True(File.Exists(actual), $"the scenario did not reach step {step} (exit {rc})");
                Assert.Equal(Sorted(table), File.ReadAllText(actual));
                Assert.Contains(steps, l => l.StartsWith($"STEP {step} ok ", StringComparison.Ordinal));
            }

            Assert.Equal(0, rc);
            var log = File.ReadAllText(Path.Combine(work, "node-1.log"));
            Assert.Contains("IPVS: removing stale destination 127.0.0.99:8099 from TCP  192.0.2.100:80", log, StringComparison.Ordinal);
            Assert.Contains("Removing service [127.0.0.11]:tcp:8081 from VS [192.0.2.100]:tcp:80", log, StringComparison.Ordinal);
            var errors = log.Split('\n').Where(l => l.Contains("IPVS: cannot", StringComparison.Ordinal)).ToList();
            Assert.Equal(["IPVS: cannot add destination 127.0.0.13:8083 Masquerade weight 1 in TCP  192.0.2.101:80: Numerical result out of range"], errors.Select(l => l[l.IndexOf("IPVS: ", StringComparison.Ordinal)..].TrimEnd('\r')));
            Assert.Contains("IPVS: leaving 2 service(s) in the kernel (--dont-release-ipvs)", File.ReadAllText(Path.Combine(work, "node-2.log")), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string Sorted(IEnumerable<string> lines) => string.Concat(lines.Order(StringComparer.Ordinal).Select(l => l + "\n"));

    /// <summary>
    /// The node as deploy/test.sh publishes it (ReadyToRun: under TCG a JIT-compiled start-up takes minutes). A
    /// publish older than the sources would test yesterday's code, so that fails too.
    /// </summary>
    private static string PublishedNode()
    {
        var published = Path.Combine(LabNodes.RepoRoot, "artifacts", "actorha", "actorha");
        if (!File.Exists(published))
        {
            throw new InvalidOperationException($"{published} is missing: dotnet publish src/ActorHa.Node -c Release -o artifacts/actorha (deploy/test.sh does)");
        }

        var newestSource = Directory.EnumerateFiles(Path.Combine(LabNodes.RepoRoot, "src"), "*.cs*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Max(File.GetLastWriteTimeUtc);
        // The newest of the published assemblies: a change inside ActorHa.Protocol leaves actorha.dll as it was (its
        // reference assembly did not change, so the build skips compiling the node).
        var newestPublished = Directory.EnumerateFiles(Path.GetDirectoryName(published)!, "*.dll")
            .Where(f => Path.GetFileName(f).StartsWith("ActorHa.", StringComparison.Ordinal) || Path.GetFileName(f) == "actorha.dll")
            .Max(File.GetLastWriteTimeUtc);
        if (newestPublished < newestSource)
        {
            throw new InvalidOperationException($"{published} is older than the sources: dotnet publish src/ActorHa.Node -c Release -o artifacts/actorha");
        }

        return published;
    }

    private (int ExitCode, List<string> Console) RunVm(string work, string command, TimeSpan limit)
    {
        var psi = new ProcessStartInfo("bash", [Path.Combine(LabNodes.RepoRoot, "deploy", "ipvs-vm.sh"), work, command])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        psi.Environment["IPVS_VM_TIMEOUT"] = ((int)limit.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        var lines = new List<string>();
        using var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (lines)
                {
                    lines.Add(e.Data);
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (lines)
                {
                    lines.Add("stderr: " + e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(limit + TimeSpan.FromSeconds(30)))
        {
            // The script bounds qemu itself; this is the backstop, and it kills only what this test started.
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            output.WriteLine("the VM outlived its limit and was killed");
        }

        process.WaitForExit();
        lock (lines)
        {
            return (process.ExitCode, [.. lines]);
        }
    }
}
