using System.Buffers.Binary;

namespace ActorHa.Protocol.Frames;

/// <summary>The Ethernet II header the frames here start with (IEEE 802.3 / RFC 894).</summary>
public static class Ethernet
{
    public const int HeaderLength = 14;
    public const int MacLength = 6;

    /// <summary>EtherType of ARP (RFC 826).</summary>
    public const ushort EtherTypeArp = 0x0806;

    /// <summary>EtherType of IPv4 (RFC 894).</summary>
    public const ushort EtherTypeIPv4 = 0x0800;

    /// <summary>EtherType of IPv6 (RFC 2464 3).</summary>
    public const ushort EtherTypeIPv6 = 0x86DD;

    internal static void WriteHeader(Span<byte> frame, ReadOnlySpan<byte> destinationMac, ReadOnlySpan<byte> sourceMac, ushort etherType)
    {
        destinationMac.CopyTo(frame);
        sourceMac.CopyTo(frame[MacLength..]);
        BinaryPrimitives.WriteUInt16BigEndian(frame[(2 * MacLength)..], etherType);
    }

    internal static void RequireMac(ReadOnlySpan<byte> mac, string name)
    {
        if (mac.Length != MacLength)
        {
            throw new ArgumentException("a MAC address is 6 bytes", name);
        }
    }

    internal static void RequireRoom(Span<byte> buffer, int length, string name)
    {
        if (buffer.Length < length)
        {
            throw new ArgumentException("the buffer is too small for the frame", name);
        }
    }
}
