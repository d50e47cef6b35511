using System.Net;
using ActorHa.Protocol.StateMachine;
using ActorHa.Protocol.Vrrp;
using static ActorHa.Protocol.Tests.StateMachine.TestConfig;

namespace ActorHa.Protocol.Tests.StateMachine;

/// <summary>One instance, one event at a time: rules 3, 4 and 6 to 10, each named after the rule.</summary>
public sealed class VrrpStateMachineTests
{
    private static readonly DateTimeOffset T0 = VirtualSegment.Epoch;
    private static readonly TimeSpan Mdi100 = VrrpTimers.MasterDownInterval(VrrpVersion.V2, 100, 100);

    private static VrrpStep Step(VrrpInstanceState state, VrrpEvent evt) => VrrpStateMachine.Handle(state, evt, T0);

    private static VrrpInstanceState Backup(VrrpInstanceConfig config) =>
        Step(VrrpInstanceState.Initial(config, T0), Startup.Instance).State;

    private static VrrpInstanceState Master(VrrpInstanceConfig config) =>
        Step(Backup(config), MasterDownTimerFired.Instance).State;

    private static AdvertReceived Advert(byte priority, string from = "192.0.2.9", int intervalCs = 100) =>
        new(IPAddress.Parse(from), priority, intervalCs);

    private static List<string> Lines(VrrpStep step) =>
        step.Effects.Select(e => e switch
        {
            Log log => log.Text,
            Transition { LogLine: { } line } => line,
            _ => null,
        }).OfType<string>().ToList();

    // Rule 3

    [Fact]
    public void Startup_owner_with_state_master_becomes_master_at_once()
    {
        var config = Instance(255) with { InitialStateMaster = true };
        var step = Step(VrrpInstanceState.Initial(config, T0), Startup.Instance);

        Assert.Equal(VrrpState.Master, step.State.State);
        Assert.Equal(
            [
                new Log(LogSeverity.Detail, "(VI_1) removing VIPs."),
                RemoveVips.Instance,
                new Log(LogSeverity.Detail, "(VI_1) Receive advertisement timeout"),
                new Transition(VrrpState.Initialize, VrrpState.Master, TransitionReason.Startup, "(VI_1) Entering MASTER STATE"),
                new SendAdvert(255),
                new ArmTimer(TimerName.AdverTimer, Seconds(1)),
                new Log(LogSeverity.Detail, "(VI_1) setting VIPs."),
                AddVips.Instance,
                new SendGratuitousArp(5),
                new ArmTimer(TimerName.GarpDelayTimer, Seconds(5)),
                new Notify(VrrpState.Master, TransitionReason.Startup),
            ],
            step.Effects);
    }

    [Fact]
    public void Startup_non_owner_becomes_backup_with_master_down_timer()
    {
        var step = Step(VrrpInstanceState.Initial(Instance(100), T0), Startup.Instance);

        Assert.Equal(VrrpState.Backup, step.State.State);
        Assert.Equal(
            [
                new Log(LogSeverity.Detail, "(VI_1) removing VIPs."),
                RemoveVips.Instance,
                new Transition(VrrpState.Initialize, VrrpState.Backup, TransitionReason.Startup, "(VI_1) Entering BACKUP STATE (init)"),
                new ArmTimer(TimerName.MasterDownTimer, Mdi100),
                new Notify(VrrpState.Backup, TransitionReason.Startup),
            ],
            step.Effects);
    }

    [Fact]
    public void Startup_with_state_master_below_255_starts_as_backup() =>
        Assert.Equal(VrrpState.Backup, Backup(Instance(200) with { InitialStateMaster = true }).State);

    [Fact]
    public void Startup_owner_without_state_master_waits_as_backup()
    {
        var step = Step(VrrpInstanceState.Initial(Instance(255), T0), Startup.Instance);
        Assert.Equal(VrrpState.Backup, step.State.State);
        Assert.Contains(new ArmTimer(TimerName.MasterDownTimer, VrrpTimers.MasterDownInterval(VrrpVersion.V2, 255, 100)), step.Effects);
    }

    // Rule 4

    [Fact]
    public void Backup_sets_master_down_timer_to_skew_time_on_priority_zero_advert()
    {
        var step = Step(Backup(Instance(100)), Advert(0));
        Assert.Equal(
            [
                new Log(LogSeverity.Detail, "(VI_1) Backup received priority 0 advertisement"),
                new ArmTimer(TimerName.MasterDownTimer, VrrpTimers.SkewTime(VrrpVersion.V2, 100, 100)),
            ],
            step.Effects);
        Assert.Equal(VrrpState.Backup, step.State.State);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(150)]
    [InlineData(255)]
    public void Backup_resets_master_down_timer_on_advert_with_higher_or_equal_priority(int priority)
    {
        var step = Step(Backup(Instance(100)), Advert((byte)priority));
        Assert.Equal([new ArmTimer(TimerName.MasterDownTimer, Mdi100)], step.Effects);
    }

    [Fact]
    public void Backup_discards_lower_priority_advert_when_preempting()
    {
        var step = Step(Backup(Instance(100)), Advert(50, "192.0.2.2"));
        Assert.Equal([new Log(LogSeverity.Info, "(VI_1) received lower priority (50) advert from 192.0.2.2 - discarding")], step.Effects);
    }

    [Fact]
    public void Backup_becomes_master_when_master_down_timer_fires()
    {
        var step = Step(Backup(Instance(100)), MasterDownTimerFired.Instance);

        Assert.Equal(VrrpState.Master, step.State.State);
        Assert.Equal(
            [
                new Log(LogSeverity.Detail, "(VI_1) Receive advertisement timeout"),
                new Transition(VrrpState.Backup, VrrpState.Master, TransitionReason.MasterDownTimerExpired, "(VI_1) Entering MASTER STATE"),
                new CancelTimer(TimerName.MasterDownTimer),
                new SendAdvert(100),
                new ArmTimer(TimerName.AdverTimer, Seconds(1)),
                new Log(LogSeverity.Detail, "(VI_1) setting VIPs."),
                AddVips.Instance,
                new SendGratuitousArp(5),
                new ArmTimer(TimerName.GarpDelayTimer, Seconds(5)),
                new Notify(VrrpState.Master, TransitionReason.MasterDownTimerExpired),
            ],
            step.Effects);
    }

    [Fact]
    public void Master_sends_second_garp_batch_when_garp_delay_timer_fires()
    {
        var master = Master(Instance(100) with { GarpMasterRepeat = 2 });
        Assert.Equal([new SendGratuitousArp(2)], Step(master, GarpDelayTimerFired.Instance).Effects);
    }

    [Fact]
    public void Master_refreshes_gratuitous_arps_every_garp_master_refresh()
    {
        var config = Instance(100) with { GarpMasterRefresh = Seconds(60), GarpMasterRefreshRepeat = 2 };
        var master = Step(Backup(config), MasterDownTimerFired.Instance);
        Assert.Contains(new ArmTimer(TimerName.GarpRefreshTimer, Seconds(60)), master.Effects);

        var refresh = Step(master.State, GarpRefreshTimerFired.Instance);
        Assert.Equal([new SendGratuitousArp(2), new ArmTimer(TimerName.GarpRefreshTimer, Seconds(60))], refresh.Effects);
        Assert.Empty(Step(Backup(config), GarpRefreshTimerFired.Instance).Effects);
    }

    [Fact]
    public void V3_backup_adopts_master_advert_interval()
    {
        var config = Instance(100) with { Version = VrrpVersion.V3 };
        var step = Step(Backup(config), Advert(150, intervalCs: 300));

        Assert.Equal(300, step.State.MasterAdverIntervalCs);
        Assert.Equal(
            [
                new Log(LogSeverity.Detail, "(VI_1) advertisement interval updated from 1000ms to 3000ms by master"),
                new ArmTimer(TimerName.MasterDownTimer, VrrpTimers.MasterDownInterval(VrrpVersion.V3, 100, 300)),
            ],
            step.Effects);

        var master = Step(step.State, MasterDownTimerFired.Instance);
        Assert.Contains(new Log(LogSeverity.Detail, "(VI_1) changing advert interval from 3000ms to locally configured 1000ms"), master.Effects);
        Assert.Contains(new ArmTimer(TimerName.AdverTimer, Seconds(1)), master.Effects);
    }

    [Fact]
    public void V3_backup_keeps_own_interval_when_adoption_is_off()
    {
        var config = Instance(100) with { Version = VrrpVersion.V3, AdoptMasterAdvertInterval = false };
        var step = Step(Backup(config), Advert(150, intervalCs: 300));
        Assert.Equal([new ArmTimer(TimerName.MasterDownTimer, VrrpTimers.MasterDownInterval(VrrpVersion.V3, 100, 100))], step.Effects);
    }

    [Fact]
    public void V2_backup_discards_advert_with_other_interval()
    {
        var step = Step(Backup(Instance(100)), Advert(150, intervalCs: 200));
        Assert.Equal([new Log(LogSeverity.Info, "(VI_1) advertisement interval mismatch mine=1 sec rcv'd=2 sec")], step.Effects);
    }

    // Rule 5

    [Fact]
    public void Backup_waits_preempt_delay_before_discarding_lower_priority_adverts()
    {
        var backup = Backup(Instance(150) with { PreemptDelay = Seconds(3) });

        var first = Step(backup, Advert(100));
        Assert.Equal(
            [
                new ArmTimer(TimerName.PreemptDelayTimer, Seconds(3)),
                new Log(LogSeverity.Detail, "(VI_1) start preempt delay (3.000000)"),
                new ArmTimer(TimerName.MasterDownTimer, VrrpTimers.MasterDownInterval(VrrpVersion.V2, 150, 100)),
            ],
            first.Effects);

        var during = Step(first.State, Advert(100));
        Assert.Equal([new ArmTimer(TimerName.MasterDownTimer, VrrpTimers.MasterDownInterval(VrrpVersion.V2, 150, 100))], during.Effects);

        var elapsed = Step(during.State, PreemptDelayTimerFired.Instance);
        Assert.Empty(elapsed.Effects);
        Assert.Equal(PreemptDelayWindow.Elapsed, elapsed.State.PreemptDelay);

        var after = Step(elapsed.State, Advert(100, "192.0.2.2"));
        Assert.Equal([new Log(LogSeverity.Info, "(VI_1) received lower priority (100) advert from 192.0.2.2 - discarding")], after.Effects);
    }

    [Fact]
    public void Higher_priority_advert_stops_preempt_delay()
    {
        var running = Step(Backup(Instance(150) with { PreemptDelay = Seconds(3) }), Advert(100)).State;
        var step = Step(running, Advert(200));

        Assert.Equal(PreemptDelayWindow.Closed, step.State.PreemptDelay);
        Assert.Equal(
            [
                new Log(LogSeverity.Detail, "(VI_1) stop preempt delay"),
                new CancelTimer(TimerName.PreemptDelayTimer),
                new ArmTimer(TimerName.MasterDownTimer, VrrpTimers.MasterDownInterval(VrrpVersion.V2, 150, 100)),
            ],
            step.Effects);
    }

    [Fact]
    public void Preempt_delay_timer_is_ignored_outside_a_running_window()
    {
        var backup = Backup(Instance(150) with { PreemptDelay = Seconds(3) });
        Assert.Empty(Step(backup, PreemptDelayTimerFired.Instance).Effects);
        Assert.Equal(PreemptDelayWindow.Closed, Step(backup, PreemptDelayTimerFired.Instance).State.PreemptDelay);
    }

    // Rule 6

    [Fact]
    public void Backup_with_nopreempt_accepts_lower_priority_master()
    {
        var step = Step(Backup(Instance(150) with { Preempt = false }), Advert(100));
        Assert.Equal([new ArmTimer(TimerName.MasterDownTimer, VrrpTimers.MasterDownInterval(VrrpVersion.V2, 150, 100))], step.Effects);
    }

    // Rule 7

    [Fact]
    public void Master_sends_advert_when_adver_timer_fires()
    {
        var step = Step(Master(Instance(100)), AdverTimerFired.Instance);
        Assert.Equal([new SendAdvert(100), new ArmTimer(TimerName.AdverTimer, Seconds(1))], step.Effects);
    }

    [Fact]
    public void Master_answers_priority_zero_advert_with_advert()
    {
        var step = Step(Master(Instance(100)), Advert(0));
        Assert.Equal(
            [
                new Log(LogSeverity.Detail, "(VI_1) Master received priority 0 message"),
                new SendAdvert(100),
                new ArmTimer(TimerName.AdverTimer, Seconds(1)),
            ],
            step.Effects);
        Assert.Equal(VrrpState.Master, step.State.State);
    }

    [Fact]
    public void Master_becomes_backup_on_higher_priority_advert()
    {
        var step = Step(Master(Instance(100, "192.0.2.2")), Advert(150, "192.0.2.3"));

        Assert.Equal(VrrpState.Backup, step.State.State);
        Assert.Equal(
            [
                new Log(LogSeverity.Info, "(VI_1) Master received advert from 192.0.2.3 with higher priority 150, ours 100"),
                new Transition(VrrpState.Master, VrrpState.Backup, TransitionReason.HigherPriorityAdvert, "(VI_1) Entering BACKUP STATE"),
                new CancelTimer(TimerName.AdverTimer),
                new CancelTimer(TimerName.GarpDelayTimer),
                new CancelTimer(TimerName.GarpRefreshTimer),
                new Log(LogSeverity.Detail, "(VI_1) removing VIPs."),
                RemoveVips.Instance,
                new ArmTimer(TimerName.MasterDownTimer, Mdi100),
                new Notify(VrrpState.Backup, TransitionReason.HigherPriorityAdvert),
            ],
            step.Effects);
    }

    [Fact]
    public void Master_becomes_backup_on_equal_priority_from_higher_address()
    {
        var step = Step(Master(Instance(100, "192.0.2.2")), Advert(100, "192.0.2.10"));
        Assert.Equal(VrrpState.Backup, step.State.State);
        Assert.Equal(
            ["(VI_1) Master received advert from 192.0.2.10 with same priority 100 but higher IP address than ours", "(VI_1) Entering BACKUP STATE", "(VI_1) removing VIPs."],
            Lines(step));
    }

    [Fact]
    public void Master_stays_master_on_equal_priority_from_lower_address()
    {
        // keepalived 2.2.7 words it as a lower priority (observed), and answers it the same way.
        var step = Step(Master(Instance(100, "192.0.2.3")), Advert(100, "192.0.2.2"));
        Assert.Equal(VrrpState.Master, step.State.State);
        Assert.Equal(new Log(LogSeverity.Info, "(VI_1) Received advert from 192.0.2.2 with lower priority 100, ours 100, forcing new election"), step.Effects[0]);
        Assert.Contains(new SendAdvert(100), step.Effects);
    }

    [Fact]
    public void Master_ignores_equal_priority_advert_from_its_own_address()
    {
        var step = Step(Master(Instance(100, "192.0.2.2")), Advert(100, "192.0.2.2"));
        Assert.Equal(VrrpState.Master, step.State.State);
        Assert.Equal([new Log(LogSeverity.Info, "(VI_1) WARNING - equal priority advert received from remote host with our IP address.")], step.Effects);
    }

    [Fact]
    public void Master_answers_lower_priority_advert_forcing_new_election()
    {
        var config = Instance(150, "192.0.2.3") with { GarpLowerPriorityRepeat = 2, GarpLowerPriorityDelay = Seconds(10) };
        var step = Step(Master(config), Advert(100, "192.0.2.2"));

        Assert.Equal(VrrpState.Master, step.State.State);
        Assert.Equal(
            [
                new Log(LogSeverity.Info, "(VI_1) Received advert from 192.0.2.2 with lower priority 100, ours 150, forcing new election"),
                new SendAdvert(150),
                new ArmTimer(TimerName.AdverTimer, Seconds(1)),
                new SendGratuitousArp(2),
                new ArmTimer(TimerName.GarpDelayTimer, Seconds(10)),
            ],
            step.Effects);
        Assert.Equal([new SendGratuitousArp(2)], Step(step.State, GarpDelayTimerFired.Instance).Effects);
    }

    [Fact]
    public void Master_with_lower_prio_no_advert_ignores_lower_priority_advert()
    {
        var step = Step(Master(Instance(150, "192.0.2.3") with { LowerPriorityNoAdvert = true }), Advert(100, "192.0.2.2"));
        Assert.Equal([new Log(LogSeverity.Info, "(VI_1) Received advert from 192.0.2.2 with lower priority 100, ours 150")], step.Effects);
    }

    [Fact]
    public void Master_with_higher_prio_send_advert_advertises_before_yielding()
    {
        var step = Step(Master(Instance(100) with { HigherPrioritySendAdvert = true }), Advert(150));
        Assert.IsType<Log>(step.Effects[0]);
        Assert.Equal(new SendAdvert(100), step.Effects[1]);
        Assert.Equal(VrrpState.Backup, step.State.State);
    }

    [Fact]
    public void Owner_receiving_owner_advert_reduces_priority_and_yields()
    {
        var owner = Step(VrrpInstanceState.Initial(Instance(255, "192.0.2.2") with { InitialStateMaster = true }, T0), Startup.Instance).State;
        var step = Step(owner, Advert(255, "192.0.2.3"));

        Assert.Equal(VrrpState.Backup, step.State.State);
        Assert.Equal(254, step.State.Priority);
        Assert.Equal(
            [
                "(VI_1) CONFIGURATION ERROR: local instance and a remote instance are both configured as address owner, please fix - reducing local priority",
                "(VI_1) Master received advert from 192.0.2.3 with higher priority 255, ours 254",
                "(VI_1) Entering BACKUP STATE",
                "(VI_1) removing VIPs.",
            ],
            Lines(step));
    }

    // Rule 8

    [Fact]
    public void Master_shutdown_sends_priority_zero_and_removes_vips()
    {
        var step = Step(Master(Instance(100)), Shutdown.Instance);

        Assert.Equal(VrrpState.Stopped, step.State.State);
        Assert.Equal(
            [
                new Transition(VrrpState.Master, VrrpState.Stopped, TransitionReason.Shutdown, null),
                new CancelTimer(TimerName.AdverTimer),
                new CancelTimer(TimerName.GarpDelayTimer),
                new CancelTimer(TimerName.GarpRefreshTimer),
                new SendAdvert(0),
                new Log(LogSeverity.Detail, "(VI_1) sent 0 priority"),
                new Log(LogSeverity.Detail, "(VI_1) removing VIPs."),
                RemoveVips.Instance,
                new Notify(VrrpState.Stopped, TransitionReason.Shutdown),
            ],
            step.Effects);
    }

    [Fact]
    public void Backup_shutdown_just_stops()
    {
        var step = Step(Backup(Instance(100)), Shutdown.Instance);
        Assert.Equal(
            [
                new Transition(VrrpState.Backup, VrrpState.Stopped, TransitionReason.Shutdown, null),
                new CancelTimer(TimerName.MasterDownTimer),
                new Notify(VrrpState.Stopped, TransitionReason.Shutdown),
            ],
            step.Effects);
    }

    public static TheoryData<VrrpEvent> AllEvents => new()
    {
        Startup.Instance, Advert(0), Advert(200), MasterDownTimerFired.Instance, AdverTimerFired.Instance,
        PreemptDelayTimerFired.Instance, GarpDelayTimerFired.Instance, GarpRefreshTimerFired.Instance, new PriorityChanged(10),
        new FaultRaised("eth0 down"), FaultCleared.Instance, Shutdown.Instance,
    };

    [Theory]
    [MemberData(nameof(AllEvents))]
    public void Stopped_ignores_every_event(VrrpEvent evt)
    {
        var stopped = Step(Master(Instance(100)), Shutdown.Instance).State;
        var step = Step(stopped, evt);
        Assert.Same(stopped, step.State);
        Assert.Empty(step.Effects);
    }

    // Rule 9

    [Fact]
    public void Master_fault_sends_priority_zero_and_removes_vips()
    {
        var step = Step(Master(Instance(150)), new FaultRaised("tracked file tf_C"));

        Assert.Equal(VrrpState.Fault, step.State.State);
        Assert.Equal("tracked file tf_C", step.State.FaultReason);
        Assert.Equal(["(VI_1) Entering FAULT STATE", "(VI_1) sent 0 priority", "(VI_1) removing VIPs."], Lines(step));
        Assert.Contains(new SendAdvert(0), step.Effects);
        Assert.Contains(RemoveVips.Instance, step.Effects);
        Assert.Contains(new CancelTimer(TimerName.AdverTimer), step.Effects);
        Assert.Equal(new Notify(VrrpState.Fault, TransitionReason.FaultRaised), step.Effects[^1]);
    }

    [Fact]
    public void Backup_fault_cancels_master_down_timer()
    {
        var step = Step(Backup(Instance(150)), new FaultRaised("eth0 down"));
        Assert.Equal(VrrpState.Fault, step.State.State);
        Assert.Contains(new CancelTimer(TimerName.MasterDownTimer), step.Effects);
        Assert.DoesNotContain(step.Effects, e => e is SendAdvert);
    }

    [Theory]
    [MemberData(nameof(AllEvents))]
    public void Fault_ignores_adverts_and_timers(VrrpEvent evt)
    {
        if (evt is FaultCleared or Shutdown or PriorityChanged)
        {
            return;
        }

        var fault = Step(Master(Instance(150)), new FaultRaised("eth0 down")).State;
        var step = Step(fault, evt);
        Assert.Same(fault, step.State);
        Assert.Empty(step.Effects);
    }

    [Fact]
    public void Fault_cleared_returns_to_backup()
    {
        var fault = Step(Master(Instance(150)), new FaultRaised("eth0 down")).State;
        var step = Step(fault, FaultCleared.Instance);

        Assert.Equal(VrrpState.Backup, step.State.State);
        Assert.Null(step.State.FaultReason);
        Assert.Equal(["(VI_1) Entering BACKUP STATE"], Lines(step));
        Assert.Contains(new ArmTimer(TimerName.MasterDownTimer, VrrpTimers.MasterDownInterval(VrrpVersion.V2, 150, 100)), step.Effects);
    }

    [Fact]
    public void Fault_cleared_owner_returns_to_master()
    {
        var config = Instance(255) with { InitialStateMaster = true };
        var fault = Step(Master(config), new FaultRaised("eth0 down")).State;
        var step = Step(fault, FaultCleared.Instance);

        Assert.Equal(VrrpState.Master, step.State.State);
        Assert.Contains(AddVips.Instance, step.Effects);
        Assert.Contains(new SendAdvert(255), step.Effects);
    }

    [Fact]
    public void Fault_before_startup_enters_fault_init()
    {
        var step = Step(VrrpInstanceState.Initial(Instance(100), T0), new FaultRaised("eth0 down"));
        Assert.Equal(VrrpState.Fault, step.State.State);
        Assert.Equal(["(VI_1) removing VIPs.", "(VI_1) Entering FAULT STATE (init)"], Lines(step));
        Assert.Equal(VrrpState.Fault, Step(step.State, Startup.Instance).State.State);
    }

    // Rule 10

    [Fact]
    public void Master_keeps_role_and_advertises_new_priority_after_priority_drop()
    {
        var step = Step(Master(Instance(150)), new PriorityChanged(-50));

        Assert.Equal(VrrpState.Master, step.State.State);
        Assert.Equal([new Log(LogSeverity.Info, "(VI_1) Changing effective priority from 150 to 100")], step.Effects);
        Assert.Equal(new SendAdvert(100), Step(step.State, AdverTimerFired.Instance).Effects[0]);
    }

    [Fact]
    public void Backup_preempts_after_priority_rises_above_master()
    {
        var backup = Backup(Instance(100));
        Assert.Single(Step(backup, Advert(150)).Effects, new ArmTimer(TimerName.MasterDownTimer, Mdi100));

        var raised = Step(backup, new PriorityChanged(60));
        Assert.Equal([new Log(LogSeverity.Info, "(VI_1) Changing effective priority from 100 to 160")], raised.Effects);
        Assert.IsType<Log>(Assert.Single(Step(raised.State, Advert(150)).Effects));
    }

    [Fact]
    public void Unchanged_effective_priority_logs_nothing()
    {
        var backup = Step(Backup(Instance(250)), new PriorityChanged(10)).State;
        var step = Step(backup, new PriorityChanged(20));
        Assert.Equal(254, step.State.Priority);
        Assert.Empty(step.Effects);
    }

    [Fact]
    public void Since_records_when_the_state_was_entered()
    {
        var later = T0 + Seconds(4);
        var step = VrrpStateMachine.Handle(Backup(Instance(100)), MasterDownTimerFired.Instance, later);
        Assert.Equal(later, step.State.Since);
    }

    // Make before break: a live master keeps its VIPs until it hears us, so a preemption installs ours first.

    private static List<VrrpEffect> Announcements(VrrpStep step) =>
        step.Effects.Where(e => e is SendAdvert or AddVips or SendGratuitousArp).ToList();

    [Fact]
    public void Takeover_after_silence_advertises_before_installing_the_vips()
    {
        var step = Step(Backup(Instance(100)), MasterDownTimerFired.Instance);

        Assert.Equal([new SendAdvert(100), AddVips.Instance, new SendGratuitousArp(5)], Announcements(step));
    }

    [Fact]
    public void Preempting_a_lower_priority_master_installs_the_vips_before_advertising()
    {
        var heard = Step(Backup(Instance(150)), Advert(1)).State;
        Assert.True(heard.PreemptingLiveMaster);

        var step = Step(heard, MasterDownTimerFired.Instance);

        Assert.Equal(VrrpState.Master, step.State.State);
        Assert.Equal([AddVips.Instance, new SendAdvert(150), new SendGratuitousArp(5)], Announcements(step));
        Assert.False(step.State.PreemptingLiveMaster);
    }

    [Fact]
    public void Preemption_after_preempt_delay_installs_the_vips_before_advertising()
    {
        var running = Step(Backup(Instance(150) with { PreemptDelay = Seconds(3) }), Advert(100)).State;
        var elapsed = Step(running, PreemptDelayTimerFired.Instance).State;
        var discarded = Step(elapsed, Advert(100)).State;

        var step = Step(discarded, MasterDownTimerFired.Instance);

        Assert.Equal(VrrpState.Master, step.State.State);
        Assert.Equal([AddVips.Instance, new SendAdvert(150), new SendGratuitousArp(5)], Announcements(step));
    }

    [Theory]
    [InlineData(200)]
    [InlineData(0)]
    public void A_higher_or_resigning_master_after_a_lower_one_means_the_next_takeover_is_a_failover(byte priority)
    {
        var heard = Step(Backup(Instance(150)), Advert(1)).State;

        var after = Step(heard, Advert(priority)).State;

        Assert.False(after.PreemptingLiveMaster);
        Assert.Equal([new SendAdvert(150), AddVips.Instance, new SendGratuitousArp(5)], Announcements(Step(after, MasterDownTimerFired.Instance)));
    }

    [Fact]
    public void Nopreempt_backup_never_preempts_so_never_marks_a_live_master() =>
        Assert.False(Step(Backup(Instance(150) with { Preempt = false }), Advert(1)).State.PreemptingLiveMaster);
}
