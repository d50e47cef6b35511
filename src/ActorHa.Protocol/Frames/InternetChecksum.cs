using System.Buffers.Binary;

namespace ActorHa.Protocol.Frames;

/// <summary>
/// The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum of 16-bit
/// big-endian words. VRRPv2 sums the message alone (RFC 3768 5.3.8); VRRPv3 and ICMPv6 add a pseudo-header
/// (RFC 5798 5.2.8, RFC 8200 8.1 / RFC 2460 8.1).
/// </summary>
public static class InternetChecksum
{
    /// <summary>Checksum of <paramref name="data"/> alone. Over data that carries a correct checksum the result is 0.</summary>
    public static ushort Compute(ReadOnlySpan<byte> data) => Fold(Sum(data, 0));

    /// <summary>
    /// Checksum of <paramref name="data"/> preceded by the IPv4 (RFC 768 style) or IPv6 (RFC 8200 8.1)
    /// pseudo-header. Both reduce to the same one's complement sum: source, destination, protocol and the
    /// upper-layer length; the zero bytes and the field widths change nothing.
    /// </summary>
    public static ushort ComputeWithPseudoHeader(
        ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, byte protocol, ReadOnlySpan<byte> data)
    {
        ulong sum = Sum(source, 0);
        sum = Sum(destination, sum);
        sum += protocol;
        sum += (uint)data.Length >> 16;
        sum += (uint)data.Length & 0xFFFF;
        return Fold(Sum(data, sum));
    }

    private static ulong Sum(ReadOnlySpan<byte> data, ulong sum)
    {
        // Adding 32-bit big-endian words into a 64-bit accumulator is the same one's complement sum as
        // adding 16-bit words (RFC 1071 2(B)), with half the loop iterations; Fold absorbs the carries.
        while (data.Length >= 4)
        {
            sum += BinaryPrimitives.ReadUInt32BigEndian(data);
            data = data[4..];
        }

        if (data.Length >= 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data);
            data = data[2..];
        }

        if (data.Length == 1)
        {
            // An odd trailing byte is padded with a zero byte on the right (RFC 1071 4.1).
            sum += (uint)data[0] << 8;
        }

        return sum;
    }

    private static ushort Fold(ulong sum)
    {
        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }
}
