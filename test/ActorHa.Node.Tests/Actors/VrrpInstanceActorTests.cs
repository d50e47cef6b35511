using System.Net;
using ActorHa.Config;
using ActorHa.Config.Model;
using ActorHa.Node.Actors;
using ActorHa.Protocol.Vrrp;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;

namespace ActorHa.Node.Tests.Actors;

/// <summary>
/// One instance actor against probes for /vrrp-io, /kernel and /notify, on virtual time. The instance sits on
/// "lo" so that interface lookup works without any network; nothing is sent anywhere (vrrp-io is a probe).
/// </summary>
public sealed class VrrpInstanceActorTests : TestKit
{
    private const string Conf = """
        vrrp_instance VI_1 {
            state BACKUP
            interface lo
            virtual_router_id 51
            priority 100
            advert_int 1
            authentication {
                auth_type PASS
                auth_pass secret
            }
            virtual_ipaddress {
                192.0.2.100/24
            }
            notify "/bin/true"
        }
        """;

    private readonly TestProbe _io;
    private readonly TestProbe _kernel;
    private readonly TestProbe _notify;

    public VrrpInstanceActorTests()
        : base("akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\"")
    {
        _io = CreateTestProbe();
        _kernel = CreateTestProbe();
        // The instance asks /kernel for its direct path; a probe has none to give, so every request comes as a message.
        _kernel.IgnoreMessages(m => m is KernelRequests.OpenPath);
        _notify = CreateTestProbe();
    }

    private TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    private IActorRef StartInstance(string conf = Conf)
    {
        var result = ConfigCompiler.CompileText(conf, "test.conf", ConfigCompileOptions.Default);
        Assert.Equal(0, result.ExitCode);
        var instance = Sys.ActorOf(VrrpInstanceActor.Props(new VrrpInstanceActor.Settings(
            result.Config.VrrpInstances[0], result.Config.GlobalDefs, _io.Ref, _kernel.Ref, _notify.Ref)));
        var register = _io.ExpectMsg<VrrpSocketActor.Register>();
        Assert.Equal((byte)51, register.VirtualRouterId);
        Assert.Equal(IPAddress.Parse("224.0.0.18"), register.MulticastGroup);
        instance.Tell(new VrrpSocketActor.Registered("lo", register.Source), _io.Ref);
        // Start-up makes sure no VIP of ours is left over from an earlier run.
        _kernel.ExpectMsg<KernelRequests.RemoveVips>();
        // keepalived runs the BACKUP notify for the initial state too.
        _notify.ExpectMsg<Notifier.Notify>(n => n.State == Notifier.State.Backup);
        // As BACKUP it rehearses its takeover: built, never sent (see Backup_rehearses_its_takeover_without_sending_anything).
        _io.ExpectMsg<VrrpSocketActor.Rehearse>();
        _kernel.ExpectMsg<KernelRequests.Rehearse>();
        return instance;
    }

    private static VrrpSocketActor.AdvertReceived Advert(byte priority, string password = "secret", string vip = "192.0.2.100", string from = "192.0.2.2")
    {
        var spec = new VrrpAdvertSpec(VrrpVersion.V2, VrrpAddressFamily.IPv4, 51, priority, 1) { Auth = VrrpAuth.SimpleText(password) };
        var buffer = new byte[100];
        var source = IPAddress.Parse(from);
        var n = VrrpCodec.BuildIPv4Datagram(buffer, spec, [IPAddress.Parse(vip)], source, IPAddress.Parse("224.0.0.18"));
        var packet = buffer[..n];
        Assert.True(VrrpCodec.TryParseIPv4Datagram(packet, VrrpParseOptions.Default, out var advert, out _, out _, out var error), error);
        return new VrrpSocketActor.AdvertReceived(packet, advert, source, IPAddress.Parse("224.0.0.18"), 1);
    }

    private VrrpInstanceActor.Status StatusOf(IActorRef instance)
    {
        instance.Tell(VrrpInstanceActor.GetStatus.Instance);
        return ExpectMsg<VrrpInstanceActor.Status>();
    }

    [Fact]
    public void Instance_becomes_master_when_master_down_timer_fires()
    {
        var instance = StartInstance();
        Assert.Equal(Protocol.StateMachine.VrrpState.Backup, StatusOf(instance).State);

        // Master_Down_Interval for priority 100 at 1 s: 3 s + (256-100)/256 s = 3.609 s.
        Clock.Advance(TimeSpan.FromMilliseconds(3500));
        _io.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
        Clock.Advance(TimeSpan.FromMilliseconds(200));

        var send = _io.ExpectMsg<VrrpSocketActor.Send>();
        var (destination, message) = Assert.Single(send.Messages);
        Assert.Equal(IPAddress.Parse("224.0.0.18"), destination);
        Assert.True(VrrpCodec.TryParseMessage(message, VrrpAddressFamily.IPv4, VrrpParseOptions.Default, out var advert, out _));
        Assert.Equal((byte)100, advert.Priority);
        Assert.Equal(VrrpAuthType.SimpleText, advert.AuthType);
        var add = _kernel.ExpectMsg<KernelRequests.AddVips>();
        Assert.Equal("192.0.2.100/24 dev lo", Assert.Single(add.Vips).ToString());
        Assert.Equal("lo", _kernel.ExpectMsg<KernelRequests.SendFrames>().Device);
        var notify = _notify.ExpectMsg<Notifier.Notify>();
        Assert.Equal(Notifier.State.Master, notify.State);
        Assert.Equal(Protocol.StateMachine.VrrpState.Master, StatusOf(instance).State);
    }

    [Fact]
    public void A_takeover_counts_the_garbage_collections_that_ran_before_its_vips_were_in()
    {
        var instance = StartInstance();
        Clock.Advance(TimeSpan.FromMilliseconds(3700));
        _io.ExpectMsg<VrrpSocketActor.Send>();
        var add = _kernel.ExpectMsg<KernelRequests.AddVips>();
        // A collection between the timer and the kernel's answer, as one that stops the loop mid-takeover would be.
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        instance.Tell(new KernelRequests.Done("VI_1", add, []), _kernel.Ref);

        var takeover = StatusOf(instance).LastTakeover;
        Assert.NotNull(takeover);
        Assert.True(takeover.Collections >= 1, $"{takeover.Collections} collections counted");
        Assert.True(takeover.GcPaused > TimeSpan.Zero);

        // The next takeover counts from its own start: none forced, none counted unless the runtime ran one itself.
        instance.Tell(Advert(200));
        _kernel.FishForMessage(m => m is KernelRequests.RemoveVips);
        var before = GC.CollectionCount(0);
        Clock.Advance(TimeSpan.FromMilliseconds(3700));
        add = (KernelRequests.AddVips)_kernel.FishForMessage(m => m is KernelRequests.AddVips);
        instance.Tell(new KernelRequests.Done("VI_1", add, []), _kernel.Ref);
        var counted = StatusOf(instance).LastTakeover!.Collections;
        Assert.InRange(counted, 0, GC.CollectionCount(0) - before);
    }

    [Fact]
    public void A_rehearsal_advert_from_a_higher_priority_peer_leaves_a_master_master_and_nothing_counted()
    {
        var instance = StartInstance();
        Clock.Advance(TimeSpan.FromMilliseconds(3700));
        _io.ExpectMsg<VrrpSocketActor.Send>();
        _kernel.ExpectMsg<KernelRequests.AddVips>();
        _kernel.ExpectMsg<KernelRequests.SendFrames>();
        _notify.ExpectMsg<Notifier.Notify>(n => n.State == Notifier.State.Master);
        var before = StatusOf(instance);

        // The real thing (no Rehearsal flag) would send it to BACKUP and remove the VIPs; the rehearsal only asks
        // /kernel to build the removal.
        instance.Tell(Advert(200) with { Rehearsal = true }, _io.Ref);
        var kernel = _kernel.ExpectMsg<KernelRequests.Rehearse>();
        Assert.Equal("192.0.2.100/24 dev lo", Assert.Single(kernel.Vips).ToString());
        _kernel.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
        _io.ExpectNoMsg(TimeSpan.FromMilliseconds(10));
        _notify.ExpectNoMsg(TimeSpan.FromMilliseconds(10));
        var after = StatusOf(instance);
        Assert.Equal(Protocol.StateMachine.VrrpState.Master, after.State);
        Assert.Equal(before.AdvertsReceived, after.AdvertsReceived);
        Assert.True(after.VipsHeld);
        Assert.Empty(after.Peers);

        // A rehearsal that fails a check (wrong password) is not counted as invalid either.
        instance.Tell(Advert(200, password: "wrong") with { Rehearsal = true }, _io.Ref);
        Assert.Empty(StatusOf(instance).InvalidByReason);
    }

    [Fact]
    public void Backup_rehearses_its_takeover_without_sending_anything()
    {
        var result = ConfigCompiler.CompileText(Conf, "test.conf", ConfigCompileOptions.Default);
        var instance = Sys.ActorOf(VrrpInstanceActor.Props(new VrrpInstanceActor.Settings(
            result.Config.VrrpInstances[0], result.Config.GlobalDefs, _io.Ref, _kernel.Ref, _notify.Ref)));
        var register = _io.ExpectMsg<VrrpSocketActor.Register>();
        instance.Tell(new VrrpSocketActor.Registered("lo", register.Source), _io.Ref);
        _kernel.ExpectMsg<KernelRequests.RemoveVips>();

        // The advert it would send as master, and the VIPs it would add, go out only as rehearsals.
        var advert = _io.ExpectMsg<VrrpSocketActor.Rehearse>();
        var (destination, message) = Assert.Single(advert.Messages);
        Assert.Equal(IPAddress.Parse("224.0.0.18"), destination);
        Assert.True(VrrpCodec.TryParseMessage(message, VrrpAddressFamily.IPv4, VrrpParseOptions.Default, out var parsed, out _));
        Assert.Equal((byte)100, parsed.Priority);
        var kernel = _kernel.ExpectMsg<KernelRequests.Rehearse>();
        Assert.Equal("192.0.2.100/24 dev lo", Assert.Single(kernel.Vips).ToString());

        // No send, no VIP, no master notify, and the instance is still BACKUP with nothing counted as sent.
        _io.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        _kernel.ExpectNoMsg(TimeSpan.FromMilliseconds(10));
        _notify.ExpectMsg<Notifier.Notify>(n => n.State == Notifier.State.Backup);
        _notify.ExpectNoMsg(TimeSpan.FromMilliseconds(10));
        var status = StatusOf(instance);
        Assert.Equal(Protocol.StateMachine.VrrpState.Backup, status.State);
        Assert.Equal(0, status.AdvertsSent);

        // It rehearses once: the adverts that follow don't repeat it.
        instance.Tell(Advert(150));
        _io.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public void Master_down_timer_counts_from_the_kernels_receive_time()
    {
        var instance = StartInstance();
        // An advert the kernel stamped 40 ms before the actor saw it (a busy loop): the timer runs from the stamp.
        instance.Tell(Advert(150) with { ReceivedAt = DateTime.UtcNow - TimeSpan.FromMilliseconds(40) });
        StatusOf(instance);
        Clock.Advance(TimeSpan.FromMilliseconds(3609 - 40 - 5));
        _io.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
        Clock.Advance(TimeSpan.FromMilliseconds(10));
        _io.ExpectMsg<VrrpSocketActor.Send>();
    }

    [Fact]
    public void A_receive_stamp_from_a_stepped_wall_clock_is_not_trusted()
    {
        var second = StartInstance();
        second.Tell(Advert(150) with { ReceivedAt = DateTime.UtcNow - TimeSpan.FromHours(1) });
        StatusOf(second);
        Clock.Advance(TimeSpan.FromMilliseconds(3600));
        _io.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
        Clock.Advance(TimeSpan.FromMilliseconds(20));
        _io.ExpectMsg<VrrpSocketActor.Send>();
    }

    [Fact]
    public void Backup_stays_backup_while_a_higher_priority_master_advertises()
    {
        var instance = StartInstance();
        for (var i = 0; i < 10; i++)
        {
            instance.Tell(Advert(150));
            Clock.Advance(TimeSpan.FromSeconds(1));
        }

        _kernel.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        var status = StatusOf(instance);
        Assert.Equal(Protocol.StateMachine.VrrpState.Backup, status.State);
        Assert.Equal(IPAddress.Parse("192.0.2.2"), status.MasterAddress);
        Assert.Equal(10, status.AdvertsReceived);
    }

    [Fact]
    public void Adverts_with_a_wrong_password_or_other_vips_are_counted_and_do_not_hold_the_backup_down()
    {
        var instance = StartInstance();
        for (var i = 0; i < 4; i++)
        {
            instance.Tell(Advert(150, password: "wrong"));
            instance.Tell(Advert(150, vip: "198.51.100.1"));
            Clock.Advance(TimeSpan.FromSeconds(1));
        }

        // The bad master's adverts never reset our Master_Down_Timer: we took over.
        _kernel.ExpectMsg<KernelRequests.AddVips>();
        var status = StatusOf(instance);
        Assert.Equal(Protocol.StateMachine.VrrpState.Master, status.State);
        Assert.Equal(4, status.InvalidByReason["wrong password"]);
        Assert.Equal(4, status.InvalidByReason["VIP mismatch"]);
        Assert.Equal(0, status.AdvertsReceived);
    }

    [Fact]
    public void Master_yields_to_a_higher_priority_advert_and_removes_its_vips()
    {
        var instance = StartInstance();
        Clock.Advance(TimeSpan.FromSeconds(4));
        _kernel.ExpectMsg<KernelRequests.AddVips>();
        _notify.ExpectMsg<Notifier.Notify>(n => n.State == Notifier.State.Master);

        instance.Tell(Advert(200));

        _kernel.FishForMessage(m => m is KernelRequests.RemoveVips);
        _notify.ExpectMsg<Notifier.Notify>(n => n.State == Notifier.State.Backup);
        Assert.Equal(Protocol.StateMachine.VrrpState.Backup, StatusOf(instance).State);
    }

    [Fact]
    public void Graceful_stop_of_a_master_sends_priority_zero_removes_vips_and_notifies_stop()
    {
        var instance = StartInstance();
        Clock.Advance(TimeSpan.FromSeconds(4));
        _kernel.ExpectMsg<KernelRequests.AddVips>();
        _io.FishForMessage(m => m is VrrpSocketActor.Send);

        instance.Tell(VrrpInstanceActor.Stop.Instance);

        var zero = _io.FishForMessage<VrrpSocketActor.Send>(m =>
            VrrpCodec.TryParseMessage(m.Messages[0].Message, VrrpAddressFamily.IPv4, VrrpParseOptions.Default, out var a, out _) && a.Priority == 0);
        Assert.NotNull(zero);
        var remove = _kernel.FishForMessage<KernelRequests.RemoveVips>(_ => true);
        _notify.FishForMessage<Notifier.Notify>(n => n.State == Notifier.State.Stop);
        ExpectNoMsg(TimeSpan.FromMilliseconds(50));

        // Stopped comes only once the kernel confirmed the VIPs are gone.
        instance.Tell(new KernelRequests.Done("VI_1", remove, []), _kernel.Ref);
        ExpectMsg<VrrpInstanceActor.Stopped>();
    }

    [Fact]
    public void Missing_interface_is_a_fault_until_it_appears()
    {
        var result = ConfigCompiler.CompileText(Conf.Replace("interface lo", "interface nosuch0", StringComparison.Ordinal), "test.conf", ConfigCompileOptions.Default);
        var instance = Sys.ActorOf(VrrpInstanceActor.Props(new VrrpInstanceActor.Settings(
            result.Config.VrrpInstances[0], result.Config.GlobalDefs, _io.Ref, _kernel.Ref, _notify.Ref)));

        _notify.ExpectMsg<Notifier.Notify>(n => n.State == Notifier.State.Fault);
        var status = StatusOf(instance);
        Assert.Equal(Protocol.StateMachine.VrrpState.Fault, status.State);
        Assert.Equal(["interface nosuch0 doesn't exist"], status.Faults);
        _io.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public void Own_interface_down_faults_the_instance_and_up_returns_it_to_backup()
    {
        var instance = StartInstance();
        instance.Tell(new LinkMonitor.LinkState("lo", 1, Up: false));
        var status = StatusOf(instance);
        Assert.Equal(Protocol.StateMachine.VrrpState.Fault, status.State);
        Assert.Equal(["interface lo down"], status.Faults);
        _notify.ExpectMsg<Notifier.Notify>(n => n.State == Notifier.State.Fault);

        instance.Tell(new LinkMonitor.LinkState("lo", 1, Up: true));
        status = StatusOf(instance);
        Assert.Equal(Protocol.StateMachine.VrrpState.Backup, status.State);
        Assert.Empty(status.Faults);
    }

    [Fact]
    public void Tracked_interface_with_a_negative_weight_lowers_the_priority_while_down()
    {
        var instance = StartInstance(Conf.Replace("notify \"/bin/true\"", "notify \"/bin/true\"\n    track_interface {\n        uplink weight -30\n    }", StringComparison.Ordinal));
        instance.Tell(new LinkMonitor.LinkState("uplink", 7, Up: true));
        Assert.Equal(100, StatusOf(instance).Priority);

        instance.Tell(new LinkMonitor.LinkState("uplink", 7, Up: false));
        var status = StatusOf(instance);
        Assert.Equal(70, status.Priority);
        Assert.Equal(-30, status.TrackingWeight);
        Assert.Equal(Protocol.StateMachine.VrrpState.Backup, status.State);

        // A link that is gone counts as down, not as a fault.
        instance.Tell(new LinkMonitor.LinkState("uplink", 0, Up: false));
        Assert.Empty(StatusOf(instance).Faults);
    }

    [Fact]
    public void Track_file_value_times_weight_moves_the_priority_and_weight_0_faults()
    {
        var conf = "track_file tf {\n    file /nonexistent/tf\n    weight -10\n}\ntrack_file gate {\n    file /nonexistent/gate\n    weight 0\n}\n"
            + Conf.Replace("notify \"/bin/true\"", "notify \"/bin/true\"\n    track_file {\n        tf\n        gate\n    }", StringComparison.Ordinal);
        var instance = StartInstance(conf);
        instance.Tell(new TrackFileActor.State("tf", 3, -10, false));
        var status = StatusOf(instance);
        Assert.Equal(70, status.Priority);
        Assert.Equal(-30, status.TrackingWeight);

        instance.Tell(new TrackFileActor.State("tf", 0, -10, false));
        Assert.Equal(100, StatusOf(instance).Priority);

        instance.Tell(new TrackFileActor.State("gate", 2, 0, false));
        status = StatusOf(instance);
        Assert.Equal(Protocol.StateMachine.VrrpState.Fault, status.State);
        Assert.Equal(["track_file gate value 2"], status.Faults);

        instance.Tell(new TrackFileActor.State("gate", 0, 0, false));
        Assert.Equal(Protocol.StateMachine.VrrpState.Backup, StatusOf(instance).State);
    }
}
