using System.Buffers.Binary;
using System.Text;

namespace ActorHa.Protocol.Vrrp;

/// <summary>
/// The 8 bytes of VRRPv2 Authentication Data (RFC 2338 5.3.10), held in a ulong so adverts stay
/// allocation-free. For a simple text password: its first 8 bytes, zero padded, as keepalived sends them.
/// </summary>
public readonly struct VrrpAuthData : IEquatable<VrrpAuthData>
{
    /// <summary>Size of the Authentication Data field (RFC 2338 5.1: two 32-bit words).</summary>
    public const int Length = 8;

    private readonly ulong _bigEndian;

    private VrrpAuthData(ulong bigEndian) => _bigEndian = bigEndian;

    /// <summary>The data of keepalived's <c>auth_pass</c>: its first 8 bytes (UTF-8), zero padded (RFC 2338 5.3.10).</summary>
    public static VrrpAuthData FromPassword(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        Span<byte> bytes = stackalloc byte[Length];
        bytes.Clear();
        var encoded = Encoding.UTF8.GetBytes(password);
        encoded.AsSpan(0, Math.Min(encoded.Length, Length)).CopyTo(bytes);
        return Read(bytes);
    }

    /// <summary>Reads 8 bytes as they appear on the wire.</summary>
    public static VrrpAuthData Read(ReadOnlySpan<byte> source) => new(BinaryPrimitives.ReadUInt64BigEndian(source));

    /// <summary>Writes the 8 bytes as they go on the wire.</summary>
    public void WriteTo(Span<byte> destination) => BinaryPrimitives.WriteUInt64BigEndian(destination, _bigEndian);

    public bool IsZero => _bigEndian == 0;

    public bool Equals(VrrpAuthData other) => _bigEndian == other._bigEndian;

    public override bool Equals(object? obj) => obj is VrrpAuthData other && Equals(other);

    public override int GetHashCode() => _bigEndian.GetHashCode();

    public static bool operator ==(VrrpAuthData left, VrrpAuthData right) => left.Equals(right);

    public static bool operator !=(VrrpAuthData left, VrrpAuthData right) => !left.Equals(right);

    /// <summary>
    /// The password as tcpdump prints it: up to the first zero byte, printable ASCII as is, other bytes
    /// escaped the way tcpdump's nd_printjnp does (<c>M-</c> for the high bit, <c>^</c> for control characters).
    /// </summary>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Length];
        WriteTo(bytes);
        var text = new StringBuilder(Length);
        foreach (var b in bytes)
        {
            if (b == 0)
            {
                break;
            }

            var c = b;
            if (c >= 0x80)
            {
                text.Append("M-");
                c &= 0x7F;
            }

            if (c < 0x20 || c == 0x7F)
            {
                text.Append('^').Append((char)(c ^ 0x40));
            }
            else
            {
                text.Append((char)c);
            }
        }

        return text.ToString();
    }
}
