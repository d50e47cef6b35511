using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorHa.Protocol.Netlink;

/// <summary>IPVS forwarding methods (IP_VS_CONN_F_MASQ / _TUNNEL / _DROUTE in include/uapi/linux/ip_vs.h).</summary>
public enum IpvsForward : uint
{
    /// <summary>NAT (lb_kind NAT; ipvsadm -m).</summary>
    Masquerade = 0,

    /// <summary>IP-in-IP tunnel (lb_kind TUN; ipvsadm -i).</summary>
    Tunnel = 2,

    /// <summary>Direct routing (lb_kind DR; ipvsadm -g).</summary>
    DirectRoute = 3,
}

/// <summary>
/// A virtual service as IPVS keys it: family with protocol, address and port, or family with a firewall mark.
/// </summary>
public sealed record IpvsServiceKey(AddressFamily Family, byte Protocol, IPAddress? Address, ushort Port, uint Fwmark)
{
    public const byte Tcp = 6;
    public const byte Udp = 17;
    public const byte Sctp = 132;

    public static IpvsServiceKey Of(byte protocol, IPAddress address, ushort port) => new(address.AddressFamily, protocol, address, port, 0);

    public static IpvsServiceKey OfFwmark(AddressFamily family, uint fwmark) => new(family, 0, null, 0, fwmark);

    /// <summary>As ipvsadm -Ln prints it: <c>TCP  192.0.2.1:80</c>, <c>FWM  1</c>.</summary>
    public override string ToString() =>
        Fwmark != 0 ? $"FWM  {Fwmark}{(Family == AddressFamily.InterNetworkV6 ? " IPv6" : "")}"
        : $"{Protocol switch { Tcp => "TCP", Udp => "UDP", Sctp => "SCTP", _ => Protocol.ToString(System.Globalization.CultureInfo.InvariantCulture) }}  {IpvsMessages.Endpoint(Address!, Port)}";
}

/// <summary>
/// A virtual service's settings: scheduler, flags (IP_VS_SVC_F_*), persistence timeout in seconds and persistence
/// granularity (an IPv4 netmask, or an IPv6 prefix length, as the kernel keeps them).
/// </summary>
public sealed record IpvsService(IpvsServiceKey Key, string Scheduler, uint Flags, uint Timeout, uint Netmask)
{
    /// <summary>The netmask the kernel expects when no persistence_granularity is set: /32, or /128 for IPv6.</summary>
    public static uint DefaultNetmask(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? 128u : 0xFFFFFFFFu;
}

/// <summary>A destination (real server) of a service; the connection counters are filled only when read back.</summary>
public sealed record IpvsDestination(
    IPAddress Address,
    ushort Port,
    IpvsForward Forward,
    int Weight,
    uint UpperThreshold = 0,
    uint LowerThreshold = 0,
    uint ActiveConnections = 0,
    uint InactiveConnections = 0)
{
    public override string ToString() => $"{IpvsMessages.Endpoint(Address, Port)} {Forward} weight {Weight}";
}

/// <summary>
/// The "IPVS" generic-netlink family's requests and replies as bytes (include/uapi/linux/ip_vs.h). Layout: a
/// netlink header, the genl header (cmd, version 1, reserved), then IPVS_CMD_ATTR_SERVICE and IPVS_CMD_ATTR_DEST
/// nested attributes. Netlink lengths and types and most values are host order (little endian here); ports, and
/// the IPv4 netmask, are network order, as the kernel keeps them. Pure: no sockets here.
/// </summary>
public static class IpvsMessages
{
    /// <summary>IPVS_GENL_NAME.</summary>
    public const string FamilyName = "IPVS";

    /// <summary>IPVS_GENL_VERSION.</summary>
    public const byte Version = 1;

    public const byte CmdNewService = 1;
    public const byte CmdSetService = 2;
    public const byte CmdDelService = 3;
    public const byte CmdGetService = 4;
    public const byte CmdNewDest = 5;
    public const byte CmdSetDest = 6;
    public const byte CmdDelDest = 7;
    public const byte CmdGetDest = 8;

    /// <summary>IP_VS_SVC_F_PERSISTENT.</summary>
    public const uint FlagPersistent = 0x0001;

    /// <summary>IP_VS_SVC_F_HASHED: set by the kernel on every service it holds.</summary>
    public const uint FlagHashed = 0x0002;

    /// <summary>IP_VS_SVC_F_ONEPACKET (keepalived's <c>ops</c>).</summary>
    public const uint FlagOnePacket = 0x0004;

    /// <summary>IP_VS_SVC_F_SCHED1..3: scheduler flags (sh-fallback, sh-port; mh-fallback, mh-port).</summary>
    public const uint FlagSched1 = 0x0008;
    public const uint FlagSched2 = 0x0010;
    public const uint FlagSched3 = 0x0020;

    public const ushort NlmFDump = 0x300;
    public const ushort NlmFMulti = 0x2;

    private const ushort CmdAttrService = 1;
    private const ushort CmdAttrDest = 2;

    private const ushort SvcAttrAf = 1;
    private const ushort SvcAttrProtocol = 2;
    private const ushort SvcAttrAddr = 3;
    private const ushort SvcAttrPort = 4;
    private const ushort SvcAttrFwmark = 5;
    private const ushort SvcAttrSchedName = 6;
    private const ushort SvcAttrFlags = 7;
    private const ushort SvcAttrTimeout = 8;
    private const ushort SvcAttrNetmask = 9;

    private const ushort DestAttrAddr = 1;
    private const ushort DestAttrPort = 2;
    private const ushort DestAttrFwdMethod = 3;
    private const ushort DestAttrWeight = 4;
    private const ushort DestAttrUThresh = 5;
    private const ushort DestAttrLThresh = 6;
    private const ushort DestAttrActiveConns = 7;
    private const ushort DestAttrInactConns = 8;
    private const ushort DestAttrAddrFamily = 11;

    private const ushort CtrlAttrFamilyId = 1;

    /// <summary>IP_VS_CONN_F_FWD_MASK: the forwarding method's bits of IPVS_DEST_ATTR_FWD_METHOD.</summary>
    private const uint ForwardMask = 0x7;

    /// <summary>NLA_F_NESTED | NLA_F_NET_BYTEORDER: flag bits in an attribute's type.</summary>
    private const ushort AttrTypeMask = 0x3FFF;

    private const int NlmsgHeader = 16;
    private const int GenlHeader = 4;

    /// <summary>IPVS_CMD_NEW_SERVICE (add) or IPVS_CMD_SET_SERVICE (edit) with every setting of <paramref name="s"/>.</summary>
    public static byte[] Service(bool add, IpvsService s, ushort family, uint sequence)
    {
        ArgumentNullException.ThrowIfNull(s);
        var w = Begin(family, add ? CmdNewService : CmdSetService, NlmFAckRequest, sequence);
        var nest = w.BeginNest(CmdAttrService, flagged: true);
        WriteKey(w, s.Key);
        w.AttrString(SvcAttrSchedName, s.Scheduler);

        // struct ip_vs_flags { __u32 flags; __u32 mask; }: the mask says which flags this request sets.
        Span<byte> flags = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(flags, s.Flags);
        BinaryPrimitives.WriteUInt32LittleEndian(flags[4..], 0xFFFFFFFF);
        w.AttrBytes(SvcAttrFlags, flags);
        w.AttrU32(SvcAttrTimeout, s.Timeout);
        w.AttrU32(SvcAttrNetmask, s.Netmask);
        w.EndNest(nest);
        return w.Finish();
    }

    /// <summary>IPVS_CMD_DEL_SERVICE: the service and all its destinations.</summary>
    public static byte[] DeleteService(IpvsServiceKey key, ushort family, uint sequence)
    {
        ArgumentNullException.ThrowIfNull(key);
        var w = Begin(family, CmdDelService, NlmFAckRequest, sequence);
        var nest = w.BeginNest(CmdAttrService, flagged: true);
        WriteKey(w, key);
        w.EndNest(nest);
        return w.Finish();
    }

    /// <summary>IPVS_CMD_NEW_DEST (add) or IPVS_CMD_SET_DEST (edit weight, method, thresholds) in service <paramref name="key"/>.</summary>
    public static byte[] Destination(bool add, IpvsServiceKey key, IpvsDestination d, ushort family, uint sequence)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(d);
        var w = Begin(family, add ? CmdNewDest : CmdSetDest, NlmFAckRequest, sequence);
        var service = w.BeginNest(CmdAttrService, flagged: true);
        WriteKey(w, key);
        w.EndNest(service);
        var dest = w.BeginNest(CmdAttrDest, flagged: true);
        WriteDestinationKey(w, d.Address, d.Port);
        w.AttrU32(DestAttrFwdMethod, (uint)d.Forward);
        w.AttrU32(DestAttrWeight, unchecked((uint)d.Weight));
        w.AttrU32(DestAttrUThresh, d.UpperThreshold);
        w.AttrU32(DestAttrLThresh, d.LowerThreshold);
        w.EndNest(dest);
        return w.Finish();
    }

    /// <summary>IPVS_CMD_DEL_DEST: destination <paramref name="address"/>:<paramref name="port"/> of service <paramref name="key"/>.</summary>
    public static byte[] DeleteDestination(IpvsServiceKey key, IPAddress address, ushort port, ushort family, uint sequence)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(address);
        var w = Begin(family, CmdDelDest, NlmFAckRequest, sequence);
        var service = w.BeginNest(CmdAttrService, flagged: true);
        WriteKey(w, key);
        w.EndNest(service);
        var dest = w.BeginNest(CmdAttrDest, flagged: true);
        WriteDestinationKey(w, address, port);
        w.EndNest(dest);
        return w.Finish();
    }

    /// <summary>IPVS_CMD_GET_SERVICE as a dump: every service in the kernel, one IPVS_CMD_NEW_SERVICE message each.</summary>
    public static byte[] DumpServices(ushort family, uint sequence) =>
        Begin(family, CmdGetService, (ushort)(RtnlMessages.NlmFRequest | NlmFDump), sequence).Finish();

    /// <summary>IPVS_CMD_GET_DEST as a dump: the destinations of service <paramref name="key"/>.</summary>
    public static byte[] DumpDestinations(IpvsServiceKey key, ushort family, uint sequence)
    {
        ArgumentNullException.ThrowIfNull(key);
        var w = Begin(family, CmdGetDest, (ushort)(RtnlMessages.NlmFRequest | NlmFDump), sequence);
        var nest = w.BeginNest(CmdAttrService, flagged: true);
        WriteKey(w, key);
        w.EndNest(nest);
        return w.Finish();
    }

    /// <summary>
    /// Splits a datagram of netlink messages into (type, flags, sequence, payload after the netlink header);
    /// stops at the first malformed length.
    /// </summary>
    public static IEnumerable<(ushort Type, ushort Flags, uint Sequence, byte[] Payload)> Split(byte[] datagram, int length)
    {
        ArgumentNullException.ThrowIfNull(datagram);
        var offset = 0;
        while (offset + NlmsgHeader <= length)
        {
            var size = (int)BinaryPrimitives.ReadUInt32LittleEndian(datagram.AsSpan(offset));
            if (size < NlmsgHeader || offset + size > length)
            {
                yield break;
            }

            yield return (
                BinaryPrimitives.ReadUInt16LittleEndian(datagram.AsSpan(offset + 4)),
                BinaryPrimitives.ReadUInt16LittleEndian(datagram.AsSpan(offset + 6)),
                BinaryPrimitives.ReadUInt32LittleEndian(datagram.AsSpan(offset + 8)),
                datagram.AsSpan(offset + NlmsgHeader, size - NlmsgHeader).ToArray());
            offset += (size + 3) & ~3;
        }
    }

    /// <summary>The family id in a CTRL_CMD_NEWFAMILY reply's payload (genl header, then CTRL_ATTR_FAMILY_ID).</summary>
    public static bool TryParseFamilyId(ReadOnlySpan<byte> payload, out ushort familyId, out string error)
    {
        familyId = 0;
        if (payload.Length < GenlHeader)
        {
            error = "reply shorter than a genl header";
            return false;
        }

        foreach (var (type, value) in Attributes(payload[GenlHeader..]))
        {
            if (type == CtrlAttrFamilyId && value.Length >= 2)
            {
                familyId = BinaryPrimitives.ReadUInt16LittleEndian(value);
                error = "";
                return true;
            }
        }

        error = "reply without CTRL_ATTR_FAMILY_ID";
        return false;
    }

    /// <summary>An IPVS_CMD_NEW_SERVICE message's payload (a dump reply) as a service.</summary>
    public static bool TryParseService(ReadOnlySpan<byte> payload, out IpvsService? service, out string error)
    {
        service = null;
        if (!TryNested(payload, CmdAttrService, out var nest, out error))
        {
            return false;
        }

        AddressFamily? family = null;
        byte protocol = 0;
        byte[]? address = null;
        ushort port = 0;
        uint fwmark = 0, flags = 0, timeout = 0, netmask = 0;
        string? scheduler = null;
        foreach (var (type, value) in Attributes(nest))
        {
            switch (type)
            {
                case SvcAttrAf when value.Length >= 2:
                    family = FamilyOf(BinaryPrimitives.ReadUInt16LittleEndian(value));
                    break;
                case SvcAttrProtocol when value.Length >= 2:
                    protocol = (byte)BinaryPrimitives.ReadUInt16LittleEndian(value);
                    break;
                case SvcAttrAddr:
                    address = value.ToArray();
                    break;
                case SvcAttrPort when value.Length >= 2:
                    port = BinaryPrimitives.ReadUInt16BigEndian(value);
                    break;
                case SvcAttrFwmark when value.Length >= 4:
                    fwmark = BinaryPrimitives.ReadUInt32LittleEndian(value);
                    break;
                case SvcAttrSchedName:
                    scheduler = Encoding.ASCII.GetString(value).TrimEnd('\0');
                    break;
                case SvcAttrFlags when value.Length >= 4:
                    flags = BinaryPrimitives.ReadUInt32LittleEndian(value);
                    break;
                case SvcAttrTimeout when value.Length >= 4:
                    timeout = BinaryPrimitives.ReadUInt32LittleEndian(value);
                    break;
                case SvcAttrNetmask when value.Length >= 4:
                    netmask = BinaryPrimitives.ReadUInt32LittleEndian(value);
                    break;
            }
        }

        if (family is not { } af)
        {
            error = "service without IPVS_SVC_ATTR_AF";
            return false;
        }

        IpvsServiceKey key;
        if (fwmark != 0)
        {
            key = IpvsServiceKey.OfFwmark(af, fwmark);
        }
        else if (address is null || !TryAddress(af, address, out var ip))
        {
            error = "service without a valid IPVS_SVC_ATTR_ADDR";
            return false;
        }
        else
        {
            key = IpvsServiceKey.Of(protocol, ip, port);
        }

        service = new IpvsService(key, scheduler ?? "", flags, timeout, netmask);
        error = "";
        return true;
    }

    /// <summary>An IPVS_CMD_NEW_DEST message's payload (a dump reply) as a destination of a service of family <paramref name="serviceFamily"/>.</summary>
    public static bool TryParseDestination(ReadOnlySpan<byte> payload, AddressFamily serviceFamily, out IpvsDestination? destination, out string error)
    {
        destination = null;
        if (!TryNested(payload, CmdAttrDest, out var nest, out error))
        {
            return false;
        }

        // A destination has its own family since Linux 3.18 (IPv4 real servers behind an IPv6 fwmark service).
        var family = serviceFamily;
        byte[]? address = null;
        ushort port = 0;
        uint forward = 0, weight = 0, upper = 0, lower = 0, active = 0, inactive = 0;
        foreach (var (type, value) in Attributes(nest))
        {
            switch (type)
            {
                case DestAttrAddr:
                    address = value.ToArray();
                    break;
                case DestAttrPort when value.Length >= 2:
                    port = BinaryPrimitives.ReadUInt16BigEndian(value);
                    break;
                case DestAttrFwdMethod when value.Length >= 4:
                    forward = BinaryPrimitives.ReadUInt32LittleEndian(value) & ForwardMask;
                    break;
                case DestAttrWeight when value.Length >= 4:
                    weight = BinaryPrimitives.ReadUInt32LittleEndian(value);
                    break;
                case DestAttrUThresh when value.Length >= 4:
                    upper = BinaryPrimitives.ReadUInt32LittleEndian(value);
                    break;
                case DestAttrLThresh when value.Length >= 4:
                    lower = BinaryPrimitives.ReadUInt32LittleEndian(value);
                    break;
                case DestAttrActiveConns when value.Length >= 4:
                    active = BinaryPrimitives.ReadUInt32LittleEndian(value);
                    break;
                case DestAttrInactConns when value.Length >= 4:
                    inactive = BinaryPrimitives.ReadUInt32LittleEndian(value);
                    break;
                case DestAttrAddrFamily when value.Length >= 2 && FamilyOf(BinaryPrimitives.ReadUInt16LittleEndian(value)) is { } af:
                    family = af;
                    break;
            }
        }

        if (address is null || !TryAddress(family, address, out var ip))
        {
            error = "destination without a valid IPVS_DEST_ATTR_ADDR";
            return false;
        }

        destination = new IpvsDestination(ip, port, (IpvsForward)forward, unchecked((int)weight), upper, lower, active, inactive);
        error = "";
        return true;
    }

    /// <summary>The persistence_granularity as IPVS_SVC_ATTR_NETMASK: an IPv4 mask's bytes as they are, an IPv6 mask as its prefix length.</summary>
    public static uint Netmask(AddressFamily family, IPAddress? granularity)
    {
        if (granularity is null)
        {
            return IpvsService.DefaultNetmask(family);
        }

        var bytes = granularity.GetAddressBytes();
        if (family == AddressFamily.InterNetworkV6)
        {
            // keepalived accepts an IPv6 granularity as a prefix length; a mask written as an address counts its bits.
            return (uint)bytes.Sum(b => System.Numerics.BitOperations.PopCount(b));
        }

        return bytes.Length == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : IpvsService.DefaultNetmask(family);
    }

    /// <summary>An address and port as ipvsadm prints them: <c>192.0.2.1:80</c>, <c>[2001:db8::1]:80</c>.</summary>
    public static string Endpoint(IPAddress address, ushort port) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";

    private static ushort NlmFAckRequest => RtnlMessages.NlmFRequest | RtnlMessages.NlmFAck;

    private static ushort AfOf(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? (ushort)10 : (ushort)2;

    private static AddressFamily? FamilyOf(ushort af) => af switch
    {
        2 => AddressFamily.InterNetwork,
        10 => AddressFamily.InterNetworkV6,
        _ => null,
    };

    private static bool TryAddress(AddressFamily family, byte[] raw, out IPAddress address)
    {
        // The kernel sends a union nf_inet_addr (16 bytes); an IPv4 address is its first 4.
        var size = family == AddressFamily.InterNetworkV6 ? 16 : 4;
        if (raw.Length < size)
        {
            address = IPAddress.None;
            return false;
        }

        address = new IPAddress(raw.AsSpan(0, size));
        return true;
    }

    private static NetlinkWriter Begin(ushort family, byte command, ushort flags, uint sequence)
    {
        var w = new NetlinkWriter(family, flags, sequence);
        w.Bytes([command, Version, 0, 0]);
        return w;
    }

    private static void WriteKey(NetlinkWriter w, IpvsServiceKey key)
    {
        w.AttrU16(SvcAttrAf, AfOf(key.Family));
        if (key.Fwmark != 0)
        {
            w.AttrU32(SvcAttrFwmark, key.Fwmark);
            return;
        }

        w.AttrU16(SvcAttrProtocol, key.Protocol);
        w.AttrBytes(SvcAttrAddr, InetAddress(key.Address!));
        w.AttrU16BigEndian(SvcAttrPort, key.Port);
    }

    private static void WriteDestinationKey(NetlinkWriter w, IPAddress address, ushort port)
    {
        w.AttrBytes(DestAttrAddr, InetAddress(address));
        w.AttrU16BigEndian(DestAttrPort, port);
        w.AttrU16(DestAttrAddrFamily, AfOf(address.AddressFamily));
    }

    /// <summary>A union nf_inet_addr: 16 bytes, an IPv4 address in the first 4 (what the kernel sends back, too).</summary>
    private static byte[] InetAddress(IPAddress address)
    {
        var bytes = new byte[16];
        address.GetAddressBytes().CopyTo(bytes, 0);
        return bytes;
    }

    private static bool TryNested(ReadOnlySpan<byte> payload, ushort wanted, out ReadOnlySpan<byte> nest, out string error)
    {
        nest = default;
        if (payload.Length < GenlHeader)
        {
            error = "message shorter than a genl header";
            return false;
        }

        var attributes = payload[GenlHeader..];
        var offset = 0;
        while (offset + 4 <= attributes.Length)
        {
            var length = BinaryPrimitives.ReadUInt16LittleEndian(attributes[offset..]);
            var type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(attributes[(offset + 2)..]) & AttrTypeMask);
            if (length < 4 || offset + length > attributes.Length)
            {
                break;
            }

            if (type == wanted)
            {
                nest = attributes.Slice(offset + 4, length - 4);
                error = "";
                return true;
            }

            offset += (length + 3) & ~3;
        }

        error = wanted == CmdAttrService ? "message without IPVS_CMD_ATTR_SERVICE" : "message without IPVS_CMD_ATTR_DEST";
        return false;
    }

    private static List<(ushort Type, byte[] Value)> Attributes(ReadOnlySpan<byte> data)
    {
        var list = new List<(ushort, byte[])>();
        var offset = 0;
        while (offset + 4 <= data.Length)
        {
            var length = BinaryPrimitives.ReadUInt16LittleEndian(data[offset..]);
            var type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(data[(offset + 2)..]) & AttrTypeMask);
            if (length < 4 || offset + length > data.Length)
            {
                break;
            }

            list.Add((type, data.Slice(offset + 4, length - 4).ToArray()));
            offset += (length + 3) & ~3;
        }

        return list;
    }
}
