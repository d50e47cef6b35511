using System.Globalization;
using System.Net;
using ActorHa.Node.Kernel;
using ActorHa.Protocol.Netlink;
using Akka.Actor;
using Akka.Event;

namespace ActorHa.Node.Actors;

/// <summary>
/// /links: what the kernel says about the links of this network namespace, pushed to whoever tracks an interface
/// (the instance's own interface, track_interface). It holds a table of links (index, name, up) filled by a dump
/// at start and kept current by rtnetlink's link and address multicast groups; a receive thread only parses and
/// Tells. A subscriber gets the interface's <see cref="LinkState"/> at once and again on every change, and the
/// interface's address changes. The words of the log lines are keepalived's ("Netlink reports eth0 down").
/// </summary>
internal sealed class LinkMonitor : ReceiveActor
{
    /// <summary>Follow <paramref name="Interface"/>; the current <see cref="LinkState"/> comes back at once.</summary>
    public sealed record Subscribe(IActorRef Subscriber, string Interface);

    /// <summary>Stop following every interface <paramref name="Subscriber"/> follows.</summary>
    public sealed record Unsubscribe(IActorRef Subscriber);

    /// <summary>An interface and whether it is up (IFF_UP and IFF_RUNNING); index 0 when there is no such interface.</summary>
    public sealed record LinkState(string Name, int Index, bool Up)
    {
        public bool Exists => Index != 0;
    }

    /// <summary>An address was added to or removed from a followed interface.</summary>
    public sealed record AddressChanged(string Interface, IPAddress Address, int PrefixLength, bool Removed);

    private sealed record Events(IReadOnlyList<RtnlEvent> List);

    private sealed record Resync(uint Sequence);

    private sealed record SocketFailed(string Reason);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<int, RtnlLink> _links = [];
    private readonly Dictionary<string, HashSet<IActorRef>> _subscribers = new(StringComparer.Ordinal);
    private LinkEventSocket? _socket;
    private uint? _resyncSequence;
    private HashSet<int> _seenInResync = [];
    private long _events;

    public LinkMonitor()
    {
        Receive<Subscribe>(OnSubscribe);
        Receive<Unsubscribe>(u => RemoveSubscriber(u.Subscriber));
        Receive<Terminated>(t => RemoveSubscriber(t.ActorRef));
        Receive<Events>(e => Apply(e.List));
        Receive<Resync>(r =>
        {
            _log.Warning("Netlink: receive buffer overflowed, events were lost; reading all links again");
            _resyncSequence = r.Sequence;
            _seenInResync = [];
        });
        Receive<SocketFailed>(f =>
        {
            _log.Error("Netlink link monitor: {0}; opening a new socket", f.Reason);
            Open();
        });
        Receive<ActorTree.DescribeTree>(_ => ActorTree.Reply(Context, string.Create(
            CultureInfo.InvariantCulture,
            $"{_links.Count} link(s), {_links.Values.Count(l => l.Up)} up; {_subscribers.Values.Sum(s => s.Count)} subscription(s){(_subscribers.Count == 0 ? "" : " to " + string.Join(",", _subscribers.Keys.Order(StringComparer.Ordinal)))}; {_events} event(s)")));
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new LinkMonitor());

    protected override void PreStart() => Open();

    protected override void PostStop() => _socket?.Dispose();

    /// <summary>The mailbox outlives a restart: subscriptions sent to ourselves here are taken up by the next incarnation.</summary>
    protected override void PreRestart(Exception reason, object message)
    {
        foreach (var (name, set) in _subscribers)
        {
            foreach (var subscriber in set)
            {
                Self.Tell(new Subscribe(subscriber, name));
            }
        }

        base.PreRestart(reason, message);
    }

    /// <summary>
    /// Opens the socket, reads every link synchronously (so a subscriber never sees a spurious "missing" state
    /// before the dump is in), then starts the receive thread. Links gone since the last table are reported.
    /// </summary>
    private void Open()
    {
        _socket?.Dispose();
        _socket = new LinkEventSocket();
        var dump = _socket.DumpLinks();
        var before = new Dictionary<int, RtnlLink>(_links);
        _links.Clear();
        foreach (var link in dump.OfType<RtnlLink>().Where(l => !l.Deleted))
        {
            _links[link.Index] = link;
        }

        // The first table is no news; a table read again after a socket failure is compared with what we knew.
        NotifyChanges(before.Values.Select(l => l.Name).Concat(_links.Values.Select(l => l.Name)).Distinct(StringComparer.Ordinal), before, log: before.Count > 0);
        var self = Self;
        // The listener yields to a busy event loop only where the two share one CPU (the process's affinity allows
        // one) and the loop is not SCHED_RR (vrrp_rt_priority): elsewhere it does not delay the loop, only the event.
        var loop = Context.System.Scheduler as Hosting.PreciseScheduler;
        var shareCpu = Environment.ProcessorCount == 1 && Hosting.VrrpThreads.RealTimePriority is null;
        _socket.StartReceiving(
            events => self.Tell(new Events(events)),
            sequence => self.Tell(new Resync(sequence)),
            reason => self.Tell(new SocketFailed(reason)),
            loop is not null && shareCpu ? () => loop.BusySpell : null);
    }

    private void OnSubscribe(Subscribe s)
    {
        if (!_subscribers.TryGetValue(s.Interface, out var set))
        {
            set = [];
            _subscribers[s.Interface] = set;
        }

        set.Add(s.Subscriber);
        Context.Watch(s.Subscriber);
        s.Subscriber.Tell(StateOf(s.Interface, _links));
    }

    private void RemoveSubscriber(IActorRef subscriber)
    {
        foreach (var (name, set) in _subscribers.ToList())
        {
            if (set.Remove(subscriber) && set.Count == 0)
            {
                _subscribers.Remove(name);
            }
        }

        Context.Unwatch(subscriber);
    }

    private void Apply(IReadOnlyList<RtnlEvent> events)
    {
        var before = new Dictionary<int, RtnlLink>(_links);
        var touched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            _events++;
            switch (e)
            {
                case RtnlLink link:
                    if (_links.Remove(link.Index, out var old))
                    {
                        // A rename: the old name is gone.
                        touched.Add(old.Name);
                    }

                    if (!link.Deleted)
                    {
                        _links[link.Index] = link;
                        _seenInResync.Add(link.Index);
                    }

                    touched.Add(link.Name);
                    break;
                case RtnlAddressEvent a:
                    OnAddress(a);
                    break;
                case RtnlDumpDone done when done.Sequence == _resyncSequence:
                    foreach (var gone in _links.Keys.Where(i => !_seenInResync.Contains(i)).ToList())
                    {
                        touched.Add(_links[gone].Name);
                        _links.Remove(gone);
                    }

                    _resyncSequence = null;
                    break;
            }
        }

        NotifyChanges(touched, before, log: true);
    }

    /// <summary>Logs keepalived's line and tells the subscribers for each interface whose state differs from <paramref name="before"/>.</summary>
    private void NotifyChanges(IEnumerable<string> names, Dictionary<int, RtnlLink> before, bool log)
    {
        foreach (var name in names)
        {
            var was = StateOf(name, before);
            var now = StateOf(name, _links);
            if (was == now)
            {
                continue;
            }

            if (log && was.Up != now.Up)
            {
                _log.Info("Netlink reports {0} {1}", name, now.Up ? "up" : "down");
            }

            foreach (var subscriber in _subscribers.GetValueOrDefault(name) ?? [])
            {
                subscriber.Tell(now);
            }
        }
    }

    private void OnAddress(RtnlAddressEvent a)
    {
        if (!_links.TryGetValue(a.Index, out var link))
        {
            return;
        }

        if (a.Deleted)
        {
            _log.Debug("Deassigned address {0} from interface {1}", a.Address, link.Name);
        }
        else
        {
            _log.Debug("Assigned address {0} for interface {1}", a.Address, link.Name);
        }

        var change = new AddressChanged(link.Name, a.Address, a.PrefixLength, a.Deleted);
        foreach (var subscriber in _subscribers.GetValueOrDefault(link.Name) ?? [])
        {
            subscriber.Tell(change);
        }
    }

    private static LinkState StateOf(string name, Dictionary<int, RtnlLink> links) =>
        links.Values.FirstOrDefault(l => l.Name == name) is { } link ? new LinkState(name, link.Index, link.Up) : new LinkState(name, 0, false);
}
