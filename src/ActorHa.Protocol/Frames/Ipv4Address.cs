using System.Buffers.Binary;
using System.Globalization;
using System.Net;

namespace ActorHa.Protocol.Frames;

/// <summary>An IPv4 address as a value, so parsing an IP header allocates nothing (IPAddress is a class).</summary>
public readonly record struct Ipv4Address(uint Value)
{
    public const int Length = 4;

    /// <summary>Reads 4 bytes in network order.</summary>
    public static Ipv4Address Read(ReadOnlySpan<byte> source) => new(BinaryPrimitives.ReadUInt32BigEndian(source));

    /// <summary>From an IPv4 <see cref="IPAddress"/>; throws for any other family.</summary>
    public static Ipv4Address From(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[Length];
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork || !address.TryWriteBytes(bytes, out _))
        {
            throw new ArgumentException($"{address} is not an IPv4 address", nameof(address));
        }

        return Read(bytes);
    }

    public void WriteTo(Span<byte> destination) => BinaryPrimitives.WriteUInt32BigEndian(destination, Value);

    public IPAddress ToIPAddress()
    {
        Span<byte> bytes = stackalloc byte[Length];
        WriteTo(bytes);
        return new IPAddress(bytes);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Value >> 24}.{(Value >> 16) & 0xFF}.{(Value >> 8) & 0xFF}.{Value & 0xFF}");
}
