namespace ActorHa.Node.Tests;

public sealed class CliTests
{
    [Fact]
    public void Unknown_verb_is_a_usage_error()
    {
        Assert.NotEqual(0, ActorHa.Node.Cli.ActorHaCommand.Run(["no-such-verb"]));
    }
}
