using Akka.Actor;

namespace ActorHa.Node.Actors;

/// <summary>
/// /node/vrrp, /node/scripts, /node/track-files, /node/check: parents that keep the tree readable
/// (/node/vrrp/&lt;group&gt;/&lt;instance&gt;) and create their children from messages. Whoever talks to a child that
/// such a message creates goes through <see cref="Forward"/>: the container's mailbox runs the <see cref="Create"/>
/// first, where a selection straight to the child path could arrive before the child exists and be a dead letter
/// (an instance subscribing to its tracked scripts and files at start-up or after a reload that adds one).
/// </summary>
internal sealed class ActorContainer : ReceiveActor
{
    public sealed record Create(Props Props, string Name);

    public sealed record Forward(string Child, object Message);

    /// <summary>Creates the child from <paramref name="Props"/> if it does not exist yet, then forwards the message.</summary>
    public sealed record EnsureAndForward(Props? Props, string Child, object Message);

    public sealed record StopChild(string Child);

    /// <summary>Stops the child of that name, if any, and creates it anew from <paramref name="Props"/> once it has
    /// stopped (a name stays taken until then).</summary>
    public sealed record Replace(Props Props, string Name);

    private readonly Dictionary<string, Props> _replacing = [];

    public ActorContainer()
    {
        Receive<Create>(c => Context.ActorOf(c.Props, c.Name));
        Receive<Replace>(r =>
        {
            var old = Context.Child(r.Name);
            if (old.IsNobody())
            {
                Context.ActorOf(r.Props, r.Name);
                return;
            }

            _replacing[r.Name] = r.Props;
            Context.Watch(old);
            Context.Stop(old);
        });
        Receive<Terminated>(t =>
        {
            if (_replacing.Remove(t.ActorRef.Path.Name, out var props))
            {
                Context.ActorOf(props, t.ActorRef.Path.Name);
            }
        });
        Receive<Forward>(f =>
        {
            var child = Context.Child(f.Child);
            if (child.IsNobody() && f.Message is SyncGroupActor.RemoveMember rm)
            {
                Sender.Tell(new SyncGroupActor.MemberRemoved(f.Child, rm.ActorName));
                return;
            }

            child.Forward(f.Message);
        });
        Receive<EnsureAndForward>(e =>
        {
            var child = Context.Child(e.Child);
            if (child.IsNobody() && e.Props is not null)
            {
                child = Context.ActorOf(e.Props, e.Child);
            }

            child.Forward(e.Message);
        });
        Receive<StopChild>(s => Context.Stop(Context.Child(s.Child)));
        Receive<ActorTree.DescribeTree>(_ => ActorTree.Reply(Context, ""));
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new ActorContainer());
}
