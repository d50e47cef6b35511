using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ActorHa.Config.Model;
using ActorHa.Node.Io;
using ActorHa.Node.Kernel;
using ActorHa.Protocol.Netlink;
using Akka.Actor;
using Akka.Event;

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
    public sealed record Settings(string? LedgerFile, bool ReleaseOnStop, IReadOnlyList<AddressEntry> StaticAddresses, IReadOnlyList<RouteEntry> StaticRoutes, string DefaultInterface);

    /// <summary>One thing installed: an address or a route, with what is needed to remove it again.</summary>
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
        byte? RouteScope = null);

    private const int EEXIST = 17;
    private const int ENOENT = 2;
    private const int ESRCH = 3;
    private const int EADDRNOTAVAIL = 99;
    private const string StaticOwner = "static";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Settings _settings;
    private readonly List<LedgerEntry> _ledger = [];
    private RouteNetlinkSocket? _netlink;
    private PacketSocket? _packets;
    private long _requests;
    private long _failures;

    public KernelActor(Settings settings)
    {
        _settings = settings;
        Receive<KernelRequests.AddVips>(r => Sender.Tell(new KernelRequests.Done(r.Owner, r, Apply(r.Owner, r.Vips, r.Routes, add: true))));
        Receive<KernelRequests.RemoveVips>(r => Sender.Tell(new KernelRequests.Done(r.Owner, r, Apply(r.Owner, r.Vips, r.Routes, add: false))));
        Receive<KernelRequests.SendFrames>(r => Sender.Tell(new KernelRequests.Done(r.Owner, r, SendFrames(r))));
        Receive<ActorTree.DescribeTree>(_ => ActorTree.Reply(Context, string.Create(
            CultureInfo.InvariantCulture,
            $"{_ledger.Count(e => e.Kind == "address")} address(es), {_ledger.Count(e => e.Kind == "route")} route(s) installed; {_requests} request(s), {_failures} failed")));
    }

    public static Props Props(Settings settings) => Akka.Actor.Props.Create(() => new KernelActor(settings));

    protected override void PreStart()
    {
        _netlink = new RouteNetlinkSocket();
        _packets = new PacketSocket();
        RemoveLeftovers();
        var staticErrors = Apply(
            StaticOwner,
            _settings.StaticAddresses.Select(a => KernelRequests.Vip.From(a, _settings.DefaultInterface)).ToList(),
            _settings.StaticRoutes.Select(r => new KernelRequests.VRoute(r, _settings.DefaultInterface)).ToList(),
            add: true);
        foreach (var error in staticErrors)
        {
            _log.Error("static configuration: {0}", error);
        }
    }

    protected override void PostStop()
    {
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
            _log.Info(
                "removing {0} {1}/{2}{3} left by a previous run ({4}){5}",
                entry.Kind,
                entry.Address,
                entry.PrefixLength,
                entry.Device is null ? "" : " dev " + entry.Device,
                entry.Owner,
                error is null ? "" : ": " + error);
        }

        Persist();
    }

    private List<string> Apply(string owner, IReadOnlyList<KernelRequests.Vip> vips, IReadOnlyList<KernelRequests.VRoute> routes, bool add)
    {
        var errors = new List<string>();
        var entries = vips.Select(v => AddressEntryFor(owner, v)).Concat(routes.Select(r => RouteEntryFor(owner, r))).ToList();
        // Addresses before routes when adding (a route's source or gateway may need the address); the reverse to remove.
        foreach (var entry in add ? entries : Enumerable.Reverse(entries))
        {
            var error = add ? Install(entry) : Remove(entry);
            if (error is not null)
            {
                errors.Add(error);
            }
        }

        Persist();
        return errors;
    }

    private string? Install(LedgerEntry entry)
    {
        var (request, sequence, what) = Build(entry, add: true);
        if (request is null)
        {
            return what;
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
        return $"cannot add {what}: {Libc.ErrorText(errno)}";
    }

    private string? Remove(LedgerEntry entry)
    {
        _ledger.Remove(entry);
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

    private static uint Table(string? table) => table switch
    {
        null or "main" => RtnlMessages.TableMain,
        "local" => 255,
        "default" => 253,
        _ => uint.TryParse(table, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : RtnlMessages.TableMain,
    };

    private List<string> SendFrames(KernelRequests.SendFrames r)
    {
        var ifIndex = (int)Libc.IfNameToIndex(r.Device);
        if (ifIndex == 0)
        {
            return [$"cannot send gratuitous frames: interface {r.Device} doesn't exist"];
        }

        var errors = new List<string>();
        foreach (var frame in r.Frames)
        {
            if (_packets!.Send(ifIndex, frame) is { } error)
            {
                errors.Add($"cannot send gratuitous frame on {r.Device}: {error}");
                break;
            }
        }

        return errors;
    }

    private void Persist()
    {
        if (_settings.LedgerFile is not { } file)
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            var temp = file + ".tmp";
            File.WriteAllText(temp, JsonSerializer.Serialize(_ledger));
            File.Move(temp, file, overwrite: true);
        }
        catch (IOException e)
        {
            _log.Warning("cannot write kernel ledger {0}: {1}", file, e.Message);
        }
    }
}
