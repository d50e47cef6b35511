using System.Buffers.Binary;
using System.Net;

namespace ActorHa.Protocol.Frames;

/// <summary>
/// The gratuitous ARP a new master broadcasts for each virtual IPv4 address (RFC 5798 6.4.1, RFC 5227 3),
/// laid out as keepalived sends it: an ARP request (RFC 826) to the Ethernet broadcast address whose sender
/// and target protocol addresses are both the virtual address, target hardware address broadcast.
/// </summary>
public static class GratuitousArp
{
    /// <summary>Ethernet header plus the 28-byte ARP packet for Ethernet/IPv4; the NIC pads it to 60 bytes.</summary>
    public const int FrameLength = Ethernet.HeaderLength + ArpLength;

    private const int ArpLength = 28;
    private const ushort HardwareTypeEthernet = 1;
    private const ushort OperationRequest = 1;

    private static ReadOnlySpan<byte> Broadcast => [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];

    /// <summary>Writes the frame announcing that <paramref name="address"/> is at <paramref name="senderMac"/>; returns its length.</summary>
    public static int Build(Span<byte> buffer, ReadOnlySpan<byte> senderMac, IPAddress address)
    {
        Ethernet.RequireMac(senderMac, nameof(senderMac));
        Ethernet.RequireRoom(buffer, FrameLength, nameof(buffer));
        var ip = Ipv4Address.From(address);

        Ethernet.WriteHeader(buffer, Broadcast, senderMac, Ethernet.EtherTypeArp);
        var arp = buffer.Slice(Ethernet.HeaderLength, ArpLength);
        BinaryPrimitives.WriteUInt16BigEndian(arp, HardwareTypeEthernet);
        BinaryPrimitives.WriteUInt16BigEndian(arp[2..], Ethernet.EtherTypeIPv4);
        arp[4] = Ethernet.MacLength;
        arp[5] = Ipv4Address.Length;
        BinaryPrimitives.WriteUInt16BigEndian(arp[6..], OperationRequest);
        senderMac.CopyTo(arp[8..]);
        ip.WriteTo(arp[14..]);
        Broadcast.CopyTo(arp[18..]);
        ip.WriteTo(arp[24..]);
        return FrameLength;
    }
}
