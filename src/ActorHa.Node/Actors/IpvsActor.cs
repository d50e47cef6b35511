using System.Globalization;
using ActorHa.Node.Io;
using ActorHa.Node.Kernel;
using ActorHa.Protocol.Netlink;
using Akka.Actor;
using Akka.Event;

namespace ActorHa.Node.Actors;

/// <summary>
/// /ipvs: where the virtual-server actors send the IPVS table they want. At start it asks the kernel's
/// generic-netlink controller for the "IPVS" family; without it (this project's CI kernel has no IPVS) the node keeps
/// checking and logging every transition, says once that IPVS is unavailable, and keeps the desired table so
/// status can show it. Programming a kernel that has IPVS is not implemented yet (open issue 6).
/// </summary>
internal sealed class IpvsActor : ReceiveActor
{
    private const int NetlinkGeneric = 16;
    private const int ENOENT = 2;

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<IpvsDesired.ServiceKey, Dictionary<IpvsDesired.Destination, int>> _desired = [];
    private string _availability = "not probed";

    public IpvsActor()
    {
        Receive<IpvsDesired.AddService>(a => _desired.TryAdd(a.Service, []));
        Receive<IpvsDesired.RemoveService>(r => _desired.Remove(r.Service));
        Receive<IpvsDesired.AddDestination>(a => Pool(a.Service)[a.Destination] = a.Weight);
        Receive<IpvsDesired.EditWeight>(e => Pool(e.Service)[e.Destination] = e.Weight);
        Receive<IpvsDesired.RemoveDestination>(r => Pool(r.Service).Remove(r.Destination));
        Receive<IpvsDesired.ServiceQuorum>(_ => { });
        Receive<ActorTree.DescribeTree>(_ => ActorTree.Reply(Context, string.Create(
            CultureInfo.InvariantCulture,
            $"IPVS {_availability}; desired: {_desired.Count} service(s), {_desired.Values.Sum(p => p.Count)} destination(s)")));
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new IpvsActor());

    private Dictionary<IpvsDesired.Destination, int> Pool(IpvsDesired.ServiceKey key)
    {
        if (!_desired.TryGetValue(key, out var pool))
        {
            pool = [];
            _desired[key] = pool;
        }

        return pool;
    }

    protected override void PreStart()
    {
        try
        {
            using var genl = new RouteNetlinkSocket(NetlinkGeneric);
            var sequence = genl.NextSequence();
            var errno = genl.Request(GenlMessages.GetFamily("IPVS", sequence), sequence);
            _availability = errno switch
            {
                0 => "present (programming it is not implemented yet: the table is kept, not installed)",
                ENOENT => "unavailable (no IPVS in this kernel)",
                _ => $"unavailable ({Libc.ErrorText(errno)})",
            };
            if (errno == 0)
            {
                _log.Warning("IPVS: the kernel has IPVS but ActorHa does not program it yet; real servers are checked and logged only");
            }
            else
            {
                _log.Warning("IPVS: Can't initialize ipvs: {0}; real servers are still checked and their transitions logged", errno == ENOENT ? "Protocol not available" : Libc.ErrorText(errno));
            }
        }
        catch (IOException e)
        {
            _availability = $"unavailable ({e.Message})";
            _log.Warning("IPVS: Can't initialize ipvs: {0}", e.Message);
        }
    }
}
