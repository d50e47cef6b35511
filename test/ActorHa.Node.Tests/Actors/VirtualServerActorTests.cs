using System.Net;
using ActorHa.Config;
using ActorHa.Config.Model;
using ActorHa.Node.Actors;
using ActorHa.Node.Tests.Checks;
using Akka.Actor;
using Akka.Event;
using Akka.TestKit;
using Akka.TestKit.Xunit2;

namespace ActorHa.Node.Tests.Actors;

public sealed class VirtualServerActorTests : TestKit
{
    private const string Vs = "[192.0.2.100]:tcp:80";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private readonly string _dir = Directory.CreateTempSubdirectory("actorha-vs-").FullName;
    private readonly TestProbe _ipvs;
    private readonly TestProbe _logs;

    public VirtualServerActorTests()
        : base("akka.loglevel = INFO")
    {
        _ipvs = CreateTestProbe();
        _logs = CreateTestProbe();
        Sys.EventStream.Subscribe(_logs, typeof(Info));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    /// <summary>Short timers so transitions take a fraction of a second: delay_loop 0.2, one retry 0.1 s later.</summary>
    private const string Fast = "connect_timeout 1\n retry 1\n delay_before_retry 0.1\n warmup 0\n";

    private static VirtualServer Compile(string body)
    {
        var result = ConfigCompiler.CompileText($"virtual_server 192.0.2.100 80 {{\n delay_loop 0.2\n{body}\n}}\n", "test.conf", ConfigCompileOptions.Default);
        return result.Config.VirtualServers.Single();
    }

    private IActorRef Start(VirtualServer vs) => Sys.ActorOf(VirtualServerActor.Props(vs, _ipvs, VirtualServerActor.Settings.Default));

    private void ExpectLog(string line) =>
        _logs.FishForMessage<Info>(i => i.Message.ToString() == line, Wait, $"log line \"{line}\"");

    private T ExpectIpvs<T>(Predicate<T> match)
        where T : class =>
        (T)_ipvs.FishForMessage(m => m is T t && match(t), Wait, typeof(T).Name);

    private static bool Is(IpvsDesired.Destination d, string address, int port) => d.Address.Equals(IPAddress.Parse(address)) && d.Port == port;

    private string Script(string name, string body)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static void Eventually(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, what);
            Thread.Sleep(50);
        }
    }

    [Fact]
    public void Real_server_is_removed_after_its_retries_fail_and_added_back_when_the_backend_returns()
    {
        using var backend = new PlainTcpBackend();
        var rs = $"[127.0.0.1]:tcp:{backend.Port}";
        Start(Compile($"real_server 127.0.0.1 {backend.Port} {{\n weight 3\n TCP_CHECK {{\n{Fast} }}\n}}"));

        ExpectIpvs<IpvsDesired.AddService>(_ => true);
        ExpectIpvs<IpvsDesired.AddDestination>(a => Is(a.Destination, "127.0.0.1", backend.Port) && a.Weight == 3);
        ExpectLog($"Activating healthchecker for service {rs} for VS {Vs}");
        ExpectLog($"TCP connection to {rs} success.");

        backend.Stop();
        ExpectLog($"TCP_CHECK on service {rs} failed after 1 retries.");
        ExpectLog($"Removing service {rs} from VS {Vs}");
        ExpectIpvs<IpvsDesired.RemoveDestination>(r => Is(r.Destination, "127.0.0.1", backend.Port));

        backend.Start();
        ExpectLog($"TCP connection to {rs} success.");
        ExpectLog($"Adding service {rs} to VS {Vs}");
        ExpectIpvs<IpvsDesired.AddDestination>(a => Is(a.Destination, "127.0.0.1", backend.Port) && a.Weight == 3);
    }

    [Fact]
    public void Initial_pool_is_followed_by_initial_pool_sent_so_stale_kernel_destinations_can_go()
    {
        using var backend = new PlainTcpBackend();
        Start(Compile($"real_server 127.0.0.1 {backend.Port} {{\n weight 3\n TCP_CHECK {{\n{Fast} }}\n}}\nreal_server 127.0.0.2 80 {{\n weight 2\n}}"));

        ExpectIpvs<IpvsDesired.AddService>(_ => true);
        var first = ExpectIpvs<IpvsDesired.AddDestination>(_ => true);
        var second = _ipvs.ExpectMsg<IpvsDesired.AddDestination>(Wait);
        Assert.Equal([3, 2], new[] { first, second }.Select(a => a.Weight).Order().Reverse());
        Assert.Equal(first.Service, _ipvs.ExpectMsg<IpvsDesired.InitialPoolSent>(Wait).Service);
    }

    [Fact]
    public async Task Status_lists_each_real_server_with_its_checkers_results_without_blocking_the_virtual_server()
    {
        using var up = new PlainTcpBackend();
        using var down = new PlainTcpBackend();
        down.Stop();
        var vs = Start(Compile($"quorum 4\nreal_server 127.0.0.1 {up.Port} {{\n weight 3\n TCP_CHECK {{\n{Fast} }}\n}}\nreal_server 127.0.0.1 {down.Port} {{\n weight 2\n TCP_CHECK {{\n{Fast} }}\n}}"));
        ExpectLog($"Removing service [127.0.0.1]:tcp:{down.Port} from VS {Vs}");

        var status = await vs.Ask<VirtualServerActor.Status>(VirtualServerActor.GetStatus.Instance, Wait);
        Assert.Equal(Vs, status.Name);
        Assert.False(status.QuorumUp);
        Assert.Equal(3, status.AliveWeight);
        Assert.Equal(4, status.Quorum);
        Assert.Equal([$"[127.0.0.1]:tcp:{up.Port}", $"[127.0.0.1]:tcp:{down.Port}"], status.RealServers.Select(r => r.Name));
        var (alive, dead) = (status.RealServers[0], status.RealServers[1]);
        Assert.True(alive.Alive);
        Assert.Equal(3, alive.Weight);
        Assert.True(alive.Checkers.Single().Up);
        Assert.True(alive.Checkers.Single().Checks >= 1);
        Assert.Equal(0, alive.Checkers.Single().Failed);
        Assert.False(dead.Alive);
        Assert.Equal("TCP_CHECK", dead.Checkers.Single().Checker);
        Assert.False(dead.Checkers.Single().Up);
        Assert.True(dead.Checkers.Single().Failed >= 2);
        Assert.NotNull(dead.Checkers.Single().LastError);
    }

    [Fact]
    public void Losing_quorum_swaps_the_pool_for_the_sorry_server_and_gaining_it_swaps_back()
    {
        using var a = new PlainTcpBackend();
        using var b = new PlainTcpBackend();
        var log = Path.Combine(_dir, "quorum.log");
        var quorumScript = Script("quorum.sh", $"echo \"$1\" >> {log}");
        Start(Compile($$"""
            quorum 2
            quorum_up "{{quorumScript}} UP"
            quorum_down "{{quorumScript}} DOWN"
            sorry_server 127.0.0.9 8080
            real_server 127.0.0.1 {{a.Port}} {
              TCP_CHECK {
            {{Fast}} }
            }
            real_server 127.0.0.1 {{b.Port}} {
              TCP_CHECK {
            {{Fast}} }
            }
            """));

        ExpectLog($"Gained quorum 2+0=2 <= 2 for VS {Vs}");
        ExpectIpvs<IpvsDesired.ServiceQuorum>(q => q.Up);

        a.Stop();
        ExpectLog($"Lost quorum 2-0=2 > 1 for VS {Vs}");
        ExpectLog($"Adding sorry server [127.0.0.9]:tcp:8080 to VS {Vs}");
        ExpectLog($"Removing alive servers from the pool for VS {Vs}");
        ExpectIpvs<IpvsDesired.ServiceQuorum>(q => !q.Up);
        ExpectIpvs<IpvsDesired.RemoveDestination>(r => Is(r.Destination, "127.0.0.1", b.Port));
        ExpectIpvs<IpvsDesired.AddDestination>(s => Is(s.Destination, "127.0.0.9", 8080));

        a.Start();
        ExpectLog($"Gained quorum 2+0=2 <= 2 for VS {Vs}");
        ExpectLog($"Removing sorry server [127.0.0.9]:tcp:8080 from VS {Vs}");
        ExpectLog($"Adding alive servers to the pool for VS {Vs}");
        ExpectIpvs<IpvsDesired.RemoveDestination>(r => Is(r.Destination, "127.0.0.9", 8080));
        Eventually(() => File.Exists(log) && File.ReadAllLines(log).Length == 3, "quorum_up, quorum_down, quorum_up ran");
        Assert.Equal(["UP", "DOWN", "UP"], File.ReadAllLines(log));
    }

    [Fact]
    public void Inhibit_on_failure_keeps_a_failed_server_at_weight_zero()
    {
        using var backend = new HttpBackend();
        var rs = $"[127.0.0.1]:tcp:{backend.Port}";
        Start(Compile($"real_server 127.0.0.1 {backend.Port} {{\n weight 5\n inhibit_on_failure\n HTTP_GET {{\n url {{\n path /\n }}\n{Fast} }}\n}}"));
        ExpectLog($"Remote Web server {rs} succeed on service.");

        backend.Status = 500;
        ExpectLog($"HTTP_CHECK on service {rs} failed after 1 retries.");
        ExpectLog($"Disabling service {rs} of VS {Vs}");
        ExpectIpvs<IpvsDesired.EditWeight>(e => e.Weight == 0);

        backend.Status = 200;
        ExpectLog($"HTTP status code success to {rs} url(/)");
        ExpectLog($"Enabling service {rs} of VS {Vs}");
        ExpectIpvs<IpvsDesired.EditWeight>(e => e.Weight == 5);
        _ipvs.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void A_digest_mismatch_takes_the_server_down()
    {
        using var backend = new HttpBackend { Body = "hello\n" };
        var rs = $"[127.0.0.1]:tcp:{backend.Port}";
        Start(Compile($"real_server 127.0.0.1 {backend.Port} {{\n HTTP_GET {{\n url {{\n path /\n digest b1946ac92492d2347c6235b4d2611184\n }}\n connect_timeout 1\n retry 0\n warmup 0\n }}\n}}"));
        ExpectLog($"Remote Web server {rs} succeed on service.");

        backend.Body = "defaced\n";
        ExpectLog($"HTTP_CHECK on service {rs} failed.");
        ExpectIpvs<IpvsDesired.RemoveDestination>(r => Is(r.Destination, "127.0.0.1", backend.Port));

        backend.Body = "hello\n";
        ExpectLog($"MD5 digest success to {rs} url(/)");
        ExpectIpvs<IpvsDesired.AddDestination>(a => Is(a.Destination, "127.0.0.1", backend.Port));
    }

    [Fact]
    public void Notify_down_and_notify_up_run_when_the_server_dies_and_returns()
    {
        using var backend = new SmtpBackend();
        var log = Path.Combine(_dir, "notify.log");
        var notify = Script("notify.sh", $"echo \"$@\" >> {log}");
        var rs = $"[127.0.0.1]:tcp:{backend.Port}";
        Start(Compile($"real_server 127.0.0.1 {backend.Port} {{\n notify_up \"{notify} up\"\n notify_down \"{notify} down\"\n SMTP_CHECK {{\n{Fast} }}\n}}"));
        ExpectLog($"Remote SMTP server {rs} succeed on service.");

        backend.Stop();
        ExpectLog($"SMTP_CHECK Could not connect to server [127.0.0.1]:{backend.Port}");
        Eventually(() => File.Exists(log) && File.ReadAllLines(log) is ["down"], "notify_down ran");

        backend.Start();
        ExpectLog($"Adding service {rs} to VS {Vs}");
        Eventually(() => File.ReadAllLines(log) is ["down", "up"], "notify_up ran");
    }

    [Fact]
    public void Alpha_server_stays_out_of_the_pool_until_its_first_success()
    {
        using var dns = new DnsBackend { Silent = true };
        var rs = $"[127.0.0.1]:tcp:{dns.Port}";
        Start(Compile($"alpha\nreal_server 127.0.0.1 {dns.Port} {{\n DNS_CHECK {{\n type A\n name example.com\n connect_timeout 0.3\n warmup 0\n }}\n}}"));
        ExpectIpvs<IpvsDesired.AddService>(_ => true);
        ExpectIpvs<IpvsDesired.ServiceQuorum>(q => !q.Up);
        ExpectIpvs<IpvsDesired.InitialPoolSent>(_ => true); // an empty initial pool
        _ipvs.ExpectNoMsg(TimeSpan.FromMilliseconds(800));

        dns.Silent = false;
        ExpectLog($"Adding service {rs} to VS {Vs}");
        ExpectLog($"Gained quorum 1+0=1 <= 1 for VS {Vs}");
        ExpectIpvs<IpvsDesired.AddDestination>(a => Is(a.Destination, "127.0.0.1", dns.Port));
    }

    [Fact]
    public void Misc_dynamic_exit_status_sets_the_weight()
    {
        var rc = Path.Combine(_dir, "rc");
        File.WriteAllText(rc, "0");
        var misc = Script("misc.sh", $"exit $(cat {rc})");
        var rs = "[127.0.0.1]:tcp:80";
        Start(Compile($"real_server 127.0.0.1 80 {{\n weight 1\n MISC_CHECK {{\n misc_path {misc}\n misc_timeout 5\n misc_dynamic\n warmup 0\n }}\n}}"));
        ExpectLog($"Misc check for [{rs} VS {Vs}] by [{misc}] succeeded.");

        File.WriteAllText(rc, "12");
        ExpectLog($"Changing weight from 1 to 10 for active service {rs} of VS {Vs}");
        ExpectIpvs<IpvsDesired.EditWeight>(e => e.Weight == 10);

        File.WriteAllText(rc, "1");
        ExpectLog($"Misc check for [{rs} VS {Vs}] by [{misc}] failed with retry disabled (exited with status 1).");
        ExpectIpvs<IpvsDesired.RemoveDestination>(_ => true);
    }

    [Fact]
    public async Task Stopping_removes_the_service_and_omega_runs_the_down_scripts()
    {
        using var backend = new PlainTcpBackend();
        var log = Path.Combine(_dir, "omega.log");
        var notify = Script("omega.sh", $"echo \"$1\" >> {log}");
        var vs = Start(Compile($"omega\nquorum_down \"{notify} quorum_down\"\nreal_server 127.0.0.1 {backend.Port} {{\n notify_down \"{notify} notify_down\"\n TCP_CHECK {{\n{Fast} }}\n}}"));
        ExpectLog($"TCP connection to [127.0.0.1]:tcp:{backend.Port} success.");

        var tree = await vs.Ask<ActorTree.TreeNode>(ActorTree.DescribeTree.Instance, Wait);
        Assert.StartsWith($"{Vs} quorum up", tree.State, StringComparison.Ordinal);
        Assert.StartsWith("UP weight 1; TCP_CHECK up", Assert.Single(tree.Children).State, StringComparison.Ordinal);

        Sys.Stop(vs);
        ExpectLog($"Shutting down service [127.0.0.1]:tcp:{backend.Port} from VS {Vs}");
        ExpectIpvs<IpvsDesired.RemoveService>(_ => true);
        Eventually(() => File.Exists(log) && File.ReadAllLines(log).Order().SequenceEqual(["notify_down", "quorum_down"]), "omega scripts ran");
    }
}
