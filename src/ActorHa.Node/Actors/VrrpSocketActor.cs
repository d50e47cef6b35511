using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ActorHa.Node.Io;
using ActorHa.Node.Logging;
using ActorHa.Protocol.Vrrp;
using Akka.Actor;
using Akka.Event;
using ActorHa.Protocol.Logging;

namespace ActorHa.Node.Actors;

/// <summary>
/// /vrrp-io: the only owner of protocol-112 sockets. One receive socket per (interface, family), joined to the
/// VRRP group there, sees every advert on that link, multicast and unicast alike; a send socket per (interface,
/// family, source) carries our adverts with the source address the checksum was computed for. Received datagrams
/// are parsed once here (structure only: size, TTL, version, type, checksum, count) and handed to the instance
/// registered for (interface, family, VRID); policy (auth, VIP list, priorities) is the instance's business.
/// Malformed packets are dropped and counted, and logged at most once per interface every <see cref="LogWindow"/>.
/// </summary>
internal sealed class VrrpSocketActor : ReceiveActor
{
    public static readonly TimeSpan LogWindow = TimeSpan.FromSeconds(10);

    /// <summary>An instance announces where it listens and how it sends. <paramref name="Source"/> is the
    /// address adverts leave from (mcast_src_ip / unicast_src_ip / primary address / link-local for IPv6).</summary>
    public sealed record Register(
        IActorRef Instance,
        string InstanceName,
        string Interface,
        int IfIndex,
        AddressFamily Family,
        byte VirtualRouterId,
        IPAddress Source,
        IPAddress MulticastGroup);

    public sealed record Registered(string Interface, IPAddress Source)
    {
        /// <summary>The direct send path, when /vrrp-io runs on the VRRP event loop (see <see cref="SendPath"/>).</summary>
        public SendPath? Path { get; init; }
    }

    /// <summary>
    /// The send half of a registration, handed to the instance. On the VRRP event loop /vrrp-io and the instances
    /// run on one thread, so an instance may send its advert with a call instead of a message: a takeover's advert
    /// then leaves before the step's bookkeeping and without a mailbox hop (0.1-0.2 ms earlier). /vrrp-io still owns
    /// the socket: it opens and closes it, and a closed path is not used (the instance falls back to <see cref="Send"/>).
    /// Only valid on the loop's thread.
    /// </summary>
    public sealed class SendPath
    {
        private readonly RawVrrpSocket _socket;

        internal SendPath(RawVrrpSocket socket) => _socket = socket;

        public bool IsOpen { get; private set; } = true;

        internal void Close() => IsOpen = false;

        /// <summary>Sends each message; an <see cref="IOException"/> names the destination and the interface.
        /// <paramref name="dry"/>: the same code, nothing sent (a rehearsal).</summary>
        public void Send(IReadOnlyList<(IPAddress Destination, byte[] Message)> messages, bool dry = false)
        {
            foreach (var (destination, message) in messages)
            {
                _socket.Send(message, destination, dry);
            }
        }
    }

    public sealed record RegistrationFailed(string Reason);

    public sealed record Unregister(IActorRef Instance);

    /// <summary>Send VRRP messages (no IP header), each to its destination: the group, or each unicast peer (a v3
    /// checksum covers the destination, so every peer gets its own message).</summary>
    public sealed record Send(IActorRef Instance, IReadOnlyList<(IPAddress Destination, byte[] Message)> Messages);

    /// <summary>A dry run of <see cref="Send"/> (see VrrpInstanceActor.Rehearse): everything but the packet leaving.</summary>
    public sealed record Rehearse(IActorRef Instance, IReadOnlyList<(IPAddress Destination, byte[] Message)> Messages);

    /// <summary>A structurally valid advert for the instance; <see cref="Advert"/>'s addresses index into <see cref="Packet"/>.</summary>
    public sealed record AdvertReceived(byte[] Packet, VrrpAdvert Advert, IPAddress Source, IPAddress Destination, int IfIndex)
    {
        /// <summary>The kernel's receive time (UTC); the instance's timers count from it.</summary>
        public DateTime ReceivedAt { get; init; } = DateTime.UtcNow;

        /// <summary>From <see cref="RehearseReceive"/>: to be checked and stepped dry, never acted on.</summary>
        public bool Rehearsal { get; init; }
    }

    /// <summary>
    /// A dry run of the receive path (VrrpInstanceActor.RehearseResign): <paramref name="Packet"/> (an IPv4 datagram
    /// with its header, or an IPv6 payload) is parsed, checked and routed like one read from the instance's socket,
    /// and reaches the instance as an <see cref="AdvertReceived"/> marked Rehearsal. Nothing is counted or logged.
    /// </summary>
    public sealed record RehearseReceive(IActorRef Instance, byte[] Packet, IPAddress Source, IPAddress Destination);

    /// <summary>An advert for this instance's VRID that failed the codec's checks.</summary>
    public sealed record InvalidAdvertReceived(IPAddress Source, string Reason);

    public sealed record GetStatus
    {
        public static readonly GetStatus Instance = new();

        private GetStatus()
        {
        }
    }

    /// <summary>
    /// One receiving socket's counts (status, metrics): packets read, packets that failed to parse (those with a known
    /// VRID are also counted by their instance, by reason), and valid adverts for a VRID no instance here runs.
    /// </summary>
    public sealed record SocketStatus(string Interface, string Family, long Received, long Invalid, long UnknownVrid);

    private sealed record Datagram(SocketKey Key, ReceivedDatagram Data);

    private sealed record SocketFailed(SocketKey Key, string Reason);

    private readonly record struct SocketKey(int IfIndex, AddressFamily Family);

    private readonly record struct SendKey(int IfIndex, AddressFamily Family, IPAddress Source);

    private readonly record struct Route(int IfIndex, AddressFamily Family, byte Vrid);

    private sealed record Registration(Register Request, SendKey SendKey);

    private sealed class ReceiveSide(RawVrrpSocket socket, string name)
    {
        public RawVrrpSocket Socket { get; } = socket;

        public string Name { get; } = name;

        public long Received { get; set; }

        public long Invalid { get; set; }

        public long UnknownVrid { get; set; }

        /// <summary>The scheduler's monotonic clock when an invalid packet was last logged; null before the first.</summary>
        public TimeSpan? LastLogged { get; set; }
    }

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<SocketKey, ReceiveSide> _receivers = [];
    private readonly Dictionary<SendKey, RawVrrpSocket> _senders = [];
    private readonly Dictionary<SendKey, SendPath> _paths = [];
    private readonly Dictionary<Route, IActorRef> _routes = [];
    private readonly Dictionary<IActorRef, Registration> _registrations = [];
    private readonly Dictionary<byte, TimeSpan> _unknownVridLogged = [];
    public VrrpSocketActor()
    {
        Receive<Register>(OnRegister);
        Receive<Unregister>(u => Remove(u.Instance));
        Receive<Terminated>(t => Remove(t.ActorRef));
        Receive<Send>(OnSend);
        Receive<Rehearse>(OnRehearse);
        Receive<Datagram>(OnDatagram);
        Receive<RehearseReceive>(OnRehearseReceive);
        Receive<SocketFailed>(f => throw new IOException($"VRRP socket on ifindex {f.Key.IfIndex} failed: {f.Reason}"));
        Receive<GetStatus>(_ => Sender.Tell(_receivers
            .Select(kv => new SocketStatus(kv.Value.Name[..kv.Value.Name.IndexOf('/', StringComparison.Ordinal)], Family(kv.Key.Family), kv.Value.Received, kv.Value.Invalid, kv.Value.UnknownVrid))
            .OrderBy(x => x.Interface, StringComparer.Ordinal).ThenBy(x => x.Family, StringComparer.Ordinal)
            .ToList()));
        Receive<ActorTree.DescribeTree>(_ => ActorTree.Reply(Context, Describe()));
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new VrrpSocketActor());

    private string Describe() =>
        _receivers.Count == 0
            ? "no sockets"
            : string.Join("; ", _receivers.Values.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Name}: rx {r.Received}, invalid {r.Invalid}, unknown VRID {r.UnknownVrid}")))
              + string.Create(CultureInfo.InvariantCulture, $"; {_senders.Count} send socket(s), {_routes.Count} instance(s)");

    private void OnRegister(Register r)
    {
        var route = new Route(r.IfIndex, r.Family, r.VirtualRouterId);
        if (_routes.TryGetValue(route, out var existing) && !existing.Equals(r.Instance))
        {
            Sender.Tell(new RegistrationFailed($"VRID {r.VirtualRouterId} is already used on {r.Interface} ({Family(r.Family)})"));
            return;
        }

        if (_registrations.TryGetValue(r.Instance, out var current))
        {
            if (current.Request with { Instance = r.Instance } == r && _senders.ContainsKey(current.SendKey))
            {
                // The same registration again (an instance re-registers on link and address events): nothing to do.
                Sender.Tell(new Registered(r.Interface, r.Source) { Path = _paths.GetValueOrDefault(current.SendKey) });
                return;
            }

            // Release the old sockets first, so a socket the new registration shares is not closed under it.
            Remove(r.Instance);
        }

        try
        {
            var key = new SocketKey(r.IfIndex, r.Family);
            if (!_receivers.ContainsKey(key))
            {
                var socket = RawVrrpSocket.Open(r.Family, r.Interface, r.IfIndex, null, r.MulticastGroup);
                var self = Self;
                socket.StartReceiving(d => self.Tell(new Datagram(key, d)), reason => self.Tell(new SocketFailed(key, reason)));
                _receivers[key] = new ReceiveSide(socket, $"{r.Interface}/{Family(r.Family)}");
                _log.Info("{0}", string.Create(CultureInfo.InvariantCulture, $"VRRP sockpool: [ifindex({r.IfIndex,3}), family({Family(r.Family)}), proto(112), multicast, address({r.MulticastGroup})]"));
            }

            var sendKey = new SendKey(r.IfIndex, r.Family, r.Source);
            if (!_senders.ContainsKey(sendKey))
            {
                var sender = RawVrrpSocket.Open(r.Family, r.Interface, r.IfIndex, r.Source, null);
                sender.DropEverythingReceived();
                _senders[sendKey] = sender;
                if (Context.System.Scheduler is Hosting.PreciseScheduler { OnLoop: true })
                {
                    _paths[sendKey] = new SendPath(sender);
                }
            }

            _routes[route] = r.Instance;
            _registrations[r.Instance] = new Registration(r, sendKey);
            Context.Watch(r.Instance);
            Sender.Tell(new Registered(r.Interface, r.Source) { Path = _paths.GetValueOrDefault(sendKey) });
        }
        catch (IOException e)
        {
            Sender.Tell(new RegistrationFailed(e.Message));
        }
    }

    private void Remove(IActorRef instance)
    {
        if (!_registrations.Remove(instance, out var registration))
        {
            return;
        }

        Context.Unwatch(instance);
        var r = registration.Request;
        _routes.Remove(new Route(r.IfIndex, r.Family, r.VirtualRouterId));
        if (_registrations.Values.All(x => x.SendKey != registration.SendKey) && _senders.Remove(registration.SendKey, out var sender))
        {
            if (_paths.Remove(registration.SendKey, out var path))
            {
                path.Close();
            }

            sender.Dispose();
        }

        var key = new SocketKey(r.IfIndex, r.Family);
        if (_registrations.Values.All(x => new SocketKey(x.Request.IfIndex, x.Request.Family) != key) && _receivers.Remove(key, out var receiver))
        {
            receiver.Socket.Dispose();
        }
    }

    private void OnSend(Send s)
    {
        if (!_registrations.TryGetValue(s.Instance, out var registration) || !_senders.TryGetValue(registration.SendKey, out var socket))
        {
            _log.Warning("({0}) cannot send: not registered with vrrp-io", s.Instance.Path.Name);
            return;
        }

        foreach (var (destination, message) in s.Messages)
        {
            try
            {
                socket.Send(message, destination);
            }
            catch (IOException e)
            {
                // A failed send (interface going down, no route to a unicast peer) is what the protocol tolerates:
                // the peers' Master_Down_Timer decides. Log it; don't crash the socket owner.
                _log.Warning("({0}) {1}", registration.Request.InstanceName, e.Message);
            }
        }
    }

    private void OnRehearse(Rehearse r)
    {
        if (_registrations.TryGetValue(r.Instance, out var registration) && _senders.TryGetValue(registration.SendKey, out var socket))
        {
            foreach (var (destination, message) in r.Messages)
            {
                socket.Send(message, destination, dry: true);
            }
        }
    }

    private void OnDatagram(Datagram d) => Process(d.Key, d.Data, rehearsal: false);

    private void OnRehearseReceive(RehearseReceive r)
    {
        if (_registrations.TryGetValue(r.Instance, out var registration))
        {
            var request = registration.Request;
            Process(new SocketKey(request.IfIndex, request.Family), new ReceivedDatagram(r.Packet, request.IfIndex, r.Source, r.Destination, 255), rehearsal: true);
        }
    }

    private void Process(SocketKey key, ReceivedDatagram data, bool rehearsal)
    {
        if (!_receivers.TryGetValue(key, out var side))
        {
            return;
        }

        if (!rehearsal)
        {
            side.Received++;
        }

        var options = VrrpParseOptions.Default;
        VrrpAdvert advert;
        string? error;
        IPAddress source;
        IPAddress destination;
        bool ok;
        if (key.Family == AddressFamily.InterNetwork)
        {
            ok = VrrpCodec.TryParseIPv4Datagram(data.Data, options, out advert, out var src4, out var dst4, out error);
            source = src4.Value == 0 ? data.Source : src4.ToIPAddress();
            destination = dst4.Value == 0 ? data.Destination : dst4.ToIPAddress();
        }
        else
        {
            ok = VrrpCodec.TryParseIPv6Payload(data.Data, data.HopLimit, data.Source, data.Destination, options, out advert, out error);
            source = data.Source;
            destination = data.Destination;
        }

        // The VRID sits at a fixed place even in a broken advert: use it to tell the instance concerned.
        var vrid = ok ? advert.VirtualRouterId : PeekVrid(key.Family, data.Data);
        var target = vrid is { } v && _routes.TryGetValue(new Route(key.IfIndex, key.Family, v), out var instance) ? instance : null;
        if (rehearsal && (!ok || target is null))
        {
            return;
        }

        if (!ok)
        {
            side.Invalid++;
            if (target is not null)
            {
                target.Tell(new InvalidAdvertReceived(source, error!));
            }
            else if (Due(side, Context.System.Scheduler.MonotonicClock))
            {
                _log.Warning("bogus VRRP packet received on {0} from {1}: {2} ({3} invalid so far)", side.Name, source, error, side.Invalid);
            }

            return;
        }

        if (target is null)
        {
            side.UnknownVrid++;
            var now = Context.System.Scheduler.MonotonicClock;
            if (!_unknownVridLogged.TryGetValue(advert.VirtualRouterId, out var last) || now - last > LogWindow)
            {
                _unknownVridLogged[advert.VirtualRouterId] = now;
                _log.Info("{0}", KeepalivedLog.UnknownVrid(advert.VirtualRouterId, side.Name[..side.Name.IndexOf('/', StringComparison.Ordinal)]));
            }

            return;
        }

        target.Tell(new AdvertReceived(data.Data, advert, source, destination, data.IfIndex) { ReceivedAt = data.ReceivedAt, Rehearsal = rehearsal });
    }

    private static bool Due(ReceiveSide side, TimeSpan now)
    {
        if (now - side.LastLogged < LogWindow)
        {
            return false;
        }

        side.LastLogged = now;
        return true;
    }

    private static byte? PeekVrid(AddressFamily family, byte[] data)
    {
        if (family == AddressFamily.InterNetworkV6)
        {
            return data.Length >= 2 ? data[1] : null;
        }

        if (data.Length < 20)
        {
            return null;
        }

        var ihl = (data[0] & 0x0F) * 4;
        return data.Length > ihl + 1 ? data[ihl + 1] : null;
    }

    private static string Family(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4";

    protected override void PostStop()
    {
        foreach (var path in _paths.Values)
        {
            path.Close();
        }

        foreach (var s in _senders.Values)
        {
            s.Dispose();
        }

        foreach (var r in _receivers.Values)
        {
            r.Socket.Dispose();
        }
    }
}
