using System.Net;
using ActorHa.Config.Diagnostics;

namespace ActorHa.Config.Model;

/// <summary>
/// One line of <c>static_ipaddress</c>, <c>virtual_ipaddress</c> or <c>virtual_ipaddress_excluded</c>:
/// <c>ADDR[/LEN] [brd IP] [dev IF] [scope SCOPE] [label LABEL] [peer IP] [use_vmac] [no_track] ...</c>.
/// An address written without a length is a host address (/32, /128), as in keepalived.
/// <see cref="Flags"/> holds the flag words passed to the kernel as they are (home, -nodad, noprefixroute ...).
/// </summary>
public sealed record AddressEntry(
    IpPrefix Address,
    IPAddress? Broadcast,
    string? Device,
    string? Scope,
    string? Label,
    IPAddress? Peer,
    bool UseVmac,
    bool NoTrack,
    IReadOnlyList<string> Flags,
    SourceLocation Location);

/// <summary>The route types <c>ip route</c> knows that keepalived accepts as the first word of a route.</summary>
public enum RouteType
{
    Unicast,
    Blackhole,
    Unreachable,
    Prohibit,
    Throw,
}

/// <summary>
/// One line of <c>static_routes</c> or <c>virtual_routes</c>:
/// <c>[TYPE] [src IP] [to] PREFIX [via|gw IP [or IP]] [dev IF] [scope S] [table N] [metric N] [no_track] ...</c>.
/// <see cref="Options"/> keeps the other <c>ip route</c> attributes (mtu, advmss, onlink, proto ...) by name.
/// </summary>
public sealed record RouteEntry(
    RouteType Type,
    IpPrefix Destination,
    IPAddress? Source,
    IReadOnlyList<IPAddress> Via,
    string? Device,
    string? Scope,
    string? Table,
    int? Metric,
    bool NoTrack,
    IReadOnlyDictionary<string, string> Options,
    SourceLocation Location);

/// <summary>
/// One line of <c>static_rules</c> or <c>virtual_rules</c>:
/// <c>[from PREFIX] [to PREFIX] [table N] [preference N] [iif IF] [oif IF] [fwmark N[/M]] [no_track] ...</c>.
/// </summary>
public sealed record RuleEntry(
    IpPrefix? From,
    IpPrefix? To,
    string? Table,
    int? Preference,
    string? Iif,
    string? Oif,
    string? FwMark,
    bool NoTrack,
    IReadOnlyDictionary<string, string> Options,
    SourceLocation Location);
