using System.Net;
using System.Net.NetworkInformation;
using ActorHa.Config.Model;

namespace ActorHa.Node.Actors;

/// <summary>
/// What VRRP instances ask of /kernel, in their own terms: a set of virtual addresses (and routes) present or
/// absent, gratuitous ARP / unsolicited NA frames out of an interface. The kernel actor turns these into netlink
/// requests and answers <see cref="Done"/> to the sender once the kernel confirmed (or refused) each one.
/// </summary>
internal static class KernelRequests
{
    /// <summary>A virtual address as it is installed: <c>ip addr add ADDRESS/LEN [brd B] dev DEV [scope S] [label L]</c>.</summary>
    public sealed record Vip(IpPrefix Address, string Device, IPAddress? Broadcast, string? Scope, string? Label)
    {
        public override string ToString() => $"{Address} dev {Device}";

        public static Vip From(AddressEntry entry, string defaultDevice) =>
            new(entry.Address, entry.Device ?? defaultDevice, entry.Broadcast, entry.Scope, entry.Label);
    }

    /// <summary>A virtual route: <c>ip route add ...</c> as written in virtual_routes.</summary>
    public sealed record VRoute(RouteEntry Route, string? DefaultDevice)
    {
        /// <summary>What makes two routes the same route (RouteEntry holds lists and a source location).</summary>
        public string Key =>
            $"{Route.Type} {Route.Destination} via {string.Join(",", Route.Via)} dev {Route.Device ?? DefaultDevice} src {Route.Source} table {Route.Table} metric {Route.Metric} scope {Route.Scope}";
    }

    /// <summary>A virtual rule: <c>ip rule add ...</c> as written in virtual_rules (or static_rules).</summary>
    public sealed record VRule(RuleEntry Rule)
    {
        /// <summary>What makes two rules the same rule (RuleEntry holds a dictionary and a source location).</summary>
        public string Key =>
            $"from {Rule.From} to {Rule.To} table {Rule.Table} pref {Rule.Preference} iif {Rule.Iif} oif {Rule.Oif} fwmark {Rule.FwMark}";
    }

    /// <summary>Install VIPs, then routes, then rules (each may need the one before).</summary>
    public sealed record AddVips(string Owner, IReadOnlyList<Vip> Vips, IReadOnlyList<VRoute> Routes)
    {
        public IReadOnlyList<VRule> Rules { get; init; } = [];
    }

    /// <summary>Remove rules, routes, then VIPs.</summary>
    public sealed record RemoveVips(string Owner, IReadOnlyList<Vip> Vips, IReadOnlyList<VRoute> Routes)
    {
        public IReadOnlyList<VRule> Rules { get; init; } = [];
    }

    /// <summary>Prebuilt Ethernet frames (GARP / NA) to send out of <see cref="Device"/>, in order.</summary>
    public sealed record SendFrames(string Owner, string Device, IReadOnlyList<byte[]> Frames)
    {
        /// <summary>The device's index when the frames were built a moment ago (a takeover's), else 0: looked up.</summary>
        public int IfIndex { get; init; }
    }

    /// <summary>
    /// A dry run of the takeover's kernel work (see VrrpInstanceActor.Rehearse): the netlink requests for these VIPs
    /// and routes are built and the ledger serialised, but nothing is sent and nothing is written. The requests are
    /// kept: an AddVips for the same lists soon after (the takeover the pre-warm announced) sends them as built.
    /// </summary>
    public sealed record Rehearse(string Owner, IReadOnlyList<Vip> Vips, IReadOnlyList<VRoute> Routes)
    {
        public IReadOnlyList<VRule> Rules { get; init; } = [];
    }

    /// <summary>
    /// use_vmac: a macvlan <paramref name="Name"/> on <paramref name="Parent"/> carrying the virtual MAC, set up, with
    /// the ARP sysctls keepalived sets so that only the macvlan answers for the VIPs. <paramref name="IPv6"/> keeps
    /// the kernel's link-local address on it (an IPv6 instance sends from it); an IPv4 one gets none.
    /// </summary>
    public sealed record CreateVmac(string Owner, string Parent, string Name, PhysicalAddress Mac, bool IPv6);

    /// <summary>Removes the macvlan <paramref name="Name"/> if this node created it. Not answered: its owner is leaving.</summary>
    public sealed record DeleteVmac(string Owner, string Name);

    /// <summary>Asks /kernel for its <see cref="KernelActor.DirectPath"/>; answered with <see cref="PathOpened"/> on the VRRP event loop only.</summary>
    public sealed record OpenPath
    {
        public static readonly OpenPath Instance = new();

        private OpenPath()
        {
        }
    }

    public sealed record PathOpened(KernelActor.DirectPath Path);

    /// <summary>The outcome of one request; <see cref="Errors"/> name each address or route that failed and why.</summary>
    public sealed record Done(string Owner, object Request, IReadOnlyList<string> Errors)
    {
        public bool Ok => Errors.Count == 0;

        /// <summary>When the kernel had the change (a Stopwatch timestamp; the reply may be read later).</summary>
        public long CompletedAt { get; init; } = System.Diagnostics.Stopwatch.GetTimestamp();
    }
}
