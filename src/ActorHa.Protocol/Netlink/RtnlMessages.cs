using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace ActorHa.Protocol.Netlink;

/// <summary>Route types of rtnetlink (rtnetlink(7) rtm_type), as keepalived's virtual_routes name them.</summary>
public enum RtnRouteType : byte
{
    Unicast = 1,
    Blackhole = 6,
    Unreachable = 7,
    Prohibit = 8,
    Throw = 9,
}

/// <summary>An address request: <c>ip addr add|del ADDRESS/LEN [brd B] dev IFINDEX [scope S] [label L]</c>.</summary>
public sealed record RtnlAddress(IPAddress Address, int PrefixLength, int IfIndex, IPAddress? Broadcast = null, byte Scope = 0, string? Label = null, bool NoDad = false);

/// <summary>A route request: <c>ip route add|del [TYPE] DST/LEN [via GW] [dev IFINDEX] [src S] [table T] [metric M]</c>.</summary>
public sealed record RtnlRoute(
    IPAddress Destination,
    int PrefixLength,
    IPAddress? Gateway = null,
    int? IfIndex = null,
    IPAddress? PreferredSource = null,
    uint Table = RtnlMessages.TableMain,
    uint? Metric = null,
    RtnRouteType Type = RtnRouteType.Unicast,
    byte? Scope = null);

/// <summary>
/// rtnetlink requests as bytes (netlink(7), rtnetlink(7)). Netlink headers are in host byte order (little endian
/// on the machines ActorHa runs on); addresses inside attributes are in network order. Pure: no sockets here.
/// </summary>
public static partial class RtnlMessages
{
    public const ushort RtmNewAddr = 20;
    public const ushort RtmDelAddr = 21;
    public const ushort RtmNewRoute = 24;
    public const ushort RtmDelRoute = 25;
    public const ushort NlmsgError = 2;
    public const ushort NlmsgDone = 3;
    public const ushort NlmFRequest = 0x1;
    public const ushort NlmFAck = 0x4;
    public const ushort NlmFExcl = 0x200;
    public const ushort NlmFCreate = 0x400;
    public const uint TableMain = 254;

    /// <summary>rtm_protocol for what ActorHa installs: keepalived's RTPROT_KEEPALIVED, so `ip route` shows "proto keepalived".</summary>
    public const byte ProtocolKeepalived = 18;

    public const byte ScopeUniverse = 0;
    public const byte ScopeLink = 253;
    public const byte ScopeHost = 254;

    private const ushort IfaAddress = 1;
    private const ushort IfaLocal = 2;
    private const ushort IfaLabel = 3;
    private const ushort IfaBroadcast = 4;
    private const ushort IfaFlags = 8;
    private const uint IfaFNoDad = 0x02;
    private const ushort RtaDst = 1;
    private const ushort RtaOif = 4;
    private const ushort RtaGateway = 5;
    private const ushort RtaPriority = 6;
    private const ushort RtaPrefSrc = 7;
    private const ushort RtaTable = 15;

    /// <summary>The scope number for keepalived's scope words (host, link, site, global, nowhere), or null.</summary>
    public static byte? ScopeFromName(string? name) => name switch
    {
        null => null,
        "global" or "universe" => ScopeUniverse,
        "site" => 200,
        "link" => ScopeLink,
        "host" => ScopeHost,
        "nowhere" => 255,
        _ => byte.TryParse(name, out var n) ? n : null,
    };

    public static byte[] Address(bool add, RtnlAddress a, uint sequence)
    {
        ArgumentNullException.ThrowIfNull(a);
        var w = new NetlinkWriter(add ? RtmNewAddr : RtmDelAddr, (ushort)(NlmFRequest | NlmFAck | (add ? NlmFCreate | NlmFExcl : 0)), sequence);
        var family = a.Address.AddressFamily == AddressFamily.InterNetworkV6 ? (byte)10 : (byte)2;
        w.Bytes([family, (byte)a.PrefixLength, 0, a.Scope]);
        w.U32(unchecked((uint)a.IfIndex));
        w.AttrAddress(IfaLocal, a.Address);
        w.AttrAddress(IfaAddress, a.Address);
        if (a.Broadcast is not null && family == 2)
        {
            w.AttrAddress(IfaBroadcast, a.Broadcast);
        }

        if (a.Label is not null && family == 2)
        {
            w.AttrString(IfaLabel, a.Label);
        }

        if (a.NoDad)
        {
            w.AttrU32(IfaFlags, IfaFNoDad);
        }

        return w.Finish();
    }

    public static byte[] Route(bool add, RtnlRoute r, uint sequence)
    {
        ArgumentNullException.ThrowIfNull(r);
        var w = new NetlinkWriter(add ? RtmNewRoute : RtmDelRoute, (ushort)(NlmFRequest | NlmFAck | (add ? NlmFCreate | NlmFExcl : 0)), sequence);
        var family = r.Destination.AddressFamily == AddressFamily.InterNetworkV6 ? (byte)10 : (byte)2;
        // A route with a gateway, or one that is not unicast, reaches beyond the link; a plain device route is link scope.
        var scope = r.Scope ?? (r.Gateway is null && r.Type == RtnRouteType.Unicast && r.IfIndex is not null ? ScopeLink : ScopeUniverse);
        w.Bytes([family, (byte)r.PrefixLength, 0, 0, r.Table < 256 ? (byte)r.Table : (byte)252, ProtocolKeepalived, scope, (byte)r.Type]);
        w.U32(0);
        if (r.PrefixLength > 0)
        {
            w.AttrAddress(RtaDst, r.Destination);
        }

        if (r.Gateway is not null)
        {
            w.AttrAddress(RtaGateway, r.Gateway);
        }

        if (r.IfIndex is { } index)
        {
            w.AttrU32(RtaOif, unchecked((uint)index));
        }

        if (r.PreferredSource is not null)
        {
            w.AttrAddress(RtaPrefSrc, r.PreferredSource);
        }

        if (r.Metric is { } metric)
        {
            w.AttrU32(RtaPriority, metric);
        }

        w.AttrU32(RtaTable, r.Table);
        return w.Finish();
    }

    /// <summary>
    /// Reads the kernel's answer to request <paramref name="sequence"/>: 0 for an ACK, the (positive) errno of an
    /// NLMSG_ERROR, or null when <paramref name="reply"/> holds no answer to that request.
    /// </summary>
    public static int? ReadAck(ReadOnlySpan<byte> reply, uint sequence)
    {
        var offset = 0;
        while (offset + 16 <= reply.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(reply[offset..]);
            if (length < 16 || offset + length > reply.Length)
            {
                return null;
            }

            var type = BinaryPrimitives.ReadUInt16LittleEndian(reply[(offset + 4)..]);
            var seq = BinaryPrimitives.ReadUInt32LittleEndian(reply[(offset + 8)..]);
            if (type == NlmsgError && seq == sequence && length >= 20)
            {
                return -BinaryPrimitives.ReadInt32LittleEndian(reply[(offset + 16)..]);
            }

            offset += (length + 3) & ~3;
        }

        return null;
    }
}
