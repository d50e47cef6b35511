using ActorHa.Protocol.StateMachine;
using ActorHa.Protocol.Vrrp;
using static ActorHa.Protocol.Tests.StateMachine.TestConfig;

namespace ActorHa.Protocol.Tests.StateMachine;

/// <summary>Several routers on one <see cref="VirtualSegment"/>, exchanging adverts on virtual time.</summary>
public sealed class ElectionTests
{
    private static TimeSpan Mdi(byte priority) => VrrpTimers.MasterDownInterval(VrrpVersion.V2, priority, 100);

    private static TimeSpan Skew(byte priority) => VrrpTimers.SkewTime(VrrpVersion.V2, priority, 100);

    private static void AssertOnlyMaster(VirtualSegment lan, SimulatedRouter expected) =>
        Assert.Equal([expected], lan.Masters);

    [Fact]
    public void Highest_priority_wins_election()
    {
        var lan = new VirtualSegment();
        var a = lan.Add("A", Instance(100, "192.0.2.2"));
        var b = lan.Add("B", Instance(150, "192.0.2.3"));
        var c = lan.Add("C", Instance(50, "192.0.2.4"));
        foreach (var router in new[] { a, b, c })
        {
            router.StartAt(TimeSpan.Zero);
        }

        lan.RunUntil(Seconds(30));

        AssertOnlyMaster(lan, b);
        Assert.Equal(Mdi(150), b.BecameMasterAt);
        Assert.Null(a.BecameMasterAt);
        Assert.Null(c.BecameMasterAt);
        Assert.All(a.AdvertsSent.Concat(c.AdvertsSent), _ => Assert.Fail("a backup advertised"));
    }

    [Fact]
    public void Higher_priority_router_starting_later_preempts_master()
    {
        var lan = new VirtualSegment();
        var a = lan.Add("A", Instance(100, "192.0.2.2"));
        var b = lan.Add("B", Instance(150, "192.0.2.3"));
        a.StartAt(TimeSpan.Zero);
        b.StartAt(Seconds(10));
        lan.RunUntil(Seconds(30));

        AssertOnlyMaster(lan, b);
        Assert.Equal(Seconds(10) + Mdi(150), b.BecameMasterAt);
        Assert.Contains(a.LogLines, l => l.Line == "(VI_1) Master received advert from 192.0.2.3 with higher priority 150, ours 100");
    }

    [Fact]
    public void Backup_takes_over_when_master_stops_sending()
    {
        var lan = new VirtualSegment();
        var a = lan.Add("A", Instance(150, "192.0.2.2"));
        var b = lan.Add("B", Instance(100, "192.0.2.3"));
        a.StartAt(TimeSpan.Zero);
        b.StartAt(TimeSpan.Zero);
        lan.At(Seconds(10), () => a.Connected = false);
        lan.RunUntil(Seconds(20));

        // A, unplugged, still believes it is master; B heard its last advert before 10 s.
        Assert.Equal(VrrpState.Master, a.State.State);
        Assert.Equal(VrrpState.Master, b.State.State);
        Assert.InRange(b.BecameMasterAt!.Value, Seconds(9) + Mdi(100), Seconds(10) + Mdi(100));
        Assert.Contains(b.LogLines, l => l.Line == "(VI_1) Receive advertisement timeout");

        // Plugged back, the higher priority forces a new election and wins.
        lan.At(Seconds(20), () => a.Connected = true);
        lan.RunUntil(Seconds(25));
        AssertOnlyMaster(lan, a);
        Assert.Contains(a.LogLines, l => l.Line == "(VI_1) Received advert from 192.0.2.3 with lower priority 100, ours 150, forcing new election");
    }

    [Fact]
    public void Master_shutdown_hands_over_within_skew_time()
    {
        var lan = new VirtualSegment();
        var a = lan.Add("A", Instance(150, "192.0.2.2"));
        var b = lan.Add("B", Instance(100, "192.0.2.3"));
        a.StartAt(TimeSpan.Zero);
        b.StartAt(TimeSpan.Zero);
        a.ShutdownAt(Seconds(10));
        lan.RunUntil(Seconds(15));

        Assert.Equal(VrrpState.Stopped, a.State.State);
        Assert.False(a.VipsAdded);
        Assert.Equal((Seconds(10), (byte)0), a.AdvertsSent[^1]);
        AssertOnlyMaster(lan, b);
        Assert.Equal(Seconds(10) + VirtualSegment.Latency + Skew(100), b.BecameMasterAt);
    }

    [Fact]
    public void Three_routers_fail_over_in_priority_order()
    {
        var lan = new VirtualSegment();
        var a = lan.Add("A", Instance(200, "192.0.2.2"));
        var b = lan.Add("B", Instance(150, "192.0.2.3"));
        var c = lan.Add("C", Instance(100, "192.0.2.4"));
        foreach (var router in new[] { a, b, c })
        {
            router.StartAt(TimeSpan.Zero);
        }

        a.ShutdownAt(Seconds(10));
        lan.RunUntil(Seconds(15));
        AssertOnlyMaster(lan, b);
        Assert.Null(c.BecameMasterAt);

        b.ShutdownAt(Seconds(20));
        lan.RunUntil(Seconds(25));
        AssertOnlyMaster(lan, c);
    }

    [Fact]
    public void Equal_priorities_elect_highest_address()
    {
        var lan = new VirtualSegment();
        var a = lan.Add("A", Instance(100, "192.0.2.2"));
        var b = lan.Add("B", Instance(100, "192.0.2.3"));
        a.StartAt(TimeSpan.Zero);
        b.StartAt(TimeSpan.Zero);
        lan.RunUntil(Seconds(10));

        // Both time out together and advertise; the lower address yields.
        AssertOnlyMaster(lan, b);
        Assert.Contains(a.LogLines, l => l.Line == "(VI_1) Master received advert from 192.0.2.3 with same priority 100 but higher IP address than ours");
    }

    [Fact]
    public void Nopreempt_backup_does_not_take_over_from_lower_priority_master()
    {
        var lan = new VirtualSegment();
        var a = lan.Add("A", Instance(100, "192.0.2.2"));
        var b = lan.Add("B", Instance(150, "192.0.2.3") with { Preempt = false });
        a.StartAt(TimeSpan.Zero);
        b.StartAt(Seconds(10));
        lan.RunUntil(Seconds(60));

        AssertOnlyMaster(lan, a);
        Assert.Null(b.BecameMasterAt);

        // nopreempt does not stop it taking over when the master goes away.
        a.ShutdownAt(Seconds(60));
        lan.RunUntil(Seconds(65));
        AssertOnlyMaster(lan, b);
    }

    [Fact]
    public void Preempt_delay_postpones_taking_over_from_lower_priority_master()
    {
        var lan = new VirtualSegment();
        var a = lan.Add("A", Instance(100, "192.0.2.2"));
        var b = lan.Add("B", Instance(150, "192.0.2.3") with { PreemptDelay = Seconds(3) });
        a.StartAt(TimeSpan.Zero);
        b.StartAt(Seconds(10));
        lan.RunUntil(Seconds(30));

        // The first advert after 10 s opens the window; B accepts adverts for 3 s, then lets its
        // Master_Down_Timer run out: about preempt_delay later than without it (10 s + MDI).
        AssertOnlyMaster(lan, b);
        var firstAdvert = b.LogLines.Single(l => l.Line == "(VI_1) start preempt delay (3.000000)").At;
        Assert.InRange(firstAdvert, Seconds(10), Seconds(11));
        Assert.InRange(b.BecameMasterAt!.Value, firstAdvert + Seconds(2) + Mdi(150), firstAdvert + Seconds(3) + Mdi(150));
    }

    [Fact]
    public void Preempt_delay_does_not_delay_startup_without_master()
    {
        var lan = new VirtualSegment();
        var b = lan.Add("B", Instance(150, "192.0.2.3") with { PreemptDelay = Seconds(30) });
        b.StartAt(TimeSpan.Zero);
        lan.RunUntil(Seconds(10));

        Assert.Equal(Mdi(150), b.BecameMasterAt);
    }

    [Fact]
    public void Later_owner_wins_over_running_owner_as_in_keepalived()
    {
        var lan = new VirtualSegment();
        var a = lan.Add("A", Instance(255, "192.0.2.2") with { InitialStateMaster = true });
        var b = lan.Add("B", Instance(255, "192.0.2.1") with { InitialStateMaster = true });
        a.StartAt(TimeSpan.Zero);
        b.StartAt(Seconds(5.5));
        lan.RunUntil(Seconds(20));

        // Neither address decides: the owner that hears the other first steps down to 254.
        Assert.Equal(TimeSpan.Zero, a.Transitions[0].At);
        AssertOnlyMaster(lan, b);
        Assert.Equal(255, b.State.Priority);
        Assert.Equal(254, a.State.Priority);
        Assert.Contains(a.LogLines, l => l.Line.StartsWith("(VI_1) CONFIGURATION ERROR", StringComparison.Ordinal));
    }

    [Fact]
    public void Two_owners_starting_together_converge_by_address()
    {
        var lan = new VirtualSegment();
        var a = lan.Add("A", Instance(255, "192.0.2.2") with { InitialStateMaster = true });
        var b = lan.Add("B", Instance(255, "192.0.2.3") with { InitialStateMaster = true });
        a.StartAt(TimeSpan.Zero);
        b.StartAt(TimeSpan.Zero);
        lan.RunUntil(Seconds(20));

        // Both step down to 254 and time out together; the equal-priority tie-break picks the higher address.
        AssertOnlyMaster(lan, b);
        Assert.Equal(254, a.State.Priority);
        Assert.Equal(254, b.State.Priority);
    }

    [Fact]
    public void Backup_takes_over_after_priority_rises_above_master()
    {
        var lan = new VirtualSegment();
        var a = lan.Add("A", Instance(150, "192.0.2.2"));
        var b = lan.Add("B", Instance(100, "192.0.2.3"));
        a.StartAt(TimeSpan.Zero);
        b.StartAt(TimeSpan.Zero);
        lan.At(Seconds(10), () => b.Deliver(new PriorityChanged(60)));
        lan.RunUntil(Seconds(20));

        AssertOnlyMaster(lan, b);
        Assert.InRange(b.BecameMasterAt!.Value, Seconds(9) + Mdi(160), Seconds(10) + Mdi(160));
        Assert.Contains(a.LogLines, l => l.Line == "(VI_1) Master received advert from 192.0.2.3 with higher priority 160, ours 150");
    }

    [Fact]
    public void Master_priority_drop_lets_preempting_backup_take_over()
    {
        var lan = new VirtualSegment();
        var a = lan.Add("A", Instance(150, "192.0.2.2"));
        var b = lan.Add("B", Instance(100, "192.0.2.3"));
        a.StartAt(TimeSpan.Zero);
        b.StartAt(TimeSpan.Zero);
        lan.At(Seconds(10), () => a.Deliver(new PriorityChanged(-60)));
        lan.RunUntil(Seconds(20));

        // A does not step down by itself; B sees 90 < 100, discards it and preempts.
        AssertOnlyMaster(lan, b);
        Assert.Contains(b.LogLines, l => l.Line == "(VI_1) received lower priority (90) advert from 192.0.2.2 - discarding");
    }

    [Fact]
    public void Fault_on_master_hands_over_and_cleared_router_preempts_back()
    {
        var lan = new VirtualSegment();
        var a = lan.Add("A", Instance(150, "192.0.2.2"));
        var b = lan.Add("B", Instance(100, "192.0.2.3"));
        a.StartAt(TimeSpan.Zero);
        b.StartAt(TimeSpan.Zero);
        lan.At(Seconds(10), () => a.Deliver(new FaultRaised("tracked file tf_A")));
        lan.RunUntil(Seconds(20));

        AssertOnlyMaster(lan, b);
        Assert.Equal(Seconds(10) + VirtualSegment.Latency + Skew(100), b.BecameMasterAt);
        Assert.Equal(VrrpState.Fault, a.State.State);
        Assert.Equal((Seconds(10), (byte)0), a.AdvertsSent[^1]);

        lan.At(Seconds(20), () => a.Deliver(FaultCleared.Instance));
        lan.RunUntil(Seconds(30));
        AssertOnlyMaster(lan, a);
        Assert.Equal(Seconds(20) + Mdi(150), a.BecameMasterAt);
    }
}
