using ActorHa.Protocol.StateMachine;
using ActorHa.Protocol.Vrrp;
using static ActorHa.Protocol.Tests.StateMachine.TestConfig;

namespace ActorHa.Protocol.Tests.StateMachine;

/// <summary>Rules 1 and 2: effective priority and the RFC timer arithmetic.</summary>
public sealed class VrrpPriorityAndTimersTests
{
    private static readonly DateTimeOffset Now = VirtualSegment.Epoch;

    [Theory]
    [InlineData(100, 0, 100)]
    [InlineData(100, 50, 150)]
    [InlineData(100, -20, 80)]
    [InlineData(100, 200, 254)]
    [InlineData(100, -150, 1)]
    [InlineData(254, 1, 254)]
    [InlineData(1, int.MinValue, 1)]
    [InlineData(200, int.MaxValue, 254)]
    public void Effective_priority_is_base_plus_weights_clamped_to_1_254(int basePriority, int weight, int expected) =>
        Assert.Equal(expected, VrrpPriority.Effective((byte)basePriority, weight));

    [Theory]
    [InlineData(-100)]
    [InlineData(0)]
    [InlineData(100)]
    public void Owner_priority_is_never_adjusted_by_tracking(int weight)
    {
        Assert.Equal(255, VrrpPriority.Effective(255, weight));
        var state = VrrpInstanceState.Initial(Instance(255), Now);
        var step = VrrpStateMachine.Handle(state, new PriorityChanged(weight), Now);
        Assert.Equal(255, step.State.Priority);
        Assert.Empty(step.Effects);
    }

    [Fact]
    public void Skew_time_and_master_down_interval_v2_are_in_seconds()
    {
        // (256 - 100) / 256 s = 0.609375 s, whatever the interval; MDI = 3 * 2 s + skew.
        Assert.Equal(TimeSpan.FromMilliseconds(609.375), VrrpTimers.SkewTime(VrrpVersion.V2, 100, 200));
        Assert.Equal(TimeSpan.FromMilliseconds(6609.375), VrrpTimers.MasterDownInterval(VrrpVersion.V2, 100, 200));
        Assert.Equal(TimeSpan.FromMilliseconds(3003.90625), VrrpTimers.MasterDownInterval(VrrpVersion.V2, 255, 100));
    }

    [Fact]
    public void Skew_time_and_master_down_interval_v3_scale_with_master_adver_interval()
    {
        // ((256 - 100) * 50 cs) / 256 = 30.46875 cs; MDI = 3 * 50 cs + skew.
        Assert.Equal(TimeSpan.FromMilliseconds(304.6875), VrrpTimers.SkewTime(VrrpVersion.V3, 100, 50));
        Assert.Equal(TimeSpan.FromMilliseconds(1804.6875), VrrpTimers.MasterDownInterval(VrrpVersion.V3, 100, 50));
        Assert.Equal(TimeSpan.FromMilliseconds(609.375), VrrpTimers.SkewTime(VrrpVersion.V3, 100, 100));
    }

    [Fact]
    public void Higher_priority_has_shorter_master_down_interval()
    {
        Assert.True(VrrpTimers.MasterDownInterval(VrrpVersion.V3, 200, 100) < VrrpTimers.MasterDownInterval(VrrpVersion.V3, 100, 100));
        Assert.True(VrrpTimers.MasterDownInterval(VrrpVersion.V2, 200, 100) < VrrpTimers.MasterDownInterval(VrrpVersion.V2, 100, 100));
    }
}
