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
}
