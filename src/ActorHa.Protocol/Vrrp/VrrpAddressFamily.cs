namespace ActorHa.Protocol.Vrrp;

/// <summary>The family of the addresses an advert carries: 4 bytes each over IPv4, 16 over IPv6 (RFC 5798 5.2.9).</summary>
public enum VrrpAddressFamily : byte
{
    IPv4 = 4,
    IPv6 = 6,
}
