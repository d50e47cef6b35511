namespace ActorHa.Node.Tests;

public sealed class CliTests
{
    [Fact]
    public void Unknown_verb_is_a_usage_error()
    {
        Assert.NotEqual(0, ActorHa.Node.Cli.ActorHaCommand.Run(["no-such-verb"]));
    }

    [Fact]
    public void Switchover_refuses_to_and_release_together_before_contacting_a_node()
    {
        // 3 would mean it tried the (missing) control socket; the parse error comes first.
        Assert.Equal(1, ActorHa.Node.Cli.ActorHaCommand.Run(["switchover", "VI_1", "--to", "192.0.2.11", "--release", "--control-socket", "/nonexistent/actorha.sock"]));
        Assert.Equal(3, ActorHa.Node.Cli.ActorHaCommand.Run(["switchover", "VI_1", "--to", "192.0.2.11", "--control-socket", "/nonexistent/actorha.sock"]));
    }

    [Theory]
    [InlineData("localhost:9650")]
    [InlineData("9650")]
    public void Run_refuses_a_metrics_address_that_is_not_host_port_before_starting(string address)
    {
        Assert.Equal(2, ActorHa.Node.Cli.ActorHaCommand.Run(["run", "-f", "/nonexistent/keepalived.conf", "--metrics", address]));
    }
}
