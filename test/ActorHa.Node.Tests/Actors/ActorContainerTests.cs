using ActorHa.Node.Actors;
using Akka.Actor;
using Akka.TestKit.Xunit2;

namespace ActorHa.Node.Tests.Actors;

/// <summary>
/// The containers (/node/scripts, /node/track-files, /node/check, /node/vrrp) create, replace and stop children from
/// messages, and a reload may send two of those for one name before the first child has stopped (its name stays
/// taken until then). Children here take 300 ms to stop, as a checker or a script being killed does.
/// </summary>
public sealed class ActorContainerTests : TestKit
{
    private sealed record Ping;

    private sealed class Child : ReceiveActor
    {
        public Child(string tag)
        {
            Receive<Ping>(_ => Sender.Tell(tag));
        }

        protected override void PostStop() => Thread.Sleep(300);
    }

    private static Props ChildProps(string tag) => Props.Create(() => new Child(tag));

    private IActorRef Container() => Sys.ActorOf(ActorContainer.Props(), $"c{Guid.NewGuid():N}");

    private bool Exists(IActorRef container, string name) =>
        Sys.ActorSelection(container.Path / name).Ask<ActorIdentity>(new Identify(name), TimeSpan.FromSeconds(5)).Result.Subject is not null;

    [Fact]
    public void A_stop_after_a_replace_that_is_still_waiting_leaves_no_child()
    {
        var container = Container();
        container.Tell(new ActorContainer.Create(ChildProps("old"), "a"));
        container.Tell(new ActorContainer.Replace(ChildProps("new"), "a"));
        container.Tell(new ActorContainer.StopChild("a"));

        // Well past the old child's stop: a Replace still pending would have created "new" by now.
        Thread.Sleep(1000);
        Assert.False(Exists(container, "a"));
        container.Tell(new ActorContainer.Forward("a", new Ping()));
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void A_create_for_a_name_still_stopping_creates_the_child_once_the_old_one_has_stopped()
    {
        var container = Container();
        container.Tell(new ActorContainer.Create(ChildProps("old"), "a"));
        container.Tell(new ActorContainer.Create(ChildProps("sibling"), "b"));
        container.Tell(new ActorContainer.StopChild("a"));
        container.Tell(new ActorContainer.Create(ChildProps("new"), "a"));

        AwaitAssert(
            () =>
            {
                container.Tell(new ActorContainer.Forward("a", new Ping()));
                Assert.Equal("new", ExpectMsg<string>(TimeSpan.FromMilliseconds(500)));
            },
            TimeSpan.FromSeconds(10));

        // The container did not fail over the taken name (a restart would have stopped every child).
        container.Tell(new ActorContainer.Forward("b", new Ping()));
        Assert.Equal("sibling", ExpectMsg<string>());
    }

    [Fact]
    public void A_message_for_a_child_being_replaced_reaches_the_new_one()
    {
        var container = Container();
        container.Tell(new ActorContainer.Create(ChildProps("old"), "a"));
        container.Tell(new ActorContainer.Replace(ChildProps("new"), "a"));
        container.Tell(new ActorContainer.Forward("a", new Ping()));

        Assert.Equal("new", ExpectMsg<string>(TimeSpan.FromSeconds(5)));
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }
}
