using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ActorHa.Config.Model;
using ActorHa.Node.Io;
using ActorHa.Node.Kernel;
using ActorHa.Node.Logging;
using ActorHa.Protocol.Netlink;
using Akka.Actor;
using Akka.Event;
using ActorHa.Protocol.Logging;

namespace ActorHa.Node.Actors;

/// <summary>
/// /kernel: the only writer to the kernel. Requests are serialised by the mailbox and each is confirmed by
/// netlink's ACK before <see cref="KernelRequests.Done"/> goes back. Everything installed is kept in a ledger that
/// is written to disk after each change: a graceful stop removes exactly that (unless told to leave VIPs, like
/// keepalived -V), and a node restarted after kill -9 removes what the dead run left before anything is elected.
/// </summary>
internal sealed class KernelActor : ReceiveActor
{
    /// <summary><paramref name="LedgerFile"/> null keeps the ledger in memory only (tests).</summary>
    public sealed record Settings(string? LedgerFile, bool ReleaseOnStop, IReadOnlyList<AddressEntry> StaticAddresses, IReadOnlyList<RouteEntry> StaticRoutes, string DefaultInterface)
    {
        public IReadOnlyList<RuleEntry> StaticRules { get; init; } = [];
    }

    /// <summary>
    /// One thing installed, with what is needed to remove it again: an address, a route, a vmac (Address is its MAC,
    /// <see cref="Link"/> its parent) or a sysctl of a vmac's parent (Address is the /proc/sys path, <see cref="Value"/>
    /// what it held before).
    /// </summary>
    public sealed record LedgerEntry(
        string Owner,
        string Kind,
        string Address,
        int PrefixLength,
        string? Device,
        string? Broadcast = null,
        byte Scope = 0,
        string? Label = null,
        string? Gateway = null,
        string? Source = null,
        uint Table = RtnlMessages.TableMain,
        uint? Metric = null,
        byte RouteType = 1,
        byte? RouteScope = null,
        string? Link = null,
        string? Value = null,
        string? RuleTo = null,
        uint? Preference = null,
        string? Iif = null,
        string? Oif = null,
        uint? FwMark = null,
        uint? FwMask = null,
        byte RuleFamily = 0);

    private const int EEXIST = 17;
    private const int ENOENT = 2;
    private const int ESRCH = 3;
    private const int EADDRNOTAVAIL = 99;
    private const int ENODEV = 19;
    private const string Vmac = "vmac";
    private const string Sysctl = "sysctl";
    private const string Rule = "rule";
    private const string StaticOwner = "static";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Settings _settings;
    private readonly List<LedgerEntry> _ledger = [];
    private RouteNetlinkSocket? _netlink;
    private PacketSocket? _packets;
    private Task _writing = Task.CompletedTask;
    private bool _stopping;
    private Hosting.PreciseScheduler? _loop;
    private readonly Dictionary<string, Prepared> _prepared = [];
    private DirectPath? _path;
    private long _requests;
    private long _failures;

    public KernelActor(Settings settings)
    {
        _settings = settings;
        Receive<KernelRequests.AddVips>(r => Sender.Tell(new KernelRequests.Done(r.Owner, r, Apply(r.Owner, r.Vips, r.Routes, r.Rules, add: true))));
        Receive<KernelRequests.Rehearse>(Rehearse);
        Receive<KernelRequests.RemoveVips>(r => Sender.Tell(new KernelRequests.Done(r.Owner, r, Apply(r.Owner, r.Vips, r.Routes, r.Rules, add: false))));
        Receive<KernelRequests.SendFrames>(r => Sender.Tell(new KernelRequests.Done(r.Owner, r, SendFrames(r))));
        Receive<KernelRequests.OpenPath>(_ =>
        {
            if (_path is not null)
            {
                Sender.Tell(new KernelRequests.PathOpened(_path));
            }
        });
        Receive<KernelRequests.CreateVmac>(r => Sender.Tell(new KernelRequests.Done(r.Owner, r, CreateVmac(r))));
        Receive<KernelRequests.DeleteVmac>(r =>
        {
            foreach (var error in DeleteVmac(r))
            {
                _log.Error("({0}) {1}", r.Owner, error);
            }
        });
        Receive<ActorTree.DescribeTree>(_ => ActorTree.Reply(Context, string.Create(
            CultureInfo.InvariantCulture,
            $"{_ledger.Count(e => e.Kind == "address")} address(es), {_ledger.Count(e => e.Kind == "route")} route(s), {_ledger.Count(e => e.Kind == Vmac)} vmac(s) installed; {_requests} request(s), {_failures} failed")));
    }

    public static Props Props(Settings settings) => Akka.Actor.Props.Create(() => new KernelActor(settings));

    /// <summary>
    /// The takeover's half of /kernel as a call. On the VRRP event loop /kernel and the instances run on one thread,
    /// so a new master can install its VIPs and send its gratuitous ARPs in its own turn, right after its advert,
    /// instead of ending the turn and waiting for /kernel's (0.1-0.3 ms measured, the gap to keepalived's takeover).
    /// /kernel still serialises: a call is refused (the caller sends the request as a message) unless /kernel's
    /// mailbox is empty, so nothing queued earlier is overtaken, and once /kernel is stopping. Answers are the same
    /// <see cref="KernelRequests.Done"/> a message gets. Only valid on the loop's thread, like VrrpSocketActor.SendPath.
    /// </summary>
    public sealed class DirectPath
    {
        private readonly KernelActor _kernel;
        private readonly ICell _cell;

        internal DirectPath(KernelActor kernel, ICell cell)
        {
            _kernel = kernel;
            _cell = cell;
        }

        private bool Ready => !_kernel._stopping && _kernel._loop is { OnLoop: true } && !_cell.HasMessages;

        /// <summary>
        /// Runs an <see cref="KernelRequests.AddVips"/>, <see cref="KernelRequests.RemoveVips"/> or
        /// <see cref="KernelRequests.SendFrames"/> now, if /kernel is idle; null if not (send it as a message).
        /// <paramref name="dry"/>: the same code, nothing sent to the kernel and the ledger unchanged. A takeover's
        /// pre-warm runs it so that the takeover's first pass through this code (cold: 0.1-0.2 ms of first calls
        /// measured) is not the takeover; a dry AddVips also keeps its netlink requests for the real one.
        /// </summary>
        public KernelRequests.Done? TryApply(object request, bool dry = false) => Ready ? request switch
        {
            KernelRequests.AddVips r => new KernelRequests.Done(r.Owner, r, _kernel.Apply(r.Owner, r.Vips, r.Routes, r.Rules, add: true, dry)),
            KernelRequests.RemoveVips r => new KernelRequests.Done(r.Owner, r, _kernel.Apply(r.Owner, r.Vips, r.Routes, r.Rules, add: false, dry)),
            KernelRequests.SendFrames r => new KernelRequests.Done(r.Owner, r, _kernel.SendFrames(r, dry)),
            _ => null,
        } : null;
    }

    protected override void PreStart()
    {
        _loop = Context.System.Scheduler as Hosting.PreciseScheduler;
        if (_loop is { OnLoop: true } && Self is ActorRefWithCell withCell)
        {
            _path = new DirectPath(this, withCell.Underlying);
        }

        _netlink = new RouteNetlinkSocket();
        _packets = new PacketSocket();
        RemoveLeftovers();
        var staticErrors = Apply(
            StaticOwner,
            _settings.StaticAddresses.Select(a => KernelRequests.Vip.From(a, _settings.DefaultInterface)).ToList(),
            _settings.StaticRoutes.Select(r => new KernelRequests.VRoute(r, _settings.DefaultInterface)).ToList(),
            _settings.StaticRules.Select(r => new KernelRequests.VRule(r)).ToList(),
            add: true);
        foreach (var error in staticErrors)
        {
            _log.Error("static configuration: {0}", error);
        }
    }

    protected override void PostStop()
    {
        _stopping = true;
        if (_settings.ReleaseOnStop)
        {
            // Reverse order: routes installed after an address may depend on it.
            foreach (var entry in Enumerable.Reverse(_ledger.ToList()))
            {
                Remove(entry);
            }

            _ledger.Clear();
            Persist();
        }

        if (!_writing.Wait(TimeSpan.FromSeconds(5)))
        {
            _log.Warning("kernel ledger {0} not written within 5 s", _settings.LedgerFile ?? "");
        }

        _netlink?.Dispose();
        _packets?.Dispose();
    }

    private void RemoveLeftovers()
    {
        if (_settings.LedgerFile is not { } file || !File.Exists(file))
        {
            return;
        }

        List<LedgerEntry>? leftovers;
        try
        {
            leftovers = JsonSerializer.Deserialize<List<LedgerEntry>>(File.ReadAllText(file));
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            _log.Warning("ignoring unreadable kernel ledger {0}: {1}", file, e.Message);
            return;
        }

        foreach (var entry in Enumerable.Reverse(leftovers ?? []))
        {
            var error = Remove(entry);
            _log.Info("removing {0} left by a previous run ({1}){2}", Describe(entry), entry.Owner, error is null ? "" : ": " + error);
        }

        Persist();
    }

    private List<string> Apply(string owner, IReadOnlyList<KernelRequests.Vip> vips, IReadOnlyList<KernelRequests.VRoute> routes, IReadOnlyList<KernelRequests.VRule> rules, bool add, bool dry = false)
    {
        var errors = new List<string>();
        var prepared = add ? TakePrepared(owner, vips, routes, rules) : null;
        var entries = prepared?.Entries ?? Entries(owner, vips, routes, rules);
        var built = dry && add ? new byte[]?[entries.Count] : null;
        // Addresses before routes before rules when adding (a route's source or gateway may need the address, a rule
        // points at a route table); the reverse to remove.
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[add ? i : entries.Count - 1 - i];
            var error = add ? Install(entry, prepared?.Requests[i], built, i) : Remove(entry, dry);
            if (error is not null)
            {
                errors.Add(error);
            }
        }

        if (!dry)
        {
            Persist();
        }
        else if (built is not null)
        {
            _prepared[owner] = new Prepared(vips, routes, rules, entries, built);
        }

        return errors;
    }

    private static List<LedgerEntry> Entries(string owner, IReadOnlyList<KernelRequests.Vip> vips, IReadOnlyList<KernelRequests.VRoute> routes, IReadOnlyList<KernelRequests.VRule> rules) =>
        vips.Select(v => AddressEntryFor(owner, v)).Concat(routes.Select(r => RouteEntryFor(owner, r))).Concat(rules.Select(r => RuleEntryFor(owner, r))).ToList();

    /// <summary>
    /// What a <see cref="KernelRequests.Rehearse"/> built for the same lists, if it was built within
    /// <see cref="PreparedFor"/>: the ledger entries and each one's netlink request (its sequence number is set when it
    /// is sent). Building them takes the takeover 0.05-0.1 ms (an if_nametoindex per address, strings, parsing).
    /// </summary>
    private Prepared? TakePrepared(string owner, IReadOnlyList<KernelRequests.Vip> vips, IReadOnlyList<KernelRequests.VRoute> routes, IReadOnlyList<KernelRequests.VRule> rules)
    {
        if (!_prepared.Remove(owner, out var p))
        {
            return null;
        }

        return ReferenceEquals(p.Vips, vips) && ReferenceEquals(p.Routes, routes) && ReferenceEquals(p.Rules, rules)
            && System.Diagnostics.Stopwatch.GetElapsedTime(p.BuiltAt) < PreparedFor ? p : null;
    }

    /// <summary>How long prepared requests stay usable: an interface re-created since would have a new index.</summary>
    private static readonly TimeSpan PreparedFor = TimeSpan.FromMilliseconds(20);

    private sealed class Prepared(IReadOnlyList<KernelRequests.Vip> vips, IReadOnlyList<KernelRequests.VRoute> routes, IReadOnlyList<KernelRequests.VRule> rules, List<LedgerEntry> entries, byte[]?[] requests)
    {
        public IReadOnlyList<KernelRequests.Vip> Vips { get; } = vips;

        public IReadOnlyList<KernelRequests.VRoute> Routes { get; } = routes;

        public IReadOnlyList<KernelRequests.VRule> Rules { get; } = rules;

        public List<LedgerEntry> Entries { get; } = entries;

        /// <summary>Per entry, the request; null where building failed (Install builds it again and reports why).</summary>
        public byte[]?[] Requests { get; } = requests;

        public long BuiltAt { get; } = System.Diagnostics.Stopwatch.GetTimestamp();
    }

    /// <summary>Installs one entry; with <paramref name="dryBuilt"/>, builds its request into it and sends nothing.</summary>
    private string? Install(LedgerEntry entry, byte[]? prepared, byte[]?[]? dryBuilt = null, int index = 0)
    {
        byte[]? request = prepared;
        uint sequence;
        string? what = null;
        if (request is null)
        {
            (request, sequence, what) = Build(entry, add: true);
            if (request is null)
            {
                return what;
            }
        }
        else
        {
            // nlmsghdr: length, type, flags, then the sequence number.
            sequence = _netlink!.NextSequence();
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(request.AsSpan(8), sequence);
        }

        if (dryBuilt is not null)
        {
            dryBuilt[index] = request;
            _ = _ledger.Contains(entry);
            _ = _netlink!.Request(request, sequence, dry: true);
            return null;
        }

        var errno = Send(request, sequence);
        if (errno is 0 or EEXIST)
        {
            if (!_ledger.Contains(entry))
            {
                _ledger.Add(entry);
            }

            return null;
        }

        _failures++;
        return $"cannot add {what ?? Build(entry, add: true).What}: {Libc.ErrorText(errno)}";
    }

    private string? Remove(LedgerEntry entry, bool dry = false)
    {
        if (dry)
        {
            _ = _ledger.Contains(entry);
            _ = Build(entry, add: false);
            return null;
        }

        _ledger.Remove(entry);
        switch (entry.Kind)
        {
            case Vmac:
                return RemoveLink(entry.Device!);
            case Sysctl:
                return WriteSysctl(entry.Address, entry.Value!);
        }

        var (request, sequence, what) = Build(entry, add: false);
        if (request is null)
        {
            return null;
        }

        var errno = Send(request, sequence);
        if (errno is 0 or ENOENT or ESRCH or EADDRNOTAVAIL)
        {
            return null;
        }

        _failures++;
        return $"cannot remove {what}: {Libc.ErrorText(errno)}";
    }

    private int Send(byte[] request, uint sequence)
    {
        _requests++;
        return _netlink!.Request(request, sequence);
    }

    private (byte[]? Request, uint Sequence, string What) Build(LedgerEntry e, bool add)
    {
        if (e.Kind == Rule)
        {
            var ruleSequence = _netlink!.NextSequence();
            return (RtnlMessages.Rule(add, RuleFor(e), ruleSequence), ruleSequence, RuleText(e));
        }

        var ifIndex = e.Device is null ? 0 : (int)Libc.IfNameToIndex(e.Device);
        var what = e.Kind == "address" ? $"{e.Address}/{e.PrefixLength} dev {e.Device}" : $"route {e.Address}/{e.PrefixLength}{(e.Device is null ? "" : " dev " + e.Device)}";
        if (e.Device is not null && ifIndex == 0)
        {
            return (null, 0, $"cannot {(add ? "add" : "remove")} {what}: interface {e.Device} doesn't exist");
        }

        var sequence = _netlink!.NextSequence();
        var address = IPAddress.Parse(e.Address);
        if (e.Kind == "address")
        {
            return (RtnlMessages.Address(add, new RtnlAddress(
                address,
                e.PrefixLength,
                ifIndex,
                e.Broadcast is null ? null : IPAddress.Parse(e.Broadcast),
                e.Scope,
                e.Label,
                NoDad: address.AddressFamily == AddressFamily.InterNetworkV6), sequence), sequence, what);
        }

        return (RtnlMessages.Route(add, new RtnlRoute(
            address,
            e.PrefixLength,
            e.Gateway is null ? null : IPAddress.Parse(e.Gateway),
            ifIndex == 0 ? null : ifIndex,
            e.Source is null ? null : IPAddress.Parse(e.Source),
            e.Table,
            e.Metric,
            (RtnRouteType)e.RouteType,
            e.RouteScope), sequence), sequence, what);
    }

    private static LedgerEntry AddressEntryFor(string owner, KernelRequests.Vip v) =>
        new(
            owner,
            "address",
            v.Address.Address.ToString(),
            v.Address.PrefixLength,
            v.Device,
            v.Broadcast?.ToString(),
            RtnlMessages.ScopeFromName(v.Scope) ?? RtnlMessages.ScopeUniverse,
            v.Label);

    private static LedgerEntry RouteEntryFor(string owner, KernelRequests.VRoute vr)
    {
        var r = vr.Route;
        var type = r.Type switch
        {
            RouteType.Blackhole => RtnRouteType.Blackhole,
            RouteType.Unreachable => RtnRouteType.Unreachable,
            RouteType.Prohibit => RtnRouteType.Prohibit,
            RouteType.Throw => RtnRouteType.Throw,
            _ => RtnRouteType.Unicast,
        };
        // A gateway route without dev lets the kernel pick the interface; only unicast routes name a device.
        var device = type == RtnRouteType.Unicast ? r.Device ?? (r.Via.Count == 0 ? vr.DefaultDevice : null) : null;
        return new LedgerEntry(
            owner,
            "route",
            r.Destination.Address.ToString(),
            r.Destination.PrefixLength,
            device,
            Gateway: r.Via.Count > 0 ? r.Via[0].ToString() : null,
            Source: r.Source?.ToString(),
            Table: Table(r.Table),
            Metric: r.Metric is { } m ? (uint)m : null,
            RouteType: (byte)type,
            RouteScope: RtnlMessages.ScopeFromName(r.Scope));
    }

    private static LedgerEntry RuleEntryFor(string owner, KernelRequests.VRule vr)
    {
        var r = vr.Rule;
        var family = RtnlMessages.RuleFamily(r.From?.Address, r.To?.Address);
        uint? mark = null, mask = null;
        if (r.FwMark is { } fw)
        {
            var parts = fw.Split('/');
            mark = ParseNumber(parts[0]);
            mask = parts.Length > 1 ? ParseNumber(parts[1]) : null;
        }

        return new LedgerEntry(
            owner,
            Rule,
            r.From?.Address.ToString() ?? (family == 10 ? "::" : "0.0.0.0"),
            r.From?.PrefixLength ?? 0,
            null,
            Table: Table(r.Table),
            RuleTo: r.To?.ToString(),
            Preference: r.Preference is { } p ? (uint)p : null,
            Iif: r.Iif,
            Oif: r.Oif,
            FwMark: mark,
            FwMask: mask,
            RuleFamily: family);
    }

    private static RtnlRule RuleFor(LedgerEntry e)
    {
        IPAddress? to = null;
        var toLength = 0;
        if (e.RuleTo is { } dst)
        {
            var slash = dst.IndexOf('/', StringComparison.Ordinal);
            to = IPAddress.Parse(slash < 0 ? dst : dst[..slash]);
            toLength = slash < 0 ? (to.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32) : int.Parse(dst[(slash + 1)..], CultureInfo.InvariantCulture);
        }

        var from = e.PrefixLength == 0 && e.Address is "0.0.0.0" or "::" ? null : IPAddress.Parse(e.Address);
        return new RtnlRule(e.RuleFamily, from, e.PrefixLength, to, toLength, e.Table, e.Preference, e.Iif, e.Oif, e.FwMark, e.FwMask);
    }

    private static string RuleText(LedgerEntry e) =>
        $"rule{(e.PrefixLength == 0 && e.Address is "0.0.0.0" or "::" ? "" : $" from {e.Address}/{e.PrefixLength}")}{(e.RuleTo is null ? "" : $" to {e.RuleTo}")}"
        + $"{(e.Iif is null ? "" : $" iif {e.Iif}")}{(e.Oif is null ? "" : $" oif {e.Oif}")}{(e.FwMark is null ? "" : $" fwmark {e.FwMark}")}"
        + $"{(e.Preference is null ? "" : $" preference {e.Preference}")} table {e.Table}";

    private static uint? ParseNumber(string text) =>
        text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? uint.TryParse(text[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex) ? hex : null
            : uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static uint Table(string? table) => table switch
    {
        null or "main" => RtnlMessages.TableMain,
        "local" => 255,
        "default" => 253,
        _ => uint.TryParse(table, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : RtnlMessages.TableMain,
    };

    private List<string> SendFrames(KernelRequests.SendFrames r, bool dry = false)
    {
        // if_nametoindex(3) opens a socket for one ioctl: 0.05 ms of a takeover's, whose frames carry the index.
        var ifIndex = r.IfIndex != 0 ? r.IfIndex : (int)Libc.IfNameToIndex(r.Device);
        if (ifIndex == 0)
        {
            return [$"cannot send gratuitous frames: interface {r.Device} doesn't exist"];
        }

        var errors = new List<string>();
        foreach (var frame in r.Frames)
        {
            if (_packets!.Send(ifIndex, frame, dry) is { } error)
            {
                errors.Add($"cannot send gratuitous frame on {r.Device}: {error}");
                break;
            }
        }

        return errors;
    }

    /// <summary>
    /// Saves the ledger (temp file, then rename) off the event loop: the loop also runs every instance's timers, and
    /// a file write takes milliseconds. Writes are chained, so they land in order; PostStop waits for the last one.
    /// On the loop even the snapshot waits until the loop has run what is queued (a takeover's gratuitous ARPs follow
    /// its VIPs by direct call, and the copy need not sit between them), and every edit made until then joins the same
    /// write: 200 instances taking over in one loop run write the ledger once, not 200 times.
    /// </summary>
    private void Persist()
    {
        if (_settings.LedgerFile is not { } file)
        {
            return;
        }

        if (!_stopping && _loop is { OnLoop: true } loop)
        {
            if (!_persistQueued)
            {
                _persistQueued = true;
                loop.Post(new Deferred(() =>
                {
                    _persistQueued = false;
                    if (!_stopping)
                    {
                        // Once stopping, PostStop has written the final ledger and waited for it.
                        Write(file, _ledger.ToArray());
                    }
                }));
            }

            return;
        }

        Write(file, _ledger.ToArray());
    }

    private bool _persistQueued;

    private void Write(string file, LedgerEntry[] snapshot)
    {
        var log = _log;
        _writing = _writing.ContinueWith(_ => WriteLedger(file, snapshot, log), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private sealed class Deferred(Action action) : Akka.Dispatch.IRunnable
    {
        public void Run() => action();

        public void Execute() => action();
    }

    private static void WriteLedger(string file, LedgerEntry[] snapshot, ILoggingAdapter log)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            var temp = file + ".tmp";
            File.WriteAllText(temp, JsonSerializer.Serialize(snapshot));
            File.Move(temp, file, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warning("cannot write kernel ledger {0}: {1}", file, e.Message);
        }
    }

    /// <summary>The takeover's kernel work without its effects (a dry <see cref="Apply"/>): requests built and kept, none sent.</summary>
    private void Rehearse(KernelRequests.Rehearse r)
    {
        _ = Apply(r.Owner, r.Vips, r.Routes, r.Rules, add: true, dry: true);
        _ = Apply(r.Owner, r.Vips, r.Routes, r.Rules, add: false, dry: true);
        _ = JsonSerializer.Serialize(_ledger);
    }

    private List<string> CreateVmac(KernelRequests.CreateVmac r)
    {
        var mac = r.Mac.ToString();
        // An instance restarted by its supervisor asks again for what it already has.
        if (_ledger.Any(e => e.Kind == Vmac && e.Device == r.Name && e.Link == r.Parent && e.Address == mac) && Libc.IfNameToIndex(r.Name) != 0)
        {
            return SetUp(r.Name);
        }

        var parent = (int)Libc.IfNameToIndex(r.Parent);
        if (parent == 0)
        {
            return [$"cannot create vmac {r.Name}: interface {r.Parent} doesn't exist"];
        }

        var sequence = _netlink!.NextSequence();
        var errno = Send(RtnlMessages.NewMacvlan(new RtnlMacvlan(r.Name, parent, r.Mac.GetAddressBytes()), sequence), sequence);
        if (errno != 0)
        {
            _failures++;
            return [$"cannot create vmac {r.Name} on {r.Parent}: {Libc.ErrorText(errno)}"];
        }

        _log.Info("{0}", KeepalivedLog.VmacCreated(r.Owner, r.Name));
        _ledger.RemoveAll(e => e.Kind == Vmac && e.Device == r.Name);
        _ledger.Add(new LedgerEntry(r.Owner, Vmac, mac, 0, r.Name, Link: r.Parent));
        Persist();
        var errors = new List<string>();
        // The macvlan answers ARP only for its own addresses (the VIPs) and takes adverts sourced from this host's
        // own address; the parent stops answering for addresses it does not hold, so clients learn the virtual MAC.
        // This is what keepalived sets; the parent's old values go back when the last vmac on it is removed.
        foreach (var (key, value) in new[] { ("arp_ignore", "1"), ("accept_local", "1"), ("rp_filter", "0") })
        {
            AddError(errors, WriteSysctl($"/proc/sys/net/ipv4/conf/{r.Name}/{key}", value));
        }

        foreach (var key in new[] { "arp_ignore", "arp_filter" })
        {
            AddError(errors, SetParentSysctl(r.Owner, r.Parent, key, "1"));
        }

        if (!r.IPv6)
        {
            // No link-local address: a backup's vmac would otherwise speak (DAD, MLD) from the virtual MAC and
            // pull the switch's forwarding entry for it away from the master.
            AddError(errors, WriteSysctl($"/proc/sys/net/ipv6/conf/{r.Name}/addr_gen_mode", "1"));
        }

        errors.AddRange(SetUp(r.Name));
        return errors;
    }

    private List<string> SetUp(string name)
    {
        var index = (int)Libc.IfNameToIndex(name);
        var sequence = _netlink!.NextSequence();
        var errno = index == 0 ? ENODEV : Send(RtnlMessages.SetLinkUp(index, up: true, sequence), sequence);
        if (errno == 0)
        {
            return [];
        }

        _failures++;
        return [$"cannot set {name} up: {Libc.ErrorText(errno)}"];
    }

    private List<string> DeleteVmac(KernelRequests.DeleteVmac r)
    {
        var entry = _ledger.FirstOrDefault(e => e.Kind == Vmac && e.Device == r.Name && e.Owner == r.Owner);
        if (entry is null)
        {
            return [];
        }

        var errors = new List<string>();
        if (Remove(entry) is { } error)
        {
            errors.Add(error);
        }
        else
        {
            _log.Info("{0}", KeepalivedLog.VmacRemoved(r.Owner, r.Name));
        }

        if (!_ledger.Any(e => e.Kind == Vmac && e.Link == entry.Link))
        {
            foreach (var saved in _ledger.Where(e => e.Kind == Sysctl && e.Device == entry.Link).ToList())
            {
                AddError(errors, Remove(saved));
            }
        }

        Persist();
        return errors;
    }

    /// <summary>Sets a sysctl of a vmac's parent, first recording the value it had (once, for the first vmac on it).</summary>
    private string? SetParentSysctl(string owner, string parent, string key, string value)
    {
        var path = $"/proc/sys/net/ipv4/conf/{parent}/{key}";
        if (!_ledger.Any(e => e.Kind == Sysctl && e.Address == path))
        {
            string old;
            try
            {
                old = File.ReadAllText(path).Trim();
            }
            catch (IOException e)
            {
                return $"cannot read {path}: {e.Message}";
            }

            _ledger.Add(new LedgerEntry(owner, Sysctl, path, 0, parent, Value: old));
            Persist();
        }

        return WriteSysctl(path, value);
    }

    /// <summary>
    /// Writes a sysctl through /proc/sys, which shows the network namespace of the process that opens it: the
    /// node's own namespace, never another.
    /// </summary>
    private string? WriteSysctl(string path, string value)
    {
        try
        {
            File.WriteAllText(path, value);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _failures++;
            return $"cannot write {value} to {path}: {e.Message}";
        }
    }

    private string? RemoveLink(string name)
    {
        var index = (int)Libc.IfNameToIndex(name);
        if (index == 0)
        {
            return null;
        }

        var sequence = _netlink!.NextSequence();
        var errno = Send(RtnlMessages.DeleteLink(index, sequence), sequence);
        if (errno is 0 or ENODEV)
        {
            return null;
        }

        _failures++;
        return $"cannot remove vmac {name}: {Libc.ErrorText(errno)}";
    }

    private static string Describe(LedgerEntry e) => e.Kind switch
    {
        Vmac => $"vmac {e.Device} on {e.Link}",
        Sysctl => $"sysctl {e.Address} (back to {e.Value})",
        _ => $"{e.Kind} {e.Address}/{e.PrefixLength}{(e.Device is null ? "" : " dev " + e.Device)}",
    };

    private static void AddError(List<string> errors, string? error)
    {
        if (error is not null)
        {
            errors.Add(error);
        }
    }
}
