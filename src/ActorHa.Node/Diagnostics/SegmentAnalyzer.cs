using System.Globalization;
using System.Net;
using ActorHa.Config.Model;
using ActorHa.Protocol.Vrrp;

namespace ActorHa.Node.Diagnostics;

/// <summary>One row of the segment table: a sender of one (VRID, family) group.</summary>
internal sealed record SegmentSender(
    int VirtualRouterId,
    VrrpAddressFamily Family,
    IPAddress Source,
    int Version,
    int Priority,
    int IntervalCentiseconds,
    IReadOnlyList<IPAddress> Addresses,
    string Auth,
    int Adverts,
    int Invalid,
    TimeSpan LastSeen,
    bool Active,
    bool Master);

/// <summary>
/// What <c>actorha watch</c> and <c>actorha doctor</c> conclude from the adverts on a segment. Pure: adverts (with
/// their arrival time) in, the table and findings out; no sockets, no clock, so it is tested with made-up adverts.
/// </summary>
/// <remarks>
/// Only a master sends adverts (RFC 5798 6.4.2: a backup is silent), so a sender is "active" while its last advert
/// is younger than three of its intervals, about the Master_Down_Interval (RFC 5798 6.1), and the group's master is
/// its highest-priority active sender. Two senders are a split brain when both sent for two intervals at the same
/// time: a preemption makes the old master stop at the new one's first advert, so their runs do not overlap.
/// </remarks>
internal sealed class SegmentAnalyzer
{
    /// <summary>Adverts a sender may miss before it no longer counts as master: RFC 5798's Master_Down_Interval is about 3.</summary>
    private const int ActiveIntervals = 3;

    /// <summary>How long two runs must overlap to be a split brain rather than a handover.</summary>
    private const int SplitBrainIntervals = 2;

    private readonly Dictionary<(int Vrid, VrrpAddressFamily Family), Dictionary<IPAddress, SenderState>> _groups = [];
    private readonly List<Finding> _findings = [];
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private TimeSpan _now;

    public IReadOnlyList<Finding> Findings => _findings;

    public bool HasErrors => _findings.Any(f => f.Severity == Severity.Error);

    /// <summary>Every advert seen, in arrival order; returns the findings this advert raised first.</summary>
    public IReadOnlyList<Finding> Add(SegmentAdvert advert)
    {
        ArgumentNullException.ThrowIfNull(advert);
        var before = _findings.Count;
        _now = advert.At > _now ? advert.At : _now;
        var key = (advert.VirtualRouterId, advert.Family);
        if (!_groups.TryGetValue(key, out var senders))
        {
            senders = [];
            _groups[key] = senders;
        }

        if (!senders.TryGetValue(advert.Source, out var sender))
        {
            sender = new SenderState(advert.Source);
            senders[advert.Source] = sender;
        }

        if (advert.Problems.Count > 0)
        {
            sender.Invalid++;
            sender.LastInvalid = advert;
            foreach (var problem in advert.Problems)
            {
                Report(
                    $"invalid|{advert.Source}|{Kind(problem)}",
                    new Finding(Severity.Warning, "invalid-advert",
                        Text($"VRID {advert.VirtualRouterId} ({advert.Family}): {advert.Source} sends invalid adverts: {problem}"),
                        advert.Describe(),
                        Kind(problem) == "ttl"
                            ? "adverts must come from the segment itself with TTL 255 (RFC 5798 5.1.1.3): look for a router or NAT in between, or a host sending with a changed TTL"
                            : "find the sender: VRRP routers drop such adverts, so it takes no part in the election"));
            }

            // An invalid advert does not take part in the election: routers drop it.
            return _findings.Skip(before).ToList();
        }

        sender.Record(advert);
        foreach (var other in senders.Values.Where(o => !ReferenceEquals(o, sender) && o.Last is not null))
        {
            Compare(advert, sender, other);
        }

        return _findings.Skip(before).ToList();
    }

    /// <summary>
    /// Compares the segment with the local configuration: a VRID configured on <paramref name="interfaceName"/> that
    /// another group uses (different VIPs or authentication) is a collision. Adverts of this host's own peers (the
    /// same VIPs and password) are what should be there.
    /// </summary>
    public IReadOnlyList<Finding> CompareWithConfig(KeepalivedConfig config, string interfaceName)
    {
        ArgumentNullException.ThrowIfNull(config);
        var found = new List<Finding>();
        foreach (var instance in config.VrrpInstances.Where(i => i.Interface == interfaceName))
        {
            var family = instance.Family == System.Net.Sockets.AddressFamily.InterNetworkV6 ? VrrpAddressFamily.IPv6 : VrrpAddressFamily.IPv4;
            if (!_groups.TryGetValue((instance.VirtualRouterId, family), out var senders))
            {
                continue;
            }

            var vips = instance.VirtualIpaddress.Select(a => a.Address.Address).ToHashSet();
            var auth = instance.Version == 2 && instance.Authentication is { Type: AuthType.Pass } a
                ? $"pass \"{a.Password[..Math.Min(8, a.Password.Length)]}\""
                : "none";
            foreach (var sender in senders.Values.Where(s => s.Last is not null))
            {
                var advert = sender.Last!;
                var differences = new List<string>();
                if (!advert.Addresses.ToHashSet().SetEquals(vips))
                {
                    differences.Add(Text($"it advertises {List(advert.Addresses)}, {instance.Name} has {List(vips)}"));
                }

                if (advert.Version == 2 && instance.Version == 2 && advert.AuthText != auth)
                {
                    differences.Add(Text($"its authentication is {advert.AuthText}, {instance.Name}'s {auth}"));
                }

                if (differences.Count > 0)
                {
                    found.Add(new Finding(Severity.Error, "vrid-collision",
                        Text($"VRID {instance.VirtualRouterId} ({family}) on {interfaceName} is configured for {instance.Name} and used by another group: {advert.Source} {string.Join("; ", differences)}"),
                        advert.Describe(),
                        Text($"give {instance.Name} a virtual_router_id no other group on {interfaceName} uses (VRIDs seen: {string.Join(',', _groups.Keys.Where(k => k.Family == family).Select(k => k.Vrid).Order())})")));
                }
                else if (advert.Version != instance.Version)
                {
                    found.Add(new Finding(Severity.Warning, "version-mismatch",
                        Text($"VRID {instance.VirtualRouterId} on {interfaceName}: {advert.Source} sends VRRPv{advert.Version}, {instance.Name} is configured for VRRPv{instance.Version}"),
                        advert.Describe(),
                        Text($"set vrrp_version {advert.Version} in global_defs (or version in {instance.Name}) on every router of the group")));
                }
                else if (advert.IntervalCentiseconds != (int)(instance.AdvertInt.TotalMilliseconds / 10))
                {
                    found.Add(new Finding(Severity.Warning, "interval-mismatch",
                        Text($"VRID {instance.VirtualRouterId} on {interfaceName}: {advert.Source} advertises every {advert.IntervalText}, {instance.Name} is configured with advert_int {instance.AdvertInt.TotalSeconds.ToString(CultureInfo.InvariantCulture)}"),
                        advert.Describe(),
                        "use the same advert_int on every router of the group (a VRRPv2 router drops adverts with another interval)"));
                }
            }
        }

        foreach (var finding in found)
        {
            Report(finding.Message, finding);
        }

        return found;
    }

    /// <summary>The senders seen per (VRID, family), with who is master at <paramref name="now"/> (the end of the watch, or the last advert).</summary>
    public IReadOnlyList<SegmentSender> Table(TimeSpan? now = null)
    {
        var at = now ?? _now;
        var rows = new List<SegmentSender>();
        foreach (var ((vrid, family), senders) in _groups.OrderBy(g => g.Key.Family).ThenBy(g => g.Key.Vrid))
        {
            var active = senders.Values.Where(s => s.IsActive(at)).ToList();
            var master = active.OrderByDescending(s => s.Last!.Priority).ThenByDescending(s => s.Source, AddressComparer.Instance).FirstOrDefault();
            foreach (var s in senders.Values.OrderBy(s => s.Source, AddressComparer.Instance))
            {
                var last = s.Last ?? s.LastInvalid;
                rows.Add(new SegmentSender(
                    vrid, family, s.Source, last?.Version ?? 0, last?.Priority ?? 0, last?.IntervalCentiseconds ?? 0,
                    last?.Addresses ?? [], last?.AuthText ?? "", s.Adverts, s.Invalid, s.LastSeen, s.IsActive(at), ReferenceEquals(s, master)));
            }
        }

        return rows;
    }

    /// <summary>The table as aligned text, one sender a line, the master marked.</summary>
    public static string RenderTable(IReadOnlyList<SegmentSender> rows)
    {
        var lines = new List<string[]> { new[] { "VRID", "FAMILY", "SENDER", "ROLE", "PRIO", "INTVL", "VER", "ADVERTS", "INVALID", "VIPS", "AUTH" } };
        foreach (var r in rows)
        {
            var role = r.Master ? "master" : r.Active ? "active" : r.Adverts == 0 ? "invalid" : "silent";
            lines.Add([
                r.VirtualRouterId.ToString(CultureInfo.InvariantCulture), r.Family.ToString(), r.Source.ToString(), role,
                r.Priority.ToString(CultureInfo.InvariantCulture),
                (r.IntervalCentiseconds / 100.0).ToString("0.##", CultureInfo.InvariantCulture) + "s",
                r.Version == 0 ? "-" : "v" + r.Version.ToString(CultureInfo.InvariantCulture),
                r.Adverts.ToString(CultureInfo.InvariantCulture), r.Invalid.ToString(CultureInfo.InvariantCulture),
                r.Addresses.Count == 0 ? "-" : string.Join(',', r.Addresses), r.Auth.Length == 0 ? "-" : r.Auth,
            ]);
        }

        var widths = Enumerable.Range(0, lines[0].Length).Select(c => lines.Max(l => l[c].Length)).ToArray();
        return string.Join('\n', lines.Select(l => string.Join("  ", l.Select((cell, c) => c == l.Length - 1 ? cell : cell.PadRight(widths[c]))).TrimEnd()));
    }

    private void Compare(SegmentAdvert advert, SenderState sender, SenderState other)
    {
        var theirs = other.Last!;
        var pair = string.Join('|', new[] { sender.Source.ToString(), other.Source.ToString() }.Order(StringComparer.Ordinal));
        var group = Text($"VRID {advert.VirtualRouterId} ({advert.Family})");
        var evidence = advert.Describe() + "\n" + theirs.Describe();
        if (!advert.Addresses.ToHashSet().SetEquals(theirs.Addresses))
        {
            Report($"vips|{advert.VirtualRouterId}|{advert.Family}|{pair}", new Finding(Severity.Error, "vrid-conflict",
                Text($"{group}: {advert.Source} advertises {List(advert.Addresses)} but {other.Source} advertises {List(theirs.Addresses)}: two groups share one VRID"),
                evidence,
                "give one of the groups another virtual_router_id (VRIDs must be unique per segment)"));
        }

        if (advert.AuthText != theirs.AuthText)
        {
            Report($"auth|{advert.VirtualRouterId}|{advert.Family}|{pair}", new Finding(Severity.Error, "vrid-conflict",
                Text($"{group}: {advert.Source} authenticates with {advert.AuthText} but {other.Source} with {theirs.AuthText}: they drop each other's adverts"),
                evidence,
                "use the same authentication block on every router of the group, or another virtual_router_id if they are different groups"));
        }

        if (advert.IntervalCentiseconds != theirs.IntervalCentiseconds)
        {
            Report($"interval|{advert.VirtualRouterId}|{advert.Family}|{pair}", new Finding(Severity.Warning, "interval-mismatch",
                Text($"{group}: {advert.Source} advertises every {advert.IntervalText}, {other.Source} every {theirs.IntervalText}"),
                evidence,
                "use the same advert_int on every router of the group (a VRRPv2 router drops adverts with another interval, RFC 3768 7.1)"));
        }

        if (advert.Version != theirs.Version)
        {
            Report($"version|{advert.VirtualRouterId}|{advert.Family}|{pair}", new Finding(Severity.Warning, "version-mismatch",
                Text($"{group}: {advert.Source} sends VRRPv{advert.Version}, {other.Source} VRRPv{theirs.Version}"),
                evidence,
                "use the same vrrp_version on every router of the group"));
        }

        if (sender.RunStart is { } a && other.RunStart is { } b && other.IsActive(advert.At))
        {
            var interval = TimeSpan.FromMilliseconds(10 * Math.Max(advert.IntervalCentiseconds, theirs.IntervalCentiseconds));
            var overlap = Min(sender.LastSeen, other.LastSeen) - Max(a, b);
            if (interval > TimeSpan.Zero && overlap >= interval * SplitBrainIntervals)
            {
                Report($"split|{advert.VirtualRouterId}|{advert.Family}|{pair}", new Finding(Severity.Error, "split-brain",
                    Text($"{group}: two masters: {advert.Source} (prio {advert.Priority}) and {other.Source} (prio {theirs.Priority}) have both been sending adverts for {overlap.TotalSeconds:0.0} s"),
                    evidence,
                    "they do not hear each other: run `actorha doctor` on both (a firewall dropping protocol 112 or 224.0.0.18 is the usual cause), check the link between them"));
            }
        }
    }

    private void Report(string key, Finding finding)
    {
        if (_reported.Add(key))
        {
            _findings.Add(finding);
        }
    }

    private static string Kind(string problem) =>
        problem.StartsWith("TTL", StringComparison.Ordinal) || problem.StartsWith("hop limit", StringComparison.Ordinal) ? "ttl"
        : problem.StartsWith("bad checksum", StringComparison.Ordinal) ? "checksum"
        : problem;

    private static string List(IEnumerable<IPAddress> addresses)
    {
        var list = addresses.Select(a => a.ToString()).Order(StringComparer.Ordinal).ToList();
        return list.Count == 0 ? "no addresses" : string.Join(',', list);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>One sender's history in one group: its last valid advert and its current run of regular adverts.</summary>
    private sealed class SenderState(IPAddress source)
    {
        public IPAddress Source { get; } = source;

        public SegmentAdvert? Last { get; private set; }

        public TimeSpan LastSeen { get; private set; }

        /// <summary>When the current run of adverts (no gap of three intervals, priority above 0) began; null after a priority-0 advert.</summary>
        public TimeSpan? RunStart { get; private set; }

        public int Adverts { get; private set; }

        public int Invalid { get; set; }

        /// <summary>The last invalid advert, shown in the table for a sender that sent nothing valid.</summary>
        public SegmentAdvert? LastInvalid { get; set; }

        public void Record(SegmentAdvert advert)
        {
            if (advert.Priority == 0)
            {
                // Priority 0: the master resigns (RFC 5798 6.4.3); it no longer counts as a master.
                RunStart = null;
            }
            else if (RunStart is null || Last is null || advert.At - LastSeen > Window(Last))
            {
                RunStart = advert.At;
            }

            Last = advert;
            LastSeen = advert.At;
            Adverts++;
        }

        public bool IsActive(TimeSpan now) => RunStart is not null && Last is not null && now - LastSeen <= Window(Last);

        private static TimeSpan Window(SegmentAdvert advert) =>
            TimeSpan.FromMilliseconds(10.0 * advert.IntervalCentiseconds * ActiveIntervals);
    }

    private sealed class AddressComparer : IComparer<IPAddress>
    {
        public static readonly AddressComparer Instance = new();

        public int Compare(IPAddress? x, IPAddress? y) =>
            (x?.GetAddressBytes() ?? []).AsSpan().SequenceCompareTo(y?.GetAddressBytes() ?? []);
    }
}
