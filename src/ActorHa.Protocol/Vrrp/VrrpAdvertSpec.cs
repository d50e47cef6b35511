namespace ActorHa.Protocol.Vrrp;

/// <summary>
/// What a sender puts in an advert besides the addresses. <see cref="AdverInt"/> is in the version's unit:
/// seconds for VRRPv2 (RFC 3768 5.3.7), centiseconds for VRRPv3 (RFC 5798 5.2.7).
/// </summary>
public readonly record struct VrrpAdvertSpec(
    VrrpVersion Version,
    VrrpAddressFamily Family,
    byte VirtualRouterId,
    byte Priority,
    ushort AdverInt)
{
    /// <summary>VRRPv2 only; VRRPv3 has no authentication (RFC 5798 9.1).</summary>
    public VrrpAuth Auth { get; init; }

    /// <summary>keepalived's <c>v3_checksum_as_v2</c>: VRRPv3 over IPv4 without the pseudo-header in the checksum.</summary>
    public bool V3ChecksumAsV2 { get; init; }
}
