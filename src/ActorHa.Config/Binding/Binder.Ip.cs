using System.Collections.Frozen;
using System.Net;
using System.Net.Sockets;
using ActorHa.Config.Diagnostics;
using ActorHa.Config.Model;
using ActorHa.Config.Syntax;

namespace ActorHa.Config.Binding;

/// <summary>
/// Address, route and rule lines (static_* and virtual_*). The syntax layer made each line a statement whose
/// "keyword" is its first word; these read the words in order, as <c>ip addr/route/rule add</c> would.
/// </summary>
internal sealed partial class Binder
{
    private static readonly FrozenSet<string> Scopes = new[] { "site", "link", "host", "nowhere", "global" }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> AddressFlags =
        new[] { "home", "-nodad", "nodad", "mngtmpaddr", "noprefixroute", "autojoin" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary><c>ip route</c> attributes taking one value that ActorHa passes through by name.</summary>
    private static readonly FrozenSet<string> RouteValueOptions = new[]
    {
        "proto", "protocol", "mtu", "advmss", "rtt", "rttvar", "reordering", "window", "cwnd", "ssthresh", "realms", "rto_min",
        "initcwnd", "initrwnd", "features", "quickack", "congctl", "pref", "tos", "dsfield", "expires", "fastopen_no_cookie",
        "ttl-propagate", "weight", "nexthop",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> RouteFlags = new[] { "onlink", "pervasive", "track_group" }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> RuleValueOptions = new[]
    {
        "tos", "dsfield", "realms", "goto", "suppress_prefixlength", "suppress_ifgroup", "uidrange", "sport", "dport", "ipproto",
        "protocol", "track_group",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> RuleFlags = new[] { "not", "l3mdev" }.ToFrozenSet(StringComparer.Ordinal);

    private static IReadOnlyList<ConfWord> Words(ConfStatement line) => [line.Keyword, .. line.Arguments];

    private IEnumerable<AddressEntry> BindAddresses(ConfStatement block, string who)
    {
        foreach (var line in Block(block, who))
        {
            if (BindAddress(line, $"{who}{block.Name}") is { } entry)
            {
                yield return entry;
            }
        }
    }

    /// <summary><c>ADDR[/LEN] [brd IP] [dev IF] [scope S] [label L] [peer IP] [use_vmac] [no_track] [preferred_lft N] [flags]</c>.</summary>
    private AddressEntry? BindAddress(ConfStatement line, string what)
    {
        var words = Words(line);
        if (Prefix(words[0], what) is not { } address)
        {
            return null;
        }

        var entry = new AddressEntry(address, null, null, null, null, null, false, false, [], line.Location);
        var flags = new List<string>();
        for (var i = 1; i < words.Count; i++)
        {
            var option = words[i].Text;
            switch (option)
            {
                case "use_vmac":
                    entry = entry with { UseVmac = true };
                    continue;
                case "no_track":
                    entry = entry with { NoTrack = true };
                    continue;
                case var flag when AddressFlags.Contains(flag):
                    flags.Add(flag);
                    continue;
            }

            if (option is not ("brd" or "broadcast" or "dev" or "scope" or "label" or "peer" or "preferred_lft"))
            {
                _d.Error(words[i].Location, $"{what} {words[0].Text}: unknown option '{option}', ignoring it");
                continue;
            }

            if (++i >= words.Count)
            {
                _d.Error(words[i - 1].Location, $"{what} {words[0].Text}: {option} needs a value, ignoring it");
                break;
            }

            var value = words[i];
            switch (option)
            {
                case "brd" or "broadcast":
                    entry = entry with { Broadcast = Ip(value, $"{what} {words[0].Text} brd") };
                    break;
                case "dev":
                    entry = entry with { Device = value.Text };
                    break;
                case "scope":
                    entry = entry with { Scope = Scope(value, $"{what} {words[0].Text}") };
                    break;
                case "label":
                    entry = entry with { Label = value.Text };
                    break;
                case "peer":
                    entry = entry with { Peer = Ip(value, $"{what} {words[0].Text} peer") };
                    break;
                default:
                    flags.Add($"preferred_lft {value.Text}");
                    break;
            }
        }

        return entry with { Flags = flags };
    }

    private string? Scope(ConfWord value, string what)
    {
        if (Scopes.Contains(value.Text) || (ConfValues.TryParseInt(value.Text, out var n) && n is >= 0 and <= 255))
        {
            return value.Text;
        }

        _d.Error(value.Location, $"{what}: scope '{value.Text}' is not one of site|link|host|nowhere|global, ignoring it");
        return null;
    }

    private IEnumerable<RouteEntry> BindRoutes(ConfStatement block, string who)
    {
        foreach (var line in Block(block, who))
        {
            if (BindRoute(line, $"{who}{block.Name}") is { } route)
            {
                yield return route;
            }
        }
    }

    /// <summary><c>[TYPE] [src IP] [to] PREFIX|default [via|gw IP [or IP]] [dev IF] [scope S] [table T] [metric N] [no_track] ...</c>.</summary>
    private RouteEntry? BindRoute(ConfStatement line, string what)
    {
        var words = Words(line);
        var type = RouteType.Unicast;
        IpPrefix? destination = null;
        ConfWord? defaultWord = null;
        IPAddress? source = null;
        var via = new List<IPAddress>();
        string? device = null, scope = null, table = null;
        int? metric = null;
        var noTrack = false;
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var start = 0;
        RouteType? leading = words[0].Text switch
        {
            "blackhole" => RouteType.Blackhole,
            "unreachable" => RouteType.Unreachable,
            "prohibit" => RouteType.Prohibit,
            "throw" => RouteType.Throw,
            _ => null,
        };
        if (leading is { } routeType)
        {
            type = routeType;
            start = 1;
        }

        for (var i = start; i < words.Count; i++)
        {
            var word = words[i];
            switch (word.Text)
            {
                case "no_track":
                    noTrack = true;
                    continue;
                case var flag when RouteFlags.Contains(flag):
                    options[flag] = "";
                    continue;
                case var valued when RouteValueOptions.Contains(valued)
                    || valued is "to" or "src" or "via" or "gw" or "or" or "dev" or "oif" or "scope" or "table" or "metric" or "priority" or "preference":
                    if (i + 1 >= words.Count)
                    {
                        _d.Error(word.Location, $"{what}: {word.Text} needs a value, ignoring the route");
                        return null;
                    }

                    break;
                default:
                    if (destination is null && defaultWord is null)
                    {
                        if (word.Text == "default")
                        {
                            defaultWord = word;
                        }
                        else if ((destination = Prefix(word, what)) is null)
                        {
                            return null;
                        }

                        continue;
                    }

                    _d.Error(word.Location, $"{what}: unknown route option '{word.Text}', ignoring it");
                    continue;
            }

            var value = words[++i];
            switch (word.Text)
            {
                case "to":
                    if ((destination = Prefix(value, what)) is null)
                    {
                        return null;
                    }

                    break;
                case "src":
                    source = Ip(value, $"{what} src");
                    break;
                case "via" or "gw" or "or":
                    if (word.Text != "via")
                    {
                        _d.Warning(word.Location, $"{what}: '{word.Text}' is deprecated, use '{(word.Text == "gw" ? "via" : "nexthop")}'");
                    }

                    if (Ip(value, $"{what} {word.Text}") is { } gateway)
                    {
                        via.Add(gateway);
                    }

                    break;
                case "dev" or "oif":
                    device = value.Text;
                    break;
                case "scope":
                    scope = Scope(value, what);
                    break;
                case "table":
                    table = value.Text;
                    break;
                case "metric" or "priority" or "preference":
                    metric = (int?)ParseInt(line, "", value, 0, uint.MaxValue >> 1, Ignoring);
                    break;
                default:
                    options[word.Text] = value.Text;
                    break;
            }
        }

        if (destination is null)
        {
            if (defaultWord is null)
            {
                _d.Error(line.Location, $"{what}: route without a destination, ignoring it");
                return null;
            }

            var v6 = via.Concat(source is null ? [] : [source]).Any(a => a.AddressFamily == AddressFamily.InterNetworkV6);
            destination = new IpPrefix(v6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        }

        return new RouteEntry(type, destination, source, via, device, scope, table, metric, noTrack, options, line.Location);
    }

    private IEnumerable<RuleEntry> BindRules(ConfStatement block, string who)
    {
        foreach (var line in Block(block, who))
        {
            if (BindRule(line, $"{who}{block.Name}") is { } rule)
            {
                yield return rule;
            }
        }
    }

    /// <summary><c>[from PREFIX|all] [to PREFIX|all] [table T] [preference N] [iif IF] [oif IF] [fwmark M] [no_track] ...</c>.</summary>
    private RuleEntry? BindRule(ConfStatement line, string what)
    {
        var words = Words(line);
        var rule = new RuleEntry(null, null, null, null, null, null, null, false, new Dictionary<string, string>(), line.Location);
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            if (word.Text == "no_track")
            {
                rule = rule with { NoTrack = true };
                continue;
            }

            if (RuleFlags.Contains(word.Text))
            {
                options[word.Text] = "";
                continue;
            }

            var known = word.Text is "from" or "to" or "table" or "lookup" or "preference" or "pref" or "priority" or "prio" or "iif" or "oif"
                or "fwmark" || RuleValueOptions.Contains(word.Text);
            if (!known)
            {
                _d.Error(word.Location, $"{what}: unknown rule option '{word.Text}', ignoring the rule");
                return null;
            }

            if (i + 1 >= words.Count)
            {
                _d.Error(word.Location, $"{what}: {word.Text} needs a value, ignoring the rule");
                return null;
            }

            var value = words[++i];
            switch (word.Text)
            {
                case "from" or "to":
                    IpPrefix? prefix = null;
                    if (value.Text != "all" && (prefix = Prefix(value, $"{what} {word.Text}")) is null)
                    {
                        return null;
                    }

                    rule = word.Text == "from" ? rule with { From = prefix } : rule with { To = prefix };
                    break;
                case "table" or "lookup":
                    rule = rule with { Table = value.Text };
                    break;
                case "preference" or "pref" or "priority" or "prio":
                    rule = rule with { Preference = (int?)ParseInt(line, "", value, 0, uint.MaxValue >> 1, Ignoring) };
                    break;
                case "iif":
                    rule = rule with { Iif = value.Text };
                    break;
                case "oif":
                    rule = rule with { Oif = value.Text };
                    break;
                case "fwmark":
                    rule = rule with { FwMark = value.Text };
                    break;
                default:
                    options[word.Text] = value.Text;
                    break;
            }
        }

        if (rule.Preference is null)
        {
            // keepalived then picks 16384, 16383 ... in order of appearance, which changes when lines are added.
            _d.Warning(line.Location, $"{what}: rule has no preference; keepalived picks one by position, set it explicitly");
        }

        return rule with { Options = options };
    }
}
