using System.Net;
using ActorHa.Config.Model;

namespace ActorHa.Node.Actors;

/// <summary>
/// The IPVS state the health checkers want, as messages to the kernel side (/kernel). They are desired state,
/// not commands that may fail: the recipient makes the kernel match them and may replay them after a restart.
/// For one virtual service they arrive in order: <see cref="AddService"/> first, <see cref="RemoveService"/> last.
/// </summary>
internal static class IpvsDesired
{
    /// <summary>A virtual service as IPVS keys it: address, port and protocol, or a fwmark (and family), or a group.</summary>
    public sealed record ServiceKey(IPAddress? Address, int? Port, uint? Fwmark, string? Group, LvsProtocol Protocol)
    {
        public static ServiceKey Of(VirtualServer vs) => new(vs.Address, vs.Port, vs.Fwmark, vs.Group, vs.Protocol);
    }

    /// <summary>A real server (or the sorry server) of a service, with its forwarding method.</summary>
    public sealed record Destination(IPAddress Address, int Port, LvsMethod Method);

    /// <summary>Create the virtual service with the scheduler, flags and persistence of <paramref name="Config"/>.</summary>
    public sealed record AddService(ServiceKey Service, VirtualServer Config);

    /// <summary>Delete the virtual service and its destinations (shutdown, or the virtual_server left the config).</summary>
    public sealed record RemoveService(ServiceKey Service);

    /// <summary>Add a destination; an existing one gets this weight and these thresholds.</summary>
    public sealed record AddDestination(ServiceKey Service, Destination Destination, int Weight, int? Uthreshold, int? Lthreshold);

    /// <summary>Change a destination's weight; weight 0 is how inhibit_on_failure keeps a failed server in the table.</summary>
    public sealed record EditWeight(ServiceKey Service, Destination Destination, int Weight);

    public sealed record RemoveDestination(ServiceKey Service, Destination Destination);

    /// <summary>
    /// Everything the service wants at start has been sent: a destination found in the kernel and not asked for by
    /// now is stale (start-up reconciliation).
    /// </summary>
    public sealed record InitialPoolSent(ServiceKey Service);

    /// <summary>The service's quorum changed (keepalived's quorum_up/quorum_down); informational for the kernel side.</summary>
    public sealed record ServiceQuorum(ServiceKey Service, bool Up);

    /// <summary>After a reload: the virtual_server_groups that services added from now on expand to.</summary>
    public sealed record UpdateGroups(IReadOnlyList<VirtualServerGroup> Groups);
}
