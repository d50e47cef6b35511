using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace ActorHa.Protocol.Frames;

/// <summary>
/// The unsolicited Neighbor Advertisement a new master sends for each virtual IPv6 address (RFC 5798 6.4.1,
/// RFC 4861 7.2.6): Ethernet to 33:33:00:00:00:01, IPv6 to ff02::1 with hop limit 255, ICMPv6 type 136 with
/// the Override flag, Solicited clear, and a Target Link-Layer Address option.
/// </summary>
public static class UnsolicitedNeighborAdvertisement
{
    /// <summary>ICMPv6 Neighbor Advertisement (RFC 4861 4.4).</summary>
    public const byte IcmpType = 136;

    /// <summary>Ethernet, IPv6 header, and the 32-byte NA: 4 type/code/checksum, 4 flags, 16 target, 8 option.</summary>
    public const int FrameLength = Ethernet.HeaderLength + 40 + IcmpLength;

    private const int IcmpLength = 32;
    private const byte NextHeaderIcmpV6 = 58;
    private const byte HopLimit = 255;
    private const byte RouterFlag = 0x80;
    private const byte OverrideFlag = 0x20;

    /// <summary>Target Link-Layer Address option, length in units of 8 bytes (RFC 4861 4.6.1).</summary>
    private const byte OptionTargetLinkLayerAddress = 2;

    /// <summary>All-nodes multicast ff02::1 and its Ethernet mapping 33:33:00:00:00:01 (RFC 2464 7).</summary>
    private static ReadOnlySpan<byte> AllNodes => [0xFF, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01];

    private static ReadOnlySpan<byte> AllNodesMac => [0x33, 0x33, 0x00, 0x00, 0x00, 0x01];

    /// <summary>
    /// Writes the frame announcing that <paramref name="target"/> is at <paramref name="senderMac"/>; returns its
    /// length. <paramref name="source"/> is the IPv6 source (keepalived uses the virtual address itself);
    /// <paramref name="router"/> sets the Router flag, which keepalived sets when the interface forwards IPv6.
    /// </summary>
    public static int Build(Span<byte> buffer, ReadOnlySpan<byte> senderMac, IPAddress source, IPAddress target, bool router)
    {
        Ethernet.RequireMac(senderMac, nameof(senderMac));
        Ethernet.RequireRoom(buffer, FrameLength, nameof(buffer));
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        if (source.AddressFamily != AddressFamily.InterNetworkV6 || target.AddressFamily != AddressFamily.InterNetworkV6)
        {
            throw new ArgumentException("a Neighbor Advertisement is IPv6 only", nameof(target));
        }

        Ethernet.WriteHeader(buffer, AllNodesMac, senderMac, Ethernet.EtherTypeIPv6);

        var ip = buffer.Slice(Ethernet.HeaderLength, 40);
        BinaryPrimitives.WriteUInt32BigEndian(ip, 0x6000_0000);
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], IcmpLength);
        ip[6] = NextHeaderIcmpV6;
        ip[7] = HopLimit;
        source.TryWriteBytes(ip.Slice(8, 16), out _);
        AllNodes.CopyTo(ip[24..]);

        var icmp = buffer.Slice(Ethernet.HeaderLength + 40, IcmpLength);
        icmp.Clear();
        icmp[0] = IcmpType;
        icmp[4] = (byte)(OverrideFlag | (router ? RouterFlag : 0));
        target.TryWriteBytes(icmp.Slice(8, 16), out _);
        icmp[24] = OptionTargetLinkLayerAddress;
        icmp[25] = 1;
        senderMac.CopyTo(icmp[26..]);

        // The ICMPv6 checksum covers the IPv6 pseudo-header (RFC 4443 2.3).
        var checksum = InternetChecksum.ComputeWithPseudoHeader(ip.Slice(8, 16), ip.Slice(24, 16), NextHeaderIcmpV6, icmp);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], checksum);
        return FrameLength;
    }
}
