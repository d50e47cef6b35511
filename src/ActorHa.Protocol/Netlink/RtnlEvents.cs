using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorHa.Protocol.Netlink;

/// <summary>Something the kernel reported on an rtnetlink socket: a link or an address that appeared, changed or went.</summary>
public abstract record RtnlEvent;

/// <summary>
/// RTM_NEWLINK / RTM_DELLINK: a link and its flags. <see cref="Up"/> is keepalived's reading of the flags, IFF_UP
/// and IFF_RUNNING: an interface set up whose carrier is not there yet (IFF_LOWER_UP without IFF_RUNNING, the
/// moment between `ip link set up` and the operational state following) is still down for VRRP.
/// </summary>
public sealed record RtnlLink(bool Deleted, int Index, string Name, uint Flags) : RtnlEvent
{
    public bool Up => !Deleted && (Flags & RtnlMessages.IffUp) != 0 && (Flags & RtnlMessages.IffRunning) != 0;
}

/// <summary>RTM_NEWADDR / RTM_DELADDR: an address on interface <see cref="Index"/>.</summary>
public sealed record RtnlAddressEvent(bool Deleted, int Index, IPAddress Address, int PrefixLength) : RtnlEvent;

/// <summary>NLMSG_DONE: the end of a dump this socket asked for.</summary>
public sealed record RtnlDumpDone(uint Sequence) : RtnlEvent;

/// <summary>
/// Reads what arrives on a NETLINK_ROUTE socket: a datagram holds one or more netlink messages, each a 16-byte
/// header and a body; link and address messages become <see cref="RtnlEvent"/>s, other types are skipped. Pure.
/// </summary>
public static class RtnlEvents
{
    private const ushort RtmNewAddr = 20;
    private const ushort RtmDelAddr = 21;
    private const ushort IflaIfName = 3;
    private const ushort IfaAddress = 1;
    private const ushort IfaLocal = 2;
    private const int HeaderLength = 16;
    private const int IfInfoLength = 16;
    private const int IfAddrLength = 8;

    /// <summary>
    /// Appends the events of <paramref name="datagram"/> to <paramref name="events"/>. False, with the reason, at
    /// the first malformed message; the events before it are kept.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> datagram, List<RtnlEvent> events, out string error)
    {
        ArgumentNullException.ThrowIfNull(events);
        var offset = 0;
        while (offset + HeaderLength <= datagram.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(datagram[offset..]);
            if (length < HeaderLength || offset + length > datagram.Length)
            {
                error = $"message at {offset} has length {length}, {datagram.Length - offset} byte(s) left";
                return false;
            }

            var type = BinaryPrimitives.ReadUInt16LittleEndian(datagram[(offset + 4)..]);
            var sequence = BinaryPrimitives.ReadUInt32LittleEndian(datagram[(offset + 8)..]);
            var body = datagram.Slice(offset + HeaderLength, length - HeaderLength);
            RtnlEvent? parsed = null;
            string? failure = null;
            switch (type)
            {
                case RtnlMessages.RtmNewLink or RtnlMessages.RtmDelLink:
                    parsed = TryParseLink(body, type == RtnlMessages.RtmDelLink, out var link, out failure) ? link : null;
                    break;
                case RtmNewAddr or RtmDelAddr:
                    parsed = TryParseAddress(body, type == RtmDelAddr, out var address, out failure) ? address : null;
                    break;
                case RtnlMessages.NlmsgDone:
                    parsed = new RtnlDumpDone(sequence);
                    break;
            }

            if (!string.IsNullOrEmpty(failure))
            {
                error = $"message at {offset} (type {type}): {failure}";
                return false;
            }

            if (parsed is not null)
            {
                events.Add(parsed);
            }

            offset += (length + 3) & ~3;
        }

        error = "";
        return true;
    }

    /// <summary>The body of RTM_NEWLINK / RTM_DELLINK: struct ifinfomsg, then attributes; IFLA_IFNAME is required.</summary>
    public static bool TryParseLink(ReadOnlySpan<byte> body, bool deleted, out RtnlLink link, out string error)
    {
        link = null!;
        if (body.Length < IfInfoLength)
        {
            error = $"ifinfomsg needs {IfInfoLength} bytes, got {body.Length}";
            return false;
        }

        var index = BinaryPrimitives.ReadInt32LittleEndian(body[4..]);
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(body[8..]);
        string? name = null;
        if (!Attributes(body[IfInfoLength..], (type, value) =>
            {
                if (type == IflaIfName)
                {
                    var end = value.IndexOf((byte)0);
                    name = Encoding.UTF8.GetString(end < 0 ? value : value[..end]);
                }
            }, out error))
        {
            return false;
        }

        if (name is null)
        {
            error = $"link {index} has no IFLA_IFNAME";
            return false;
        }

        link = new RtnlLink(deleted, index, name, flags);
        return true;
    }

    /// <summary>
    /// The body of RTM_NEWADDR / RTM_DELADDR: struct ifaddrmsg, then attributes. IFA_LOCAL is the interface's own
    /// address (IFA_ADDRESS is the peer's on a point-to-point link); IPv6 sends only IFA_ADDRESS.
    /// </summary>
    public static bool TryParseAddress(ReadOnlySpan<byte> body, bool deleted, out RtnlAddressEvent address, out string error)
    {
        address = null!;
        if (body.Length < IfAddrLength)
        {
            error = $"ifaddrmsg needs {IfAddrLength} bytes, got {body.Length}";
            return false;
        }

        var family = body[0];
        var prefixLength = body[1];
        var index = BinaryPrimitives.ReadInt32LittleEndian(body[4..]);
        var size = family switch
        {
            (byte)AddressFamily.InterNetwork => 4,
            10 => 16,
            _ => 0,
        };
        if (size == 0)
        {
            error = $"address family {family} is neither AF_INET nor AF_INET6";
            return false;
        }

        IPAddress? local = null;
        IPAddress? peer = null;
        if (!Attributes(body[IfAddrLength..], (type, value) =>
            {
                if ((type == IfaLocal || type == IfaAddress) && value.Length == size)
                {
                    var ip = new IPAddress(value);
                    if (type == IfaLocal)
                    {
                        local = ip;
                    }
                    else
                    {
                        peer = ip;
                    }
                }
            }, out error))
        {
            return false;
        }

        if ((local ?? peer) is not { } ip)
        {
            error = $"address on link {index} has neither IFA_LOCAL nor IFA_ADDRESS";
            return false;
        }

        address = new RtnlAddressEvent(deleted, index, ip, prefixLength);
        return true;
    }

    private delegate void AttributeVisitor(ushort type, ReadOnlySpan<byte> value);

    /// <summary>Walks struct rtattr entries (length, type, value, padded to 4 bytes).</summary>
    private static bool Attributes(ReadOnlySpan<byte> data, AttributeVisitor visit, out string error)
    {
        var offset = 0;
        while (offset + 4 <= data.Length)
        {
            var length = BinaryPrimitives.ReadUInt16LittleEndian(data[offset..]);
            if (length < 4 || offset + length > data.Length)
            {
                error = $"attribute at {offset} has length {length}, {data.Length - offset} byte(s) left";
                return false;
            }

            // The top bits of the type are NLA_F_NESTED / NLA_F_NET_BYTEORDER, not part of it.
            var type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(data[(offset + 2)..]) & 0x3fff);
            visit(type, data.Slice(offset + 4, length - 4));
            offset += (length + 3) & ~3;
        }

        error = "";
        return true;
    }
}
