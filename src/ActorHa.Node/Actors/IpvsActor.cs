using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ActorHa.Config.Model;
using ActorHa.Node.Io;
using ActorHa.Node.Kernel;
using ActorHa.Protocol.Netlink;
using Akka.Actor;
using Akka.Event;

namespace ActorHa.Node.Actors;

/// <summary>
/// /ipvs: the one owner of the IPVS generic-netlink socket. The virtual-server actors send the table they want
/// (<see cref="IpvsDesired"/>); this actor makes the kernel match it, one synchronous netlink request at a time,
/// and keeps a mirror of what it installed so every change is a difference and stop removes exactly that.
/// <list type="bullet">
/// <item>At start it resolves the "IPVS" family and reads the kernel's services. A configured service already
/// there is adopted (edited to the configuration, its destinations kept); once its virtual server has sent its
/// first pool, destinations nobody asked for are removed. Services outside the configuration are never touched.</item>
/// <item>A kernel error is logged with the errno's text and the entry, and the node carries on.</item>
/// <item>Without IPVS (this project's CI kernel) it says once that IPVS is unavailable; checking goes on and the
/// desired table is kept for status.</item>
/// <item>On stop it removes the services it installed or adopted, unless told to keep them (-I); from
/// <see cref="Freeze"/> on, the virtual servers' shutdown messages no longer change the kernel.</item>
/// </list>
/// </summary>
internal sealed class IpvsActor : ReceiveActor
{
    private const int NetlinkGeneric = 16;
    private const int ENOENT = 2;
    private const int ESRCH = 3;
    private const int EEXIST = 17;

    /// <summary>Whether stop removes what was installed (not with -I), and the virtual_server_groups a group key expands to.</summary>
    public sealed record Settings(bool ReleaseOnStop, IReadOnlyList<VirtualServerGroup> Groups)
    {
        public static readonly Settings Default = new(true, []);
    }

    /// <summary>The node is stopping: keep the kernel as it is until this actor stops (then release or keep).</summary>
    public sealed class Freeze
    {
        public static readonly Freeze Instance = new();

        private Freeze()
        {
        }
    }

    /// <summary>A kernel service this node installed or adopted, with the destinations it holds there.</summary>
    private sealed class Owned(IpvsService service, bool adopted)
    {
        public IpvsService Service { get; set; } = service;

        public bool Adopted { get; } = adopted;

        public Dictionary<(IPAddress, ushort), IpvsDestination> Destinations { get; } = [];
    }

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private Settings _settings;
    private readonly Dictionary<IpvsDesired.ServiceKey, Dictionary<IpvsDesired.Destination, int>> _desired = [];
    private readonly Dictionary<IpvsDesired.ServiceKey, List<IpvsService>> _expanded = [];
    private readonly Dictionary<IpvsServiceKey, IpvsService> _foundAtStart = [];
    private readonly Dictionary<IpvsServiceKey, Owned> _owned = [];
    private RouteNetlinkSocket? _genl;
    private ushort _family;
    private string _availability = "not probed";
    private bool _frozen;
    private int _requests;
    private int _failed;

    public IpvsActor(Settings settings)
    {
        _settings = settings;
        Receive<IpvsDesired.AddService>(OnAddService);
        Receive<IpvsDesired.RemoveService>(OnRemoveService);
        Receive<IpvsDesired.AddDestination>(a => SetDestination(a.Service, a.Destination, a.Weight, a.Uthreshold, a.Lthreshold));
        Receive<IpvsDesired.EditWeight>(e => SetDestination(e.Service, e.Destination, e.Weight, null, null));
        Receive<IpvsDesired.RemoveDestination>(OnRemoveDestination);
        Receive<IpvsDesired.InitialPoolSent>(OnInitialPoolSent);
        Receive<IpvsDesired.ServiceQuorum>(_ => { });
        Receive<IpvsDesired.UpdateGroups>(u => _settings = _settings with { Groups = u.Groups });
        Receive<Freeze>(_ => _frozen = true);
        Receive<ActorTree.DescribeTree>(_ => ActorTree.Reply(Context, Describe()));
    }

    public static Props Props(Settings settings) => Akka.Actor.Props.Create(() => new IpvsActor(settings));

    /// <summary>The kernel service(s) a virtual_server stands for: one, or one per address and port of its group.</summary>
    internal static List<IpvsService> Expand(VirtualServer vs, IReadOnlyList<VirtualServerGroup> groups)
    {
        var protocol = vs.Protocol switch
        {
            LvsProtocol.Udp => IpvsServiceKey.Udp,
            LvsProtocol.Sctp => IpvsServiceKey.Sctp,
            _ => IpvsServiceKey.Tcp,
        };

        // A fwmark service has no address of its own: it takes the family of its real servers.
        var markFamily = vs.RealServers.FirstOrDefault()?.Address.AddressFamily ?? AddressFamily.InterNetwork;
        var keys = new List<IpvsServiceKey>();
        if (vs.Group is { } name)
        {
            foreach (var entry in groups.FirstOrDefault(g => g.Name == name)?.Entries ?? [])
            {
                if (entry.Fwmark is { } mark)
                {
                    keys.Add(IpvsServiceKey.OfFwmark(markFamily, mark));
                }
                else if (entry.Address is { } first)
                {
                    keys.AddRange(Range(first, entry.LastAddress).Select(a => IpvsServiceKey.Of(protocol, a, (ushort)(entry.Port ?? vs.Port ?? 0))));
                }
            }
        }
        else if (vs.Fwmark is { } mark)
        {
            keys.Add(IpvsServiceKey.OfFwmark(markFamily, mark));
        }
        else if (vs.Address is { } address)
        {
            keys.Add(IpvsServiceKey.Of(protocol, address, (ushort)(vs.Port ?? 0)));
        }

        var flags = vs.PersistenceTimeout is null ? 0u : IpvsMessages.FlagPersistent;
        if (vs.Ops)
        {
            flags |= IpvsMessages.FlagOnePacket;
        }

        foreach (var flag in vs.SchedulerFlags)
        {
            flags |= flag switch
            {
                "flag-1" or "sh-fallback" or "mh-fallback" => IpvsMessages.FlagSched1,
                "flag-2" or "sh-port" or "mh-port" => IpvsMessages.FlagSched2,
                "flag-3" => IpvsMessages.FlagSched3,
                _ => 0u,
            };
        }

        var timeout = (uint)(vs.PersistenceTimeout?.TotalSeconds ?? 0);
        return keys.Select(k => new IpvsService(k, vs.LvsSched, flags, timeout, IpvsMessages.Netmask(k.Family, vs.PersistenceGranularity))).ToList();
    }

    /// <summary>
    /// The addresses of a group line <c>192.0.2.3-10</c>: <paramref name="first"/> up to <paramref name="last"/>
    /// (the binder keeps the range on the last byte, or the last group of an IPv6 address).
    /// </summary>
    private static IEnumerable<IPAddress> Range(IPAddress first, IPAddress? last)
    {
        yield return first;
        if (last is null)
        {
            yield break;
        }

        var bytes = first.GetAddressBytes();
        var end = last.GetAddressBytes();
        var step = bytes.Length == 16 ? 2 : 1;
        var from = step == 2 ? (bytes[14] << 8) | bytes[15] : bytes[3];
        var to = step == 2 ? (end[14] << 8) | end[15] : end[3];
        for (var n = from + 1; n <= to; n++)
        {
            if (step == 2)
            {
                bytes[14] = (byte)(n >> 8);
                bytes[15] = (byte)n;
            }
            else
            {
                bytes[3] = (byte)n;
            }

            yield return new IPAddress(bytes);
        }
    }

    protected override void PreStart()
    {
        try
        {
            _genl = new RouteNetlinkSocket(NetlinkGeneric);
            var sequence = _genl.NextSequence();
            var errno = _genl.Exchange(GenlMessages.GetFamily(IpvsMessages.FamilyName, sequence), sequence, out var replies);
            if (errno == 0 && replies.Count > 0 && IpvsMessages.TryParseFamilyId(replies[0].Payload, out var id, out _))
            {
                _family = id;
                _availability = string.Create(CultureInfo.InvariantCulture, $"present (genl family {id})");
                ReadKernelServices();
                return;
            }

            _availability = errno == ENOENT || errno == 0 ? "unavailable (no IPVS in this kernel)" : $"unavailable ({Libc.ErrorText(errno)})";
            _log.Warning("IPVS: Can't initialize ipvs: {0}; real servers are still checked and their transitions logged", errno is ENOENT or 0 ? "Protocol not available" : Libc.ErrorText(errno));
        }
        catch (IOException e)
        {
            _availability = $"unavailable ({e.Message})";
            _log.Warning("IPVS: Can't initialize ipvs: {0}", e.Message);
        }

        _genl?.Dispose();
        _genl = null;
    }

    /// <summary>
    /// A restart must not empty the kernel (Akka's default PreRestart calls PostStop): traffic keeps flowing to
    /// what is installed, and the new instance adopts it when the virtual servers next say what they want.
    /// </summary>
    protected override void PreRestart(Exception reason, object message)
    {
        _genl?.Dispose();
        _genl = null;
    }

    protected override void PostStop()
    {
        if (_genl is null)
        {
            return;
        }

        if (_settings.ReleaseOnStop)
        {
            foreach (var key in _owned.Keys.ToList())
            {
                DeleteService(key);
            }
        }
        else if (_owned.Count > 0)
        {
            _log.Info("IPVS: leaving {0} service(s) in the kernel (--dont-release-ipvs)", _owned.Count);
        }

        _genl.Dispose();
    }

    private void ReadKernelServices()
    {
        var sequence = _genl!.NextSequence();
        var errno = _genl.Exchange(IpvsMessages.DumpServices(_family, sequence), sequence, out var replies);
        if (errno != 0)
        {
            Failed("read the services", "", errno);
            return;
        }

        foreach (var (_, payload) in replies)
        {
            if (IpvsMessages.TryParseService(payload, out var service, out var error))
            {
                _foundAtStart[service!.Key] = service;
            }
            else
            {
                _log.Warning("IPVS: unreadable service in the kernel's table: {0}", error);
            }
        }

        _log.Debug("[IPVS] family {0}, {1} service(s) in the kernel at start", _family, _foundAtStart.Count);
    }

    private List<IpvsDestination> ReadDestinations(IpvsServiceKey key)
    {
        var result = new List<IpvsDestination>();
        var sequence = _genl!.NextSequence();
        var errno = _genl.Exchange(IpvsMessages.DumpDestinations(key, _family, sequence), sequence, out var replies);
        if (errno != 0)
        {
            Failed("read the destinations of", key.ToString(), errno);
            return result;
        }

        foreach (var (_, payload) in replies)
        {
            if (IpvsMessages.TryParseDestination(payload, key.Family, out var d, out var error))
            {
                result.Add(d!);
            }
            else
            {
                _log.Warning("IPVS: unreadable destination of {0} in the kernel's table: {1}", key, error);
            }
        }

        return result;
    }

    private void OnAddService(IpvsDesired.AddService add)
    {
        _desired.TryAdd(add.Service, []);
        var services = Expand(add.Config, _settings.Groups);
        _expanded[add.Service] = services;
        if (_genl is null || _frozen)
        {
            return;
        }

        foreach (var service in services)
        {
            if (_owned.ContainsKey(service.Key))
            {
                continue;
            }

            if (_foundAtStart.Remove(service.Key, out var found))
            {
                // Adopted: traffic keeps flowing to the destinations already there while the checkers decide.
                var owned = new Owned(service, adopted: true);
                foreach (var d in ReadDestinations(service.Key))
                {
                    owned.Destinations[(d.Address, d.Port)] = d;
                }

                _owned[service.Key] = owned;
                _log.Info("IPVS: adopting {0} with {1} destination(s) found in the kernel", service.Key, owned.Destinations.Count);
                if (found.Scheduler != service.Scheduler || (found.Flags & ~IpvsMessages.FlagHashed) != service.Flags
                    || found.Timeout != service.Timeout || found.Netmask != service.Netmask)
                {
                    Send("edit service", service.Key.ToString(), s => IpvsMessages.Service(false, service, _family, s));
                }

                continue;
            }

            var errno = Send("add service", service.Key.ToString(), s => IpvsMessages.Service(true, service, _family, s), quietOn: EEXIST);
            if (errno == EEXIST)
            {
                // Someone added it since start: take it over as found.
                Send("edit service", service.Key.ToString(), s => IpvsMessages.Service(false, service, _family, s));
                var owned = new Owned(service, adopted: true);
                foreach (var d in ReadDestinations(service.Key))
                {
                    owned.Destinations[(d.Address, d.Port)] = d;
                }

                _owned[service.Key] = owned;
            }
            else if (errno == 0)
            {
                _owned[service.Key] = new Owned(service, adopted: false);
            }
        }
    }

    private void OnRemoveService(IpvsDesired.RemoveService remove)
    {
        if (_frozen)
        {
            return;
        }

        _desired.Remove(remove.Service);
        if (_expanded.Remove(remove.Service, out var services) && _genl is not null)
        {
            foreach (var service in services.Where(s => _owned.ContainsKey(s.Key)))
            {
                DeleteService(service.Key);
            }
        }
    }

    private void SetDestination(IpvsDesired.ServiceKey key, IpvsDesired.Destination destination, int weight, int? upper, int? lower)
    {
        if (_frozen)
        {
            return;
        }

        Pool(key)[destination] = weight;
        foreach (var owned in OwnedOf(key))
        {
            var id = (destination.Address, (ushort)destination.Port);
            owned.Destinations.TryGetValue(id, out var current);
            var wanted = new IpvsDestination(
                destination.Address,
                (ushort)destination.Port,
                destination.Method switch
                {
                    LvsMethod.Dr => IpvsForward.DirectRoute,
                    LvsMethod.Tun => IpvsForward.Tunnel,
                    _ => IpvsForward.Masquerade,
                },
                weight,
                upper is { } u ? (uint)u : current?.UpperThreshold ?? 0,
                lower is { } l ? (uint)l : current?.LowerThreshold ?? 0);
            if (current is not null && current with { ActiveConnections = 0, InactiveConnections = 0 } == wanted)
            {
                continue;
            }

            var entry = $"{wanted} in {owned.Service.Key}";
            var errno = current is null
                ? Send("add destination", entry, s => IpvsMessages.Destination(true, owned.Service.Key, wanted, _family, s))
                : Send("edit destination", entry, s => IpvsMessages.Destination(false, owned.Service.Key, wanted, _family, s));
            if (errno == 0)
            {
                owned.Destinations[id] = wanted;
            }
        }
    }

    private void OnRemoveDestination(IpvsDesired.RemoveDestination remove)
    {
        if (_frozen)
        {
            return;
        }

        Pool(remove.Service).Remove(remove.Destination);
        foreach (var owned in OwnedOf(remove.Service))
        {
            RemoveDestination(owned, remove.Destination.Address, (ushort)remove.Destination.Port);
        }
    }

    /// <summary>The virtual server has said what it wants first: destinations of an adopted service nobody wants are stale.</summary>
    private void OnInitialPoolSent(IpvsDesired.InitialPoolSent sent)
    {
        if (_frozen)
        {
            return;
        }

        var wanted = Pool(sent.Service).Keys.Select(d => (d.Address, (ushort)d.Port)).ToHashSet();
        foreach (var owned in OwnedOf(sent.Service).Where(o => o.Adopted))
        {
            foreach (var (address, port) in owned.Destinations.Keys.Where(k => !wanted.Contains(k)).ToList())
            {
                _log.Info("IPVS: removing stale destination {0} from {1}", IpvsMessages.Endpoint(address, port), owned.Service.Key);
                RemoveDestination(owned, address, port);
            }
        }
    }

    private void RemoveDestination(Owned owned, IPAddress address, ushort port)
    {
        if (!owned.Destinations.ContainsKey((address, port)))
        {
            return;
        }

        var errno = Send("delete destination", $"{IpvsMessages.Endpoint(address, port)} in {owned.Service.Key}", s => IpvsMessages.DeleteDestination(owned.Service.Key, address, port, _family, s), quietOn: ENOENT);
        if (errno is 0 or ENOENT)
        {
            owned.Destinations.Remove((address, port));
        }
    }

    private void DeleteService(IpvsServiceKey key)
    {
        // ESRCH: already gone (removed by hand); either way it is no longer ours.
        Send("delete service", key.ToString(), s => IpvsMessages.DeleteService(key, _family, s), quietOn: ESRCH);
        _owned.Remove(key);
    }

    private IEnumerable<Owned> OwnedOf(IpvsDesired.ServiceKey key) =>
        _genl is null || !_expanded.TryGetValue(key, out var services)
            ? []
            : services.Select(s => _owned.GetValueOrDefault(s.Key)).OfType<Owned>().ToList();

    private Dictionary<IpvsDesired.Destination, int> Pool(IpvsDesired.ServiceKey key)
    {
        if (!_desired.TryGetValue(key, out var pool))
        {
            pool = [];
            _desired[key] = pool;
        }

        return pool;
    }

    /// <summary>One request; a failure is logged with the errno's text and the entry (except <paramref name="quietOn"/>), never thrown.</summary>
    private int Send(string what, string entry, Func<uint, byte[]> build, int quietOn = -1)
    {
        var sequence = _genl!.NextSequence();
        _requests++;
        var errno = _genl.Request(build(sequence), sequence);
        if (errno == 0)
        {
            _log.Debug("[IPVS] {0} {1}", what, entry);
        }
        else if (errno != quietOn)
        {
            Failed(what, entry, errno);
        }

        return errno;
    }

    private void Failed(string what, string entry, int errno)
    {
        _failed++;
        _log.Error("IPVS: cannot {0} {1}: {2}", what, entry, Libc.ErrorText(errno));
    }

    private string Describe() =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"IPVS {_availability}; desired: {_desired.Count} service(s), {_desired.Values.Sum(p => p.Count)} destination(s); installed: {_owned.Count} service(s), {_owned.Values.Sum(o => o.Destinations.Count)} destination(s); {_requests} request(s), {_failed} failed");
}
