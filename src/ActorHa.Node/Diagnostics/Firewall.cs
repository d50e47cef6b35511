using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ActorHa.Node.Diagnostics;

/// <summary>Three-valued matching: a firewall condition that depends on something the doctor cannot know is <see cref="Maybe"/>.</summary>
internal enum Tri
{
    No,
    Yes,
    Maybe,
}

/// <summary>
/// A VRRP advert as a firewall sees it: protocol 112 to <see cref="Destination"/> (224.0.0.18 / ff02::12, or this
/// host for unicast), in or out through <see cref="Interface"/>, from an address in <see cref="PeerSubnet"/> when known.
/// </summary>
internal sealed record VrrpPacket(bool Incoming, bool IPv6, string Interface, IPAddress Destination, IPAddress? PeerSample)
{
    public string FamilyName => IPv6 ? "IPv6" : "IPv4";

    public string Direction => Incoming ? "incoming" : "outgoing";
}

/// <summary>One rule: its conditions, its verdict (accept, drop, reject, jump, goto, return, or none), and how to name it.</summary>
internal sealed record FirewallRule(string Family, string Table, string Chain, string Handle, string Text, IReadOnlyList<Func<VrrpPacket, Tri>> Conditions, string? Verdict, string? Target)
{
    public Tri Matches(VrrpPacket packet)
    {
        var result = Tri.Yes;
        foreach (var condition in Conditions)
        {
            var m = condition(packet);
            if (m == Tri.No)
            {
                return Tri.No;
            }

            if (m == Tri.Maybe)
            {
                result = Tri.Maybe;
            }
        }

        return result;
    }
}

/// <summary>A chain; a base chain has a hook (prerouting, input, output, postrouting, ingress) and a policy.</summary>
internal sealed record FirewallChain(string Family, string Table, string Name, string? Hook, string? Device, string Policy, List<FirewallRule> Rules);

/// <summary>
/// nftables (from <c>nft -j list ruleset</c>) or iptables (from <c>iptables-save</c>) rules, and the question the
/// doctor asks of them: does a VRRP advert get through every base chain on its way in or out? A packet passes a hook
/// only if every base chain there lets it through, so each is walked on its own, following jumps, to the first rule
/// that decides; falling off the end applies the chain's policy. Conditions the doctor cannot decide (a source
/// address it does not know, a named set, a mark) make the verdict a warning rather than an error.
/// </summary>
internal sealed partial class FirewallRuleset
{
    private const int VrrpProtocol = 112;
    private readonly List<FirewallChain> _chains;

    private FirewallRuleset(string tool, List<FirewallChain> chains)
    {
        Tool = tool;
        _chains = chains;
    }

    /// <summary>"nft", "iptables" or "ip6tables": which tool the fixes are written for.</summary>
    public string Tool { get; }

    public IReadOnlyList<FirewallChain> Chains => _chains;

    /// <summary>
    /// Reads <c>nft -j list ruleset</c>; <paramref name="listing"/> is <c>nft -a list ruleset</c>, used only to show each
    /// rule as nft prints it (null: the rule is named by table, chain and handle alone).
    /// </summary>
    public static FirewallRuleset ParseNft(string json, string? listing)
    {
        var texts = listing is null ? new Dictionary<string, string>() : NftTexts(listing);
        var chains = new List<FirewallChain>();
        using var document = JsonDocument.Parse(json);
        foreach (var item in document.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (item.TryGetProperty("chain", out var c))
            {
                chains.Add(new FirewallChain(
                    Str(c, "family"), Str(c, "table"), Str(c, "name"),
                    c.TryGetProperty("hook", out var hook) ? hook.GetString() : null,
                    c.TryGetProperty("dev", out var dev) ? dev.GetString() : null,
                    c.TryGetProperty("policy", out var policy) ? policy.GetString() ?? "accept" : "accept",
                    []));
            }
            else if (item.TryGetProperty("rule", out var r))
            {
                var family = Str(r, "family");
                var table = Str(r, "table");
                var chainName = Str(r, "chain");
                var handle = r.GetProperty("handle").GetInt64().ToString(CultureInfo.InvariantCulture);
                var conditions = new List<Func<VrrpPacket, Tri>>();
                string? verdict = null;
                string? target = null;
                foreach (var e in r.GetProperty("expr").EnumerateArray())
                {
                    var statement = e.EnumerateObject().First();
                    switch (statement.Name)
                    {
                        case "match":
                            conditions.Add(NftMatch(family, statement.Value));
                            break;
                        case "accept" or "drop" or "reject" or "return":
                            verdict = statement.Name;
                            break;
                        case "jump" or "goto":
                            verdict = statement.Name;
                            target = statement.Value.GetProperty("target").GetString();
                            break;
                        case "queue":
                            // Userspace decides: the doctor cannot tell, so the rule may drop.
                            verdict = "drop";
                            conditions.Add(_ => Tri.Maybe);
                            break;
                        case "counter" or "log" or "limit" or "comment":
                            break;
                        default:
                            // Other statements (mangle, nat, set updates) neither decide nor block.
                            break;
                    }
                }

                var text = texts.GetValueOrDefault($"{family} {table} {chainName} {handle}") ?? $"(expressions of handle {handle})";
                var chain = chains.FirstOrDefault(x => x.Family == family && x.Table == table && x.Name == chainName);
                chain?.Rules.Add(new FirewallRule(family, table, chainName, handle, text, conditions, verdict, target));
            }
        }

        return new FirewallRuleset("nft", chains);
    }

    /// <summary>Reads <c>iptables-save</c> (<paramref name="ipv6"/>: <c>ip6tables-save</c>): the filter, raw and mangle tables.</summary>
    public static FirewallRuleset ParseIptablesSave(string text, bool ipv6)
    {
        var family = ipv6 ? "ip6" : "ip";
        var chains = new List<FirewallChain>();
        var table = "";
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('*'))
            {
                table = line[1..];
            }
            else if (line.StartsWith(':') && table is "filter" or "raw" or "mangle")
            {
                var parts = line[1..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var hook = parts[0] switch
                {
                    "INPUT" => "input",
                    "OUTPUT" => "output",
                    "PREROUTING" => "prerouting",
                    "POSTROUTING" => "postrouting",
                    _ => null,
                };
                chains.Add(new FirewallChain(family, table, parts[0], hook, null, parts.Length > 1 && parts[1] != "-" ? parts[1].ToLowerInvariant() : "accept", []));
            }
            else if (line.StartsWith("-A ", StringComparison.Ordinal) && table is "filter" or "raw" or "mangle")
            {
                var words = Words(line);
                var chainName = words[1];
                var key = $"{table} {chainName}";
                positions[key] = positions.GetValueOrDefault(key) + 1;
                var (conditions, verdict, target) = IptablesRule(words);
                chains.FirstOrDefault(c => c.Table == table && c.Name == chainName)?.Rules.Add(
                    new FirewallRule(family, table, chainName, positions[key].ToString(CultureInfo.InvariantCulture), line, conditions, verdict, target));
            }
        }

        return new FirewallRuleset(ipv6 ? "ip6tables" : "iptables", chains);
    }

    /// <summary>Walks every base chain each packet meets and reports the rules and policies that drop it.</summary>
    public IReadOnlyList<Finding> Check(IReadOnlyList<VrrpPacket> packets)
    {
        ArgumentNullException.ThrowIfNull(packets);
        var hits = new Dictionary<string, (Finding Finding, SortedSet<string> Interfaces)>(StringComparer.Ordinal);
        foreach (var packet in packets)
        {
            foreach (var chain in _chains.Where(c => Applies(c, packet)))
            {
                var walk = new Walk();
                var outcome = Evaluate(chain, packet, walk, 0);
                foreach (var maybe in walk.MaybeDrops)
                {
                    Add(hits, packet, RuleFinding(maybe, packet, Severity.Warning, "may drop"));
                }

                switch (outcome.Verdict)
                {
                    case "drop" or "reject":
                        Add(hits, packet, RuleFinding(outcome.Rule!, packet, walk.MaybeAccepted ? Severity.Warning : Severity.Error, outcome.Verdict == "reject" ? "rejects" : "drops"));
                        break;
                    case "accept":
                        break;
                    default:
                        if (chain.Policy == "drop")
                        {
                            Add(hits, packet, PolicyFinding(chain, packet, walk.MaybeAccepted ? Severity.Warning : Severity.Error));
                        }

                        break;
                }
            }
        }

        return hits.Values
            .Select(h => h.Finding with { Message = h.Finding.Message.Replace("{ifaces}", string.Join(',', h.Interfaces), StringComparison.Ordinal) })
            .OrderBy(f => f.Severity)
            .ToList();
    }

    private static void Add(Dictionary<string, (Finding Finding, SortedSet<string> Interfaces)> hits, VrrpPacket packet, Finding finding)
    {
        var key = finding.Message;
        if (!hits.TryGetValue(key, out var hit))
        {
            hit = (finding, new SortedSet<string>(StringComparer.Ordinal));
            hits[key] = hit;
        }
        else if (finding.Severity < hit.Finding.Severity)
        {
            hits[key] = hit = (finding, hit.Interfaces);
        }

        hit.Interfaces.Add(packet.Interface);
    }

    private bool Applies(FirewallChain chain, VrrpPacket packet)
    {
        var familyOk = chain.Family switch
        {
            "ip" => !packet.IPv6,
            "ip6" => packet.IPv6,
            "inet" => true,
            "netdev" => chain.Device is null || chain.Device == packet.Interface,
            _ => false,
        };
        var hookOk = packet.Incoming
            ? chain.Hook is "prerouting" or "input" or "ingress"
            : chain.Hook is "output" or "postrouting" or "egress";
        return familyOk && hookOk;
    }

    private sealed class Walk
    {
        public bool MaybeAccepted { get; set; }

        public List<FirewallRule> MaybeDrops { get; } = [];
    }

    private sealed record Outcome(string? Verdict, FirewallRule? Rule);

    /// <summary>The first rule that decides (accept, drop, reject), or null when the chain returns or ends.</summary>
    private Outcome Evaluate(FirewallChain chain, VrrpPacket packet, Walk walk, int depth)
    {
        foreach (var rule in chain.Rules)
        {
            var m = rule.Matches(packet);
            if (m == Tri.No || rule.Verdict is null)
            {
                continue;
            }

            switch (rule.Verdict)
            {
                case "accept":
                    if (m == Tri.Yes)
                    {
                        return new Outcome("accept", rule);
                    }

                    walk.MaybeAccepted = true;
                    break;
                case "drop" or "reject":
                    if (m == Tri.Yes)
                    {
                        return new Outcome(rule.Verdict, rule);
                    }

                    walk.MaybeDrops.Add(rule);
                    break;
                case "return":
                    if (m == Tri.Yes)
                    {
                        return new Outcome(null, null);
                    }

                    walk.MaybeAccepted = true;
                    break;
                case "jump" or "goto":
                    var target = _chains.FirstOrDefault(c => c.Family == chain.Family && c.Table == chain.Table && c.Name == rule.Target);
                    if (target is null || depth > 16)
                    {
                        break;
                    }

                    var inner = Evaluate(target, packet, walk, depth + 1);
                    if (inner.Verdict is null)
                    {
                        break;
                    }

                    if (m == Tri.Yes)
                    {
                        return inner;
                    }

                    if (inner.Verdict == "accept")
                    {
                        walk.MaybeAccepted = true;
                    }
                    else
                    {
                        walk.MaybeDrops.Add(inner.Rule!);
                    }

                    break;
            }
        }

        return new Outcome(null, null);
    }

    private Finding RuleFinding(FirewallRule rule, VrrpPacket packet, Severity severity, string what)
    {
        var where = Tool == "nft"
            ? $"nft table {rule.Family} {rule.Table} chain {rule.Chain} handle {rule.Handle}"
            : $"{Tool} table {rule.Table} chain {rule.Chain} rule {rule.Handle}";
        var fix = Tool == "nft"
            ? $"nft insert rule {rule.Family} {rule.Table} {rule.Chain} position {rule.Handle} {NftAccept(rule.Family, packet)}\n(or remove it: nft delete rule {rule.Family} {rule.Table} {rule.Chain} handle {rule.Handle})"
            : $"{Tool} -t {rule.Table} -I {rule.Chain} {rule.Handle} {IptablesAccept(packet)}\n(or remove it: {Tool} -t {rule.Table} -D {rule.Chain} {rule.Handle})";
        return new Finding(severity, "firewall",
            $"{where} {what} {packet.Direction} VRRP ({packet.FamilyName}, to {packet.Destination}) on {{ifaces}}"
            + (severity == Severity.Warning ? " (depends on a condition the doctor cannot decide)" : ""),
            rule.Text, fix);
    }

    private Finding PolicyFinding(FirewallChain chain, VrrpPacket packet, Severity severity)
    {
        var where = Tool == "nft" ? $"nft table {chain.Family} {chain.Table} chain {chain.Name}" : $"{Tool} table {chain.Table} chain {chain.Name}";
        var fix = Tool == "nft"
            ? $"nft insert rule {chain.Family} {chain.Table} {chain.Name} {NftAccept(chain.Family, packet)}"
            : $"{Tool} -t {chain.Table} -I {chain.Name} 1 {IptablesAccept(packet)}";
        return new Finding(severity, "firewall",
            $"{where} has policy drop and no rule accepts {packet.Direction} VRRP ({packet.FamilyName}, to {packet.Destination}) on {{ifaces}}",
            Tool == "nft" ? $"chain {chain.Name} {{ type filter hook {chain.Hook} ...; policy drop; }} ({chain.Rules.Count} rule(s), none accepts protocol {VrrpProtocol})" : $":{chain.Name} DROP",
            fix);
    }

    private static string NftAccept(string family, VrrpPacket packet)
    {
        var iface = $"{(packet.Incoming ? "iifname" : "oifname")} \"{packet.Interface}\"";
        var protocol = family switch
        {
            "ip" => "ip protocol vrrp",
            "ip6" => "ip6 nexthdr vrrp",
            _ => "meta l4proto vrrp",
        };
        return $"{iface} {protocol} accept";
    }

    private static string IptablesAccept(VrrpPacket packet) =>
        $"{(packet.Incoming ? "-i" : "-o")} {packet.Interface} -p vrrp -j ACCEPT";

    private static string Str(JsonElement e, string name) => e.GetProperty(name).GetString() ?? "";

    /// <summary>One nft match expression as a condition on the packet.</summary>
    private static Func<VrrpPacket, Tri> NftMatch(string family, JsonElement match)
    {
        var op = match.GetProperty("op").GetString();
        var left = match.GetProperty("left");
        var right = match.GetProperty("right").Clone();
        Func<VrrpPacket, JsonElement, Tri>? test = null;
        Func<VrrpPacket, bool>? applies = null;
        if (left.ValueKind == JsonValueKind.Object && left.TryGetProperty("payload", out var payload) && payload.TryGetProperty("protocol", out var proto))
        {
            var protocol = proto.GetString();
            var field = payload.TryGetProperty("field", out var f) ? f.GetString() : null;
            switch (protocol, field)
            {
                case ("ip", "protocol") or ("ip6", "nexthdr"):
                    test = (_, r) => Element(r, v => ProtocolIs(v));
                    break;
                case ("ip", "daddr") or ("ip6", "daddr"):
                    test = (p, r) => Element(r, v => AddressIn(v, p.Destination));
                    break;
                case ("ip", "saddr") or ("ip6", "saddr"):
                    test = (p, r) => p.PeerSample is null ? Tri.Maybe : Element(r, v => AddressIn(v, p.PeerSample) == Tri.Yes ? Tri.Yes : v.ValueKind == JsonValueKind.Object ? Tri.No : Tri.Maybe);
                    break;
                case ("ip", _) or ("ip6", _):
                    test = (_, _) => Tri.Maybe;
                    break;
                default:
                    // A transport header (tcp, udp, icmp, th ...): a VRRP packet has none of them.
                    return _ => Tri.No;
            }

            applies = protocol == "ip" ? p => !p.IPv6 : p => p.IPv6;
        }
        else if (left.ValueKind == JsonValueKind.Object && left.TryGetProperty("meta", out var meta))
        {
            test = meta.GetProperty("key").GetString() switch
            {
                "l4proto" => (_, r) => Element(r, v => ProtocolIs(v)),
                "iifname" or "iif" => (p, r) => p.Incoming ? Element(r, v => NameIs(v, p.Interface)) : Tri.No,
                "oifname" or "oif" => (p, r) => p.Incoming ? Tri.No : Element(r, v => NameIs(v, p.Interface)),
                "nfproto" => (p, r) => Element(r, v => Is(v, p.IPv6 ? "ipv6" : "ipv4")),
                "protocol" => (p, r) => Element(r, v => Is(v, p.IPv6 ? "ip6" : "ip")),
                "pkttype" => (p, r) => Element(r, v => Is(v, p.Destination.IsIPv6Multicast || IsIPv4Multicast(p.Destination) ? "multicast" : "host")),
                _ => null,
            };
        }
        else if (left.ValueKind == JsonValueKind.Object && left.TryGetProperty("ct", out var ct) && ct.GetProperty("key").GetString() == "state")
        {
            // Conntrack never sees a reply to a multicast advert, so every VRRP packet is "new".
            test = (_, r) => Element(r, v => Is(v, "new"));
        }

        if (test is null || op is not ("==" or "!=" or "in"))
        {
            return _ => Tri.Maybe;
        }

        var negate = op == "!=";
        return p =>
        {
            if (applies is not null && !applies(p))
            {
                // "ip ..." in an inet table implies IPv4, "ip6 ..." IPv6.
                return Tri.No;
            }

            var m = test(p, right);
            return negate ? m switch { Tri.Yes => Tri.No, Tri.No => Tri.Yes, _ => Tri.Maybe } : m;
        };
    }

    /// <summary>A right-hand side: a value, a prefix, a range, an anonymous set or list of them (any may match), or a named set (unknown).</summary>
    private static Tri Element(JsonElement right, Func<JsonElement, Tri> test)
    {
        if (right.ValueKind == JsonValueKind.Array)
        {
            return Any(right.EnumerateArray(), test);
        }

        if (right.ValueKind == JsonValueKind.Object && right.TryGetProperty("set", out var set))
        {
            return set.ValueKind == JsonValueKind.Array ? Any(set.EnumerateArray(), test) : test(set);
        }

        if (right.ValueKind == JsonValueKind.String && right.GetString()!.StartsWith('@'))
        {
            return Tri.Maybe;
        }

        return test(right);
    }

    private static Tri Any(IEnumerable<JsonElement> items, Func<JsonElement, Tri> test)
    {
        var result = Tri.No;
        foreach (var item in items)
        {
            var m = test(item);
            if (m == Tri.Yes)
            {
                return Tri.Yes;
            }

            if (m == Tri.Maybe)
            {
                result = Tri.Maybe;
            }
        }

        return result;
    }

    private static Tri ProtocolIs(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Number => v.GetInt32() == VrrpProtocol ? Tri.Yes : Tri.No,
        JsonValueKind.String => v.GetString() is "vrrp" or "112" ? Tri.Yes : Tri.No,
        JsonValueKind.Object when v.TryGetProperty("range", out var range) =>
            RangeContains(range, x => x.ValueKind == JsonValueKind.Number ? x.GetInt32() : int.TryParse(x.GetString(), CultureInfo.InvariantCulture, out var n) ? n : -1, VrrpProtocol),
        _ => Tri.Maybe,
    };

    private static Tri RangeContains(JsonElement range, Func<JsonElement, int> read, int value)
    {
        var lo = read(range[0]);
        var hi = read(range[1]);
        return lo < 0 || hi < 0 ? Tri.Maybe : lo <= value && value <= hi ? Tri.Yes : Tri.No;
    }

    private static Tri AddressIn(JsonElement v, IPAddress address)
    {
        if (v.ValueKind == JsonValueKind.String)
        {
            return IPAddress.TryParse(v.GetString(), out var a) ? (a.Equals(address) ? Tri.Yes : Tri.No) : Tri.Maybe;
        }

        if (v.ValueKind == JsonValueKind.Object && v.TryGetProperty("prefix", out var prefix))
        {
            return IPAddress.TryParse(prefix.GetProperty("addr").GetString(), out var net)
                ? (InPrefix(address, net, prefix.GetProperty("len").GetInt32()) ? Tri.Yes : Tri.No)
                : Tri.Maybe;
        }

        if (v.ValueKind == JsonValueKind.Object && v.TryGetProperty("range", out var range)
            && IPAddress.TryParse(range[0].GetString(), out var lo) && IPAddress.TryParse(range[1].GetString(), out var hi))
        {
            var x = address.GetAddressBytes().AsSpan();
            return lo.AddressFamily == address.AddressFamily && x.SequenceCompareTo(lo.GetAddressBytes()) >= 0 && x.SequenceCompareTo(hi.GetAddressBytes()) <= 0 ? Tri.Yes : Tri.No;
        }

        return Tri.Maybe;
    }

    internal static bool InPrefix(IPAddress address, IPAddress network, int length)
    {
        if (address.AddressFamily != network.AddressFamily)
        {
            return false;
        }

        var a = address.GetAddressBytes();
        var n = network.GetAddressBytes();
        for (var bit = 0; bit < length; bit++)
        {
            var mask = 0x80 >> (bit % 8);
            if ((a[bit / 8] & mask) != (n[bit / 8] & mask))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsIPv4Multicast(IPAddress a) =>
        a.AddressFamily == AddressFamily.InterNetwork && a.GetAddressBytes()[0] is >= 224 and <= 239;

    private static Tri Is(JsonElement v, string expected) =>
        v.ValueKind == JsonValueKind.String ? (v.GetString() == expected ? Tri.Yes : Tri.No) : Tri.Maybe;

    /// <summary>Interface names with nft's (<c>eth*</c>) or iptables' (<c>eth+</c>) trailing wildcard.</summary>
    private static Tri NameIs(JsonElement v, string name) =>
        v.ValueKind == JsonValueKind.String ? (NameMatches(v.GetString()!, name) ? Tri.Yes : Tri.No) : Tri.Maybe;

    private static bool NameMatches(string pattern, string name) =>
        pattern.EndsWith('*') || pattern.EndsWith('+')
            ? name.StartsWith(pattern[..^1], StringComparison.Ordinal)
            : pattern == name;

    /// <summary>Maps "# handle N" in <c>nft -a list ruleset</c> to the rule's text, keyed "family table chain handle".</summary>
    private static Dictionary<string, string> NftTexts(string listing)
    {
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        string family = "", table = "", chain = "";
        foreach (var raw in listing.Split('\n'))
        {
            var line = raw.Trim();
            if (TableLine().Match(line) is { Success: true } t)
            {
                (family, table) = (t.Groups[1].Value, t.Groups[2].Value);
            }
            else if (ChainLine().Match(line) is { Success: true } c)
            {
                chain = c.Groups[1].Value;
            }
            else if (HandleLine().Match(line) is { Success: true } r)
            {
                texts[$"{family} {table} {chain} {r.Groups[2].Value}"] = r.Groups[1].Value.Trim();
            }
        }

        return texts;
    }

    [GeneratedRegex(@"^table (\S+) (\S+) \{")]
    private static partial Regex TableLine();

    [GeneratedRegex(@"^chain (\S+) \{")]
    private static partial Regex ChainLine();

    [GeneratedRegex(@"^(.*\S) # handle (\d+)$")]
    private static partial Regex HandleLine();

    /// <summary>Splits an iptables-save line into words; double quotes group (comments).</summary>
    private static List<string> Words(string line)
    {
        var words = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        foreach (var ch in line)
        {
            if (ch == '"')
            {
                quoted = !quoted;
            }
            else if (ch == ' ' && !quoted)
            {
                if (current.Length > 0)
                {
                    words.Add(current.ToString());
                    current.Clear();
                }
            }
            else
            {
                current.Append(ch);
            }
        }

        if (current.Length > 0)
        {
            words.Add(current.ToString());
        }

        return words;
    }

    private static (List<Func<VrrpPacket, Tri>> Conditions, string? Verdict, string? Target) IptablesRule(List<string> words)
    {
        var conditions = new List<Func<VrrpPacket, Tri>>();
        string? verdict = null;
        string? target = null;
        var negate = false;
        for (var i = 2; i < words.Count; i++)
        {
            var word = words[i];
            var value = i + 1 < words.Count ? words[i + 1] : "";
            Func<VrrpPacket, Tri>? condition = null;
            switch (word)
            {
                case "!":
                    negate = true;
                    continue;
                case "-p" or "--protocol":
                    condition = _ => value is "vrrp" or "112" or "all" or "0" ? Tri.Yes : Tri.No;
                    i++;
                    break;
                case "-d" or "--destination":
                    condition = p => CidrContains(value, p.Destination);
                    i++;
                    break;
                case "-s" or "--source":
                    condition = p => p.PeerSample is null ? Tri.Maybe : CidrContains(value, p.PeerSample) == Tri.Yes ? Tri.Yes : value.Contains('/', StringComparison.Ordinal) ? Tri.No : Tri.Maybe;
                    i++;
                    break;
                case "-i" or "--in-interface":
                    condition = p => p.Incoming ? (NameMatches(value, p.Interface) ? Tri.Yes : Tri.No) : Tri.No;
                    i++;
                    break;
                case "-o" or "--out-interface":
                    condition = p => p.Incoming ? Tri.No : (NameMatches(value, p.Interface) ? Tri.Yes : Tri.No);
                    i++;
                    break;
                case "--state" or "--ctstate":
                    condition = _ => value.Split(',').Contains("NEW") ? Tri.Yes : Tri.No;
                    i++;
                    break;
                case "--pkt-type":
                    condition = p => value == (p.Destination.IsIPv6Multicast || IsIPv4Multicast(p.Destination) ? "multicast" : "host") ? Tri.Yes : Tri.No;
                    i++;
                    break;
                case "-j" or "--jump" or "-g" or "--goto":
                    verdict = value switch
                    {
                        "ACCEPT" => "accept",
                        "DROP" => "drop",
                        "REJECT" => "reject",
                        "RETURN" => "return",
                        "LOG" or "NFLOG" or "MARK" or "CONNMARK" or "CT" or "NOTRACK" or "TRACE" => null,
                        _ => "jump",
                    };
                    target = verdict == "jump" ? value : null;
                    i++;
                    break;
                case "-m" or "--comment" or "--match":
                    i++;
                    break;
                default:
                    if (word.StartsWith("--", StringComparison.Ordinal))
                    {
                        // An option of a match the doctor does not model (a port, a mark, a rate): undecided.
                        condition = _ => Tri.Maybe;
                        if (!value.StartsWith('-') || value == "-")
                        {
                            i++;
                        }
                    }

                    break;
            }

            if (condition is not null)
            {
                var inner = condition;
                conditions.Add(negate ? p => inner(p) switch { Tri.Yes => Tri.No, Tri.No => Tri.Yes, _ => Tri.Maybe } : inner);
            }

            negate = false;
        }

        return (conditions, verdict, target);
    }

    private static Tri CidrContains(string cidr, IPAddress address)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        var text = slash < 0 ? cidr : cidr[..slash];
        if (!IPAddress.TryParse(text, out var network))
        {
            return Tri.Maybe;
        }

        var length = slash < 0 ? (network.AddressFamily == AddressFamily.InterNetwork ? 32 : 128)
            : int.TryParse(cidr[(slash + 1)..], CultureInfo.InvariantCulture, out var n) ? n
            : IPAddress.TryParse(cidr[(slash + 1)..], out var mask) ? MaskLength(mask) : -1;
        return length < 0 ? Tri.Maybe : InPrefix(address, network, length) ? Tri.Yes : Tri.No;
    }

    private static int MaskLength(IPAddress mask) =>
        mask.GetAddressBytes().Sum(b => System.Numerics.BitOperations.PopCount(b));
}
