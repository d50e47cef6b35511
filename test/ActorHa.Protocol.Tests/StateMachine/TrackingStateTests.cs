using ActorHa.Protocol.StateMachine;

namespace ActorHa.Protocol.Tests.StateMachine;

public sealed class TrackingStateTests
{
    private static TrackingState Tracking(string? own = "eth0", params TrackedLink[] tracked) => new(own, tracked);

    [Fact]
    public void Links_not_reported_yet_fault_nothing_and_weigh_nothing()
    {
        var t = Tracking("eth0", new TrackedLink("eth1", 0, false), new TrackedLink("eth2", 30, false));
        Assert.Null(t.FaultOf("eth0"));
        Assert.Null(t.FaultOf("eth1"));
        Assert.Equal(0, t.Weight);
        Assert.Equal(["eth0", "eth1", "eth2"], t.Interfaces);
    }

    [Fact]
    public void Own_interface_down_is_a_fault_and_up_clears_it()
    {
        var t = Tracking();
        Assert.True(t.Update("eth0", false));
        Assert.Equal("interface eth0 down", t.FaultOf("eth0"));
        Assert.True(t.Update("eth0", true));
        Assert.Null(t.FaultOf("eth0"));
    }

    [Fact]
    public void Dont_track_primary_ignores_the_own_interface()
    {
        var t = Tracking(own: null);
        Assert.False(t.Update("eth0", false));
        Assert.Null(t.FaultOf("eth0"));
        Assert.Empty(t.Interfaces);
    }

    [Fact]
    public void Unweighted_tracked_interface_down_is_a_fault_and_reverse_faults_while_up()
    {
        var t = Tracking("eth0", new TrackedLink("eth1", 0, false), new TrackedLink("eth2", 0, true));
        t.Update("eth1", false);
        t.Update("eth2", true);
        Assert.Equal("tracked interface eth1 down", t.FaultOf("eth1"));
        Assert.Equal("tracked interface eth2 up", t.FaultOf("eth2"));
        t.Update("eth1", true);
        t.Update("eth2", false);
        Assert.Null(t.FaultOf("eth1"));
        Assert.Null(t.FaultOf("eth2"));
    }

    [Fact]
    public void Positive_weights_count_while_up_negative_ones_while_down_reverse_flips_the_sign()
    {
        var t = Tracking(
            "eth0",
            new TrackedLink("up10", 10, false),
            new TrackedLink("down-20", -20, false),
            new TrackedLink("rev5", 5, true));
        t.Update("up10", true);
        t.Update("down-20", true);
        t.Update("rev5", true);
        Assert.Equal(10 - 5, t.Weight);
        t.Update("up10", false);
        t.Update("down-20", false);
        Assert.Equal(-20 - 5, t.Weight);
        Assert.Null(t.FaultOf("down-20"));
    }

    [Fact]
    public void Same_state_again_or_an_untracked_name_changes_nothing()
    {
        var t = Tracking("eth0", new TrackedLink("eth1", 10, false));
        Assert.True(t.Update("eth1", true));
        Assert.False(t.Update("eth1", true));
        Assert.False(t.Update("lo", false));
    }
}
