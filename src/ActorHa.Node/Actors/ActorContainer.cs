using Akka.Actor;
using Akka.Event;

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

    /// <summary>Children stopping, and the props to create each anew from once it has stopped (null: none).</summary>
    private readonly Dictionary<string, Props?> _stopping = [];

    /// <summary>Messages for a child that is being created anew, delivered to the new one.</summary>
    private readonly Dictionary<string, List<(object Message, IActorRef Sender)>> _waiting = [];

    private readonly HashSet<string> _warnedMissing = [];

    public ActorContainer()
    {
        Receive<Create>(c => Start(c.Props, c.Name));
        Receive<Replace>(r => Start(r.Props, r.Name));
        Receive<Terminated>(t =>
        {
            var name = t.ActorRef.Path.Name;
            var current = Context.Child(name);
            if (!current.IsNobody() && !current.Equals(t.ActorRef))
            {
                // An older incarnation: the name was free before this message came and a new child took it.
                return;
            }

            if (!_stopping.Remove(name, out var props))
            {
                return;
            }

            if (props is null)
            {
                return;
            }

            var child = Context.ActorOf(props, name);
            if (_waiting.Remove(name, out var queued))
            {
                foreach (var (message, sender) in queued)
                {
                    child.Tell(message, sender);
                }
            }
        });
        Receive<Forward>(f =>
        {
            if (Deliver(f.Child, f.Message, ensure: null))
            {
                return;
            }

            if (f.Message is SyncGroupActor.RemoveMember rm)
            {
                Sender.Tell(new SyncGroupActor.MemberRemoved(f.Child, rm.ActorName));
                return;
            }

            // The binder only lets through references to defined scripts and files, so this is a race with a
            // reload that removed the child: say so once rather than drop it without a trace.
            if (_warnedMissing.Add(f.Child))
            {
                Context.GetLogger().Warning("{0}: no child {1} for {2}; dropped", Self.Path, f.Child, f.Message.GetType().Name);
            }
        });
        Receive<EnsureAndForward>(e => Deliver(e.Child, e.Message, e.Props));
        Receive<StopChild>(s =>
        {
            var child = Context.Child(s.Child);
            _waiting.Remove(s.Child);
            if (child.IsNobody())
            {
                _stopping.Remove(s.Child);
                return;
            }

            // A Replace still pending for this name is cancelled: the child is gone for good.
            _stopping[s.Child] = null;
            Context.Watch(child);
            Context.Stop(child);
        });
        Receive<ActorTree.DescribeTree>(_ => ActorTree.Reply(Context, ""));
    }

    /// <summary>
    /// Creates the child, or, while a child of that name exists or is still stopping (the name stays taken until it
    /// has stopped), stops it and creates the new one once it has.
    /// </summary>
    private void Start(Props props, string name)
    {
        _warnedMissing.Remove(name);
        var old = Context.Child(name);
        if (old.IsNobody())
        {
            _stopping.Remove(name);
            Context.ActorOf(props, name);
            return;
        }

        _stopping[name] = props;
        Context.Watch(old);
        Context.Stop(old);
    }

    /// <summary>
    /// Forwards to the child; while it is being created anew (or <paramref name="ensure"/> asks for it once the old one
    /// has stopped) the message waits for the new one; a missing child is created from <paramref name="ensure"/>.
    /// False when there is no child to take it.
    /// </summary>
    private bool Deliver(string name, object message, Props? ensure)
    {
        if (_stopping.TryGetValue(name, out var next))
        {
            if ((next ??= ensure) is null)
            {
                return false;
            }

            _stopping[name] = next;
            Queue(name, message);
            return true;
        }

        var child = Context.Child(name);
        if (child.IsNobody())
        {
            if (ensure is null)
            {
                return false;
            }

            child = Context.ActorOf(ensure, name);
        }

        child.Forward(message);
        return true;
    }

    private void Queue(string name, object message)
    {
        if (!_waiting.TryGetValue(name, out var list))
        {
            _waiting[name] = list = [];
        }

        list.Add((message, Sender));
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new ActorContainer());
}
