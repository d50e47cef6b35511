namespace ActorHa.Protocol.Vrrp;

/// <summary>What a receiver configures that changes how an advert is validated.</summary>
public sealed record VrrpParseOptions
{
    /// <summary>RFC checksums, no authentication check.</summary>
    public static VrrpParseOptions Default { get; } = new();

    /// <summary>
    /// keepalived's <c>v3_checksum_as_v2</c>: a VRRPv3 advert over IPv4 carries a checksum of the message
    /// alone, as VRRPv2 does, instead of one that includes the IPv4 pseudo-header (RFC 5798 5.2.8). Some
    /// vendors (Cisco) send it that way. Only that form is accepted when set; only the pseudo-header form when not.
    /// </summary>
    public bool V3ChecksumAsV2 { get; init; }

    /// <summary>
    /// The locally configured VRRPv2 authentication (RFC 3768 7.1: a packet whose auth type "does not match
    /// the locally configured authentication method MUST be discarded"). Null: the auth fields are not compared.
    /// </summary>
    public VrrpAuth? ExpectedAuth { get; init; }
}
