using ActorHa.Protocol.StateMachine;

namespace ActorHa.Protocol.Tests.StateMachine;

public sealed class TrackingTests
{
    [Theory]
    [InlineData(true, 10, false, 10, false)]
    [InlineData(false, 10, false, 0, false)]
    [InlineData(true, -20, false, 0, false)]
    [InlineData(false, -20, false, -20, false)]
    [InlineData(true, 10, true, -10, false)]
    [InlineData(false, -20, true, 20, false)]
    [InlineData(true, 0, false, 0, false)]
    [InlineData(false, 0, false, 0, true)]
    [InlineData(true, 0, true, 0, true)]
    [InlineData(false, 0, true, 0, false)]
    public void Weights_apply_as_keepalived_documents(bool up, int weight, bool reverse, int expectedWeight, bool expectedFault)
    {
        Assert.Equal((expectedWeight, expectedFault), Tracking.Contribution(up, weight, reverse));
    }

    [Theory]
    [InlineData(0L, 0L, false, 0, false)]
    [InlineData(1L, 0L, false, 0, true)]
    [InlineData(-7L, 0L, false, 0, true)]
    [InlineData(0L, -10L, false, 0, false)]
    [InlineData(5L, -10L, false, -50, false)]
    [InlineData(5L, 10L, false, 50, false)]
    [InlineData(5L, 10L, true, -50, false)]
    [InlineData(-3L, 2L, false, -6, false)]
    [InlineData(253L, -1L, false, -253, false)]
    [InlineData(254L, -1L, false, 0, true)]
    [InlineData(100L, 100L, false, 253, false)]
    [InlineData(long.MaxValue, int.MaxValue, false, 253, false)]
    [InlineData(long.MinValue, int.MaxValue, false, 0, true)]
    public void Track_file_values_apply_as_keepalived_documents(long value, long weight, bool reverse, int expectedWeight, bool expectedFault)
    {
        Assert.Equal((expectedWeight, expectedFault), Tracking.FileContribution(value, weight, reverse));
    }
}

public sealed class SyncGroupEventTests
{
    private static VrrpInstanceState Started(byte priority)
    {
        var config = new VrrpInstanceConfig { Name = "VI_2", VirtualRouterId = 52, Priority = priority, PrimaryAddress = System.Net.IPAddress.Parse("192.0.2.1") };
        return VrrpStateMachine.Handle(VrrpInstanceState.Initial(config, DateTimeOffset.UnixEpoch), Startup.Instance, DateTimeOffset.UnixEpoch).State;
    }

    [Fact]
    public void Backup_follows_its_sync_group_to_master_without_waiting_for_its_timer()
    {
        var step = VrrpStateMachine.Handle(Started(100), SyncToMaster.Instance, DateTimeOffset.UnixEpoch);
        Assert.Equal(VrrpState.Master, step.State.State);
        Assert.Contains(step.Effects, e => e is AddVips);
        Assert.Contains(step.Effects, e => e is Transition { Reason: TransitionReason.SyncGroup });
    }

    [Fact]
    public void Master_follows_its_sync_group_to_backup_and_removes_its_vips()
    {
        var master = VrrpStateMachine.Handle(Started(100), SyncToMaster.Instance, DateTimeOffset.UnixEpoch).State;
        var step = VrrpStateMachine.Handle(master, SyncToBackup.Instance, DateTimeOffset.UnixEpoch);
        Assert.Equal(VrrpState.Backup, step.State.State);
        Assert.Contains(step.Effects, e => e is RemoveVips);
        Assert.Contains(step.Effects, e => e is ArmTimer { Timer: TimerName.MasterDownTimer });
    }

    [Fact]
    public void Sync_events_in_other_states_change_nothing()
    {
        var backup = Started(100);
        Assert.Empty(VrrpStateMachine.Handle(backup, SyncToBackup.Instance, DateTimeOffset.UnixEpoch).Effects);
    }
}
