using System.Net;
using System.Net.Sockets;
using ActorHa.Config.Diagnostics;
using ActorHa.Config.Model;
using ActorHa.Config.Syntax;

namespace ActorHa.Config.Binding;

/// <summary>virtual_server_group, virtual_server, real_server and the health checkers.</summary>
internal sealed partial class Binder
{
    private static readonly string[] Schedulers = ["rr", "wrr", "lc", "wlc", "lblc", "lblcr", "sh", "mh", "dh", "sed", "nq", "fo", "ovf", "twos"];

    private static readonly string[] DnsTypes = ["A", "NS", "CNAME", "SOA", "MX", "TXT", "AAAA"];

    /// <summary>keepalived.conf(5): <c>persistence_timeout</c> without a value is 6 minutes.</summary>
    private static readonly TimeSpan DefaultPersistence = TimeSpan.FromMinutes(6);

    private void BindVirtualServerGroup(ConfStatement block)
    {
        if (BlockName(block) is not { } name)
        {
            return;
        }

        var who = $"({name}) ";
        if (_vsGroups.Exists(g => g.Name == name))
        {
            _d.Error(block.Arguments[0].Location, $"{who}virtual_server_group already defined, ignoring this one");
            return;
        }

        var entries = new List<VirtualServerGroupEntry>();
        foreach (var line in Block(block, who))
        {
            if (line.Name == "fwmark")
            {
                if (Text(line, who) is not null && Fwmark(line.Arguments[0], $"{who}fwmark") is { } mark)
                {
                    entries.Add(new VirtualServerGroupEntry(null, null, null, mark, line.Location));
                }

                continue;
            }

            IPAddress first, last;
            if (!ConfValues.TryParseRange(line.Name, out first, out last))
            {
                if (!ConfValues.TryParseIp(line.Name, out first))
                {
                    _d.Error(line.Location, $"{who}'{line.Name}' is not an address, an address range or fwmark, ignoring it");
                    continue;
                }

                last = first;
            }

            if (line.Arguments.Count == 0)
            {
                _d.Error(line.Location, $"{who}{line.Name} needs a port, ignoring it");
                continue;
            }

            if (Port(line.Arguments[0], $"{who}{line.Name}") is { } port)
            {
                entries.Add(new VirtualServerGroupEntry(first, Equals(first, last) ? null : last, port, null, line.Location));
            }
        }

        _vsGroups.Add(new VirtualServerGroup(name, entries, block.Location));
    }

    private uint? Fwmark(ConfWord word, string what)
    {
        if (ConfValues.TryParseInt(word.Text, out var mark) && mark is > 0 and <= uint.MaxValue)
        {
            return (uint)mark;
        }

        _d.Error(word.Location, $"{what} '{word.Text}' not in 1..{uint.MaxValue}, ignoring it");
        return null;
    }

    private void BindVirtualServer(ConfStatement block)
    {
        IPAddress? address = null;
        int? port = null;
        uint? fwmark = null;
        string? group = null;
        var args = block.Arguments;
        if (args.Count == 0)
        {
            _d.Error(block.Location, "virtual_server needs IP PORT, fwmark N or group NAME, ignoring the block");
            return;
        }

        switch (args[0].Text)
        {
            case "fwmark" when args.Count > 1:
                fwmark = Fwmark(args[1], "virtual_server fwmark");
                break;
            case "group" when args.Count > 1:
                group = args[1].Text;
                break;
            default:
                address = Ip(args[0], "virtual_server");
                port = args.Count > 1 ? Port(args[1], "virtual_server") : null;
                break;
        }

        if (address is null && fwmark is null && group is null)
        {
            return;
        }

        var who = $"({VirtualServer.Describe(address, port, fwmark, group)}) ";
        var vs = new VirtualServer(
            address, port, fwmark, group, TimeSpan.FromSeconds(60), "wlc", [], LvsMethod.Nat, LvsProtocol.Tcp, null, null, null, false, false,
            null, false, false, 1, 0, null, null, null, null, null, null, null, null, null, [], [], block.Location);
        ConfStatement? protocolAt = null, schedAt = null, methodAt = null;
        SorryServer? sorry = null;
        LvsMethod? sorryMethod = null;
        var sorryInhibit = false;
        var unused = new List<ConfStatement>();
        foreach (var st in Block(block, who))
        {
            switch (st.Name)
            {
                case "delay_loop":
                    vs = vs with { DelayLoop = Seconds(st, who, TimeSpan.FromTicks(10), MaxTimer, vs.DelayLoop) };
                    break;
                case "lb_algo" or "lvs_sched":
                    schedAt = st;
                    vs = vs with { LvsSched = Choice(st, who, Schedulers, "wlc") };
                    break;
                case "flag-1" or "flag-2" or "flag-3" or "sh-port" or "sh-fallback" or "mh-port" or "mh-fallback":
                    vs = vs with { SchedulerFlags = [.. vs.SchedulerFlags, st.Name] };
                    break;
                case "lb_kind" or "lvs_method":
                    methodAt = st;
                    vs = vs with { LvsMethod = Method(st, who) ?? vs.LvsMethod };
                    break;
                case "persistence_timeout":
                    vs = vs with
                    {
                        PersistenceTimeout = st.Arguments.Count == 0
                            ? DefaultPersistence
                            : WholeSeconds(st, who, 1, int.MaxValue, DefaultPersistence),
                    };
                    break;
                case "persistence_granularity":
                    vs = vs with { PersistenceGranularity = Ip(st, who) };
                    break;
                case "persistence_engine":
                    vs = vs with { PersistenceEngine = Text(st, who) };
                    break;
                case "protocol":
                    protocolAt = st;
                    vs = vs with { Protocol = Choice(st, who, ["TCP", "UDP", "SCTP"], "TCP") switch { "UDP" => LvsProtocol.Udp, "SCTP" => LvsProtocol.Sctp, _ => LvsProtocol.Tcp } };
                    break;
                case "ha_suspend":
                    vs = vs with { HaSuspend = Flag(st, who) };
                    break;
                case "ops":
                    vs = vs with { Ops = Flag(st, who) };
                    break;
                case "virtualhost":
                    vs = vs with { Virtualhost = Text(st, who) };
                    break;
                case "alpha":
                    vs = vs with { Alpha = Bool(st, who) };
                    break;
                case "omega":
                    vs = vs with { Omega = Bool(st, who) };
                    break;
                case "quorum":
                    vs = vs with { Quorum = Int(st, who, 1, int.MaxValue, 1) };
                    break;
                case "hysteresis":
                    vs = vs with { Hysteresis = Int(st, who, 0, int.MaxValue, 0) };
                    break;
                case "quorum_up":
                    vs = vs with { QuorumUp = Script(st, who) };
                    break;
                case "quorum_down":
                    vs = vs with { QuorumDown = Script(st, who) };
                    break;
                case "sorry_server":
                    sorry = ServerAddress(st, who) is var (ip, p) && ip is not null ? new SorryServer(ip, p, null, false) : sorry;
                    break;
                case "sorry_server_inhibit":
                    sorryInhibit = Bool(st, who);
                    break;
                case "sorry_server_lvs_method":
                    sorryMethod = Method(st, who);
                    break;
                case "smtp_alert":
                    vs = vs with { SmtpAlert = Bool(st, who) };
                    break;
                case "inhibit_on_failure":
                    vs = vs with { InhibitOnFailure = Bool(st, who) };
                    break;
                case "connect_timeout":
                    vs = vs with { ConnectTimeout = OptionalSeconds(st, who, TimeSpan.FromTicks(10), MaxTimer) };
                    break;
                case "retry":
                    vs = vs with { Retry = OptionalInt(st, who, 0, int.MaxValue) };
                    break;
                case "delay_before_retry":
                    vs = vs with { DelayBeforeRetry = OptionalSeconds(st, who, TimeSpan.Zero, MaxTimer) };
                    break;
                case "warmup":
                    vs = vs with { Warmup = OptionalSeconds(st, who, TimeSpan.Zero, MaxTimer) };
                    break;
                case "real_server":
                    if (BindRealServer(st, vs) is { } rs)
                    {
                        vs = vs with { RealServers = [.. vs.RealServers, rs] };
                    }

                    break;
                default:
                    Other(st, Keywords.VirtualServer, unused);
                    break;
            }
        }

        ReportUnused(who, unused);
        if (fwmark is not null && protocolAt is not null)
        {
            _d.Warning(protocolAt.Location, $"{who}protocol is ignored for a fwmark service");
        }
        else if (address is not null && protocolAt is null)
        {
            // keepalived 2.2.7 itself falls back to UDP here; TCP is what such configurations mean.
            _d.Error(block.Location, $"{who}no protocol, using TCP");
        }

        // keepalived -t counts these defaults as configuration errors, so ActorHa does too.
        if (schedAt is null)
        {
            _d.Error(block.Location, $"{who}no lb_algo, using wlc");
        }

        if (methodAt is null)
        {
            _d.Error(block.Location, $"{who}no lb_kind, using NAT");
        }

        if (address is not null && port is null && vs.PersistenceTimeout is null)
        {
            _d.Error(block.Location, $"{who}a virtual_server without a port must be persistent (persistence_timeout), using persistence_timeout 360");
            vs = vs with { PersistenceTimeout = DefaultPersistence };
        }

        vs = vs with
        {
            SorryServer = sorry is null ? null : sorry with { LvsMethod = sorryMethod, Inhibit = sorryInhibit },
            UnusedKeywords = [.. unused.Select(s => s.Name).Distinct(StringComparer.Ordinal)],
        };
        _virtualServers.Add(vs);
    }

    private LvsMethod? Method(ConfStatement st, string who) =>
        Choice(st, who, ["NAT", "DR", "TUN"], "NAT") switch
        {
            "DR" => LvsMethod.Dr,
            "TUN" => LvsMethod.Tun,
            _ => LvsMethod.Nat,
        };

    /// <summary><c>IP [PORT]</c> after real_server and sorry_server.</summary>
    private (IPAddress? Address, int? Port) ServerAddress(ConfStatement st, string who)
    {
        if (st.Arguments.Count == 0)
        {
            _d.Error(st.Location, $"{who}{st.Name} needs IP [PORT], ignoring it");
            return (null, null);
        }

        var address = Ip(st.Arguments[0], $"{who}{st.Name}");
        var port = st.Arguments.Count > 1 ? Port(st.Arguments[1], $"{who}{st.Name}") : null;
        return (address, port);
    }

    private RealServer? BindRealServer(ConfStatement block, VirtualServer vs)
    {
        var vsWho = $"({vs.DisplayName}) ";
        if (ServerAddress(block, vsWho) is not ({ } address, var port))
        {
            return null;
        }

        if (port is null && vs.Port is not null)
        {
            // keepalived uses the virtual server's port for a real server written without one.
            port = vs.Port;
        }

        var who = $"({vs.DisplayName} -> {VirtualServer.Endpoint(address, port)}) ";
        var rs = new RealServer(address, port, 1, null, null, null, null, null, null, null, null, null, null, null, null, null, null, [], block.Location);
        var unused = new List<ConfStatement>();
        foreach (var st in Block(block, who))
        {
            switch (st.Name)
            {
                case "weight":
                    rs = rs with { Weight = Int(st, who, 0, int.MaxValue, 1) };
                    break;
                case "lvs_method" or "lb_kind":
                    rs = rs with { LvsMethod = Method(st, who) };
                    break;
                case "notify_up":
                    rs = rs with { NotifyUp = Script(st, who) };
                    break;
                case "notify_down":
                    rs = rs with { NotifyDown = Script(st, who) };
                    break;
                case "uthreshold":
                    rs = rs with { Uthreshold = OptionalInt(st, who, 0, int.MaxValue) };
                    break;
                case "lthreshold":
                    rs = rs with { Lthreshold = OptionalInt(st, who, 0, int.MaxValue) };
                    break;
                case "smtp_alert":
                    rs = rs with { SmtpAlert = Bool(st, who) };
                    break;
                case "virtualhost":
                    rs = rs with { Virtualhost = Text(st, who) };
                    break;
                case "alpha":
                    rs = rs with { Alpha = Bool(st, who) };
                    break;
                case "inhibit_on_failure":
                    rs = rs with { InhibitOnFailure = Bool(st, who) };
                    break;
                case "connect_timeout":
                    rs = rs with { ConnectTimeout = OptionalSeconds(st, who, TimeSpan.FromTicks(10), MaxTimer) };
                    break;
                case "retry":
                    rs = rs with { Retry = OptionalInt(st, who, 0, int.MaxValue) };
                    break;
                case "delay_before_retry":
                    rs = rs with { DelayBeforeRetry = OptionalSeconds(st, who, TimeSpan.Zero, MaxTimer) };
                    break;
                case "warmup":
                    rs = rs with { Warmup = OptionalSeconds(st, who, TimeSpan.Zero, MaxTimer) };
                    break;
                case "delay_loop":
                    rs = rs with { DelayLoop = OptionalSeconds(st, who, TimeSpan.FromTicks(10), MaxTimer) };
                    break;
                case var kind when CheckerKeywords(kind) is { } keywords:
                    if (BindChecker(st, who, keywords) is { } checker)
                    {
                        rs = rs with { Checkers = [.. rs.Checkers, checker] };
                    }

                    break;
                default:
                    Other(st, Keywords.RealServer, unused);
                    break;
            }
        }

        ReportUnused(who, unused);
        return rs;
    }

    private static (CheckerKind Kind, BlockKeywords Keywords)? CheckerKeywords(string keyword) => keyword switch
    {
        "HTTP_GET" => (CheckerKind.HttpGet, Keywords.HttpGet),
        "SSL_GET" => (CheckerKind.SslGet, Keywords.SslGet),
        "TCP_CHECK" => (CheckerKind.TcpCheck, Keywords.TcpCheck),
        "SMTP_CHECK" => (CheckerKind.SmtpCheck, Keywords.SmtpCheck),
        "DNS_CHECK" => (CheckerKind.DnsCheck, Keywords.DnsCheck),
        "MISC_CHECK" => (CheckerKind.MiscCheck, Keywords.MiscCheck),
        "UDP_CHECK" => (CheckerKind.UdpCheck, Keywords.UdpCheck),
        "PING_CHECK" => (CheckerKind.PingCheck, Keywords.PingCheck),
        "FILE_CHECK" => (CheckerKind.FileCheck, Keywords.FileCheck),
        "BFD_CHECK" => (CheckerKind.BfdCheck, Keywords.BfdCheck),
        _ => null,
    };

    private Checker? BindChecker(ConfStatement block, string rsWho, (CheckerKind Kind, BlockKeywords Keywords) kind)
    {
        var who = $"{rsWho}{block.Name}: ";
        var endpoint = new CheckerEndpoint(null, null, null, null, null, null);
        var c = new Checker(
            kind.Kind, endpoint, null, null, null, null, null, null, null, [], null, null, null, false, null, [], null, null, null, null, false,
            null, null, null, null, null, false, null, block.Location);
        ConfStatement? retryAt = null;
        var unused = new List<ConfStatement>();
        foreach (var st in Block(block, rsWho))
        {
            if (!kind.Keywords.Handled.Contains(st.Name))
            {
                Other(st, kind.Keywords, unused);
                continue;
            }

            if (BindEndpointOption(st, who, c.Endpoint) is { } changed)
            {
                c = c with { Endpoint = changed };
                continue;
            }

            switch (st.Name)
            {
                case "alpha":
                    c = c with { Alpha = Bool(st, who) };
                    break;
                case "connect_timeout":
                    c = c with { ConnectTimeout = OptionalSeconds(st, who, TimeSpan.FromTicks(10), MaxTimer) };
                    break;
                case "retry":
                    retryAt = st;
                    c = c with { Retry = OptionalInt(st, who, 0, int.MaxValue) };
                    break;
                case "nb_get_retry":
                    _d.Warning(st.Location, $"{who}nb_get_retry is deprecated, use retry");
                    c = retryAt is null ? c with { Retry = OptionalInt(st, who, 0, int.MaxValue) } : c;
                    break;
                case "delay_before_retry":
                    c = c with { DelayBeforeRetry = OptionalSeconds(st, who, TimeSpan.Zero, MaxTimer) };
                    break;
                case "warmup":
                    c = c with { Warmup = OptionalSeconds(st, who, TimeSpan.Zero, MaxTimer) };
                    break;
                case "delay_loop":
                    c = c with { DelayLoop = OptionalSeconds(st, who, TimeSpan.FromTicks(10), MaxTimer) };
                    break;
                case "log_all_failures":
                    c = c with { LogAllFailures = Bool(st, who) };
                    break;
                case "url":
                    if (BindUrl(st, who) is { } url)
                    {
                        c = c with { Url = [.. c.Url, url] };
                    }

                    break;
                case "http_protocol":
                    c = c with { HttpProtocol = Choice(st, who, ["1.0", "1.0C", "1.1"], "1.0") };
                    break;
                case "virtualhost":
                    c = c with { Virtualhost = Text(st, who) };
                    break;
                case "fast_recovery":
                    c = c with { FastRecovery = Bool(st, who) };
                    break;
                case "enable_sni":
                    c = c with { EnableSni = Bool(st, who) };
                    break;
                case "helo_name":
                    c = c with { HeloName = Text(st, who) };
                    break;
                case "host":
                    c = c with { Host = [.. c.Host, BindSmtpHost(st, who)] };
                    break;
                case "type":
                    c = c with { Type = Choice(st, who, DnsTypes, "SOA", StringComparison.OrdinalIgnoreCase) };
                    break;
                case "name":
                    c = c with { Name = Text(st, who) };
                    break;
                case "misc_path":
                    c = c with { MiscPath = Script(st, who) };
                    break;
                case "misc_timeout":
                    c = c with { MiscTimeout = OptionalSeconds(st, who, TimeSpan.FromTicks(10), MaxTimer) };
                    break;
                case "misc_dynamic":
                    c = c with { MiscDynamic = Bool(st, who) };
                    break;
                case "user":
                    c = c with { MiscPath = c.MiscPath is null ? null : c.MiscPath with { User = Text(st, who), Group = st.Arguments.Count > 1 ? st.Arguments[1].Text : null } };
                    break;
                case "payload":
                    c = c with { Payload = string.Join(' ', st.Arguments.Select(a => a.Text)) };
                    break;
                case "require_reply":
                    c = c with { RequireReply = string.Join(' ', st.Arguments.Select(a => a.Text)) };
                    break;
                case "min_reply_length":
                    c = c with { MinReplyLength = OptionalInt(st, who, 0, 65535) };
                    break;
                case "max_reply_length":
                    c = c with { MaxReplyLength = OptionalInt(st, who, 0, 65535) };
                    break;
                case "track_file":
                    c = c with { TrackFile = Text(st, who) };
                    break;
                case "dynamic":
                    c = c with { Dynamic = Flag(st, who) };
                    break;
                case "weight":
                    c = c with { Weight = OptionalInt(st, who, -int.MaxValue, int.MaxValue) };
                    break;
            }
        }

        ReportUnused(who, unused);
        if (kind.Kind == CheckerKind.MiscCheck && c.MiscPath is null)
        {
            _d.Error(block.Location, $"{who}misc_path is not set, ignoring the checker");
            return null;
        }

        if (kind.Kind is CheckerKind.HttpGet or CheckerKind.SslGet && c.Url.Count == 0)
        {
            _d.Error(block.Location, $"{who}no url, ignoring the checker");
            return null;
        }

        return c;
    }

    /// <summary>connect_ip, connect_port, bindto, bind_if, bind_port, fwmark; null when the keyword is another.</summary>
    private CheckerEndpoint? BindEndpointOption(ConfStatement st, string who, CheckerEndpoint e) => st.Name switch
    {
        "connect_ip" => e with { ConnectIp = Ip(st, who) },
        "connect_port" => e with { ConnectPort = Text(st, who) is null ? null : Port(st.Arguments[0], $"{who}connect_port") },
        "bindto" => e with { BindTo = Ip(st, who) },
        "bind_if" => e with { BindIf = Text(st, who) },
        "bind_port" => e with { BindPort = Text(st, who) is null ? null : Port(st.Arguments[0], $"{who}bind_port") },
        "fwmark" => e with { Fwmark = Text(st, who) is null ? null : Fwmark(st.Arguments[0], $"{who}fwmark") },
        _ => null,
    };

    /// <summary>SMTP_CHECK's <c>host { connect_ip ... }</c>, the older way to check several addresses.</summary>
    private CheckerEndpoint BindSmtpHost(ConfStatement block, string who)
    {
        var endpoint = new CheckerEndpoint(null, null, null, null, null, null);
        var unused = new List<ConfStatement>();
        foreach (var st in Block(block, who))
        {
            if (BindEndpointOption(st, who, endpoint) is { } changed)
            {
                endpoint = changed;
            }
            else
            {
                Other(st, Keywords.SmtpHost, unused);
            }
        }

        ReportUnused(who, unused);
        return endpoint;
    }

    private HttpUrl? BindUrl(ConfStatement block, string who)
    {
        var url = new HttpUrl("", null, [], null, null, false);
        var unused = new List<ConfStatement>();
        foreach (var st in Block(block, who))
        {
            switch (st.Name)
            {
                case "path":
                    url = url with { Path = Text(st, who) ?? url.Path };
                    break;
                case "digest":
                    url = url with { Digest = Digest(st, who) };
                    break;
                case "status_code":
                    url = url with { StatusCodes = [.. url.StatusCodes, .. StatusCodes(st, who)] };
                    break;
                case "virtualhost":
                    url = url with { Virtualhost = Text(st, who) };
                    break;
                case "regex":
                    url = url with { Regex = Text(st, who) };
                    break;
                case "regex_no_match":
                    url = url with { RegexNoMatch = Flag(st, who) };
                    break;
                default:
                    Other(st, Keywords.Url, unused);
                    break;
            }
        }

        ReportUnused(who, unused);
        if (url.Path.Length == 0)
        {
            _d.Error(block.Location, $"{who}url without path, ignoring it");
            return null;
        }

        // keepalived.conf(5): the default is 200-299.
        return url.StatusCodes.Count == 0 ? url with { StatusCodes = [new StatusCodeRange(200, 299)] } : url;
    }

    /// <summary>The MD5 of the page, as genhash prints it: 32 hex digits.</summary>
    private string? Digest(ConfStatement st, string who)
    {
        var digest = Text(st, who);
        if (digest is null || (digest.Length == 32 && digest.All(char.IsAsciiHexDigit)))
        {
            return digest;
        }

        _d.Error(st.Arguments[0].Location, $"{who}digest '{digest}' is not 32 hex digits (an MD5 from genhash), ignoring it");
        return null;
    }

    /// <summary><c>status_code 200 200-299 ...</c>; codes are 100..599.</summary>
    private IEnumerable<StatusCodeRange> StatusCodes(ConfStatement st, string who)
    {
        foreach (var word in st.Arguments)
        {
            var parts = word.Text.Split('-');
            if (parts.Length <= 2
                && ConfValues.TryParseInt(parts[0], out var from) && from is >= 100 and <= 599
                && (parts.Length == 1 || (ConfValues.TryParseInt(parts[1], out var to) && to >= from && to <= 599)))
            {
                yield return new StatusCodeRange((int)from, parts.Length == 1 ? (int)from : int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                _d.Error(word.Location, $"{who}status_code '{word.Text}' is not a code or range in 100..599, ignoring it");
            }
        }
    }
}
