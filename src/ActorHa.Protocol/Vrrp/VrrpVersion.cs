namespace ActorHa.Protocol.Vrrp;

/// <summary>VRRP version: 2 is RFC 3768 (IPv4 only, seconds), 3 is RFC 5798 (IPv4 and IPv6, centiseconds).</summary>
public enum VrrpVersion : byte
{
    V2 = 2,
    V3 = 3,
}
