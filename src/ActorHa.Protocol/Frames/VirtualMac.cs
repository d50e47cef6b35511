using System.Net.NetworkInformation;
using ActorHa.Protocol.Vrrp;

namespace ActorHa.Protocol.Frames;

/// <summary>
/// The virtual router MAC address (RFC 5798 7.3, RFC 3768 7.3): 00-00-5E-00-01-{VRID} for IPv4 and
/// 00-00-5E-00-02-{VRID} for IPv6, the IANA block keepalived's <c>use_vmac</c> interfaces carry.
/// </summary>
public static class VirtualMac
{
    public const int Length = 6;

    public static void Write(Span<byte> destination, VrrpAddressFamily family, byte virtualRouterId)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Length);
        destination[0] = 0x00;
        destination[1] = 0x00;
        destination[2] = 0x5E;
        destination[3] = 0x00;
        destination[4] = family == VrrpAddressFamily.IPv6 ? (byte)0x02 : (byte)0x01;
        destination[5] = virtualRouterId;
    }

    public static PhysicalAddress For(VrrpAddressFamily family, byte virtualRouterId)
    {
        var bytes = new byte[Length];
        Write(bytes, family, virtualRouterId);
        return new PhysicalAddress(bytes);
    }
}
