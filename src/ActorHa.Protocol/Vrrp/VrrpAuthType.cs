namespace ActorHa.Protocol.Vrrp;

/// <summary>
/// The VRRPv2 Auth Type byte. RFC 2338 5.3.6 defined 1 and 2; RFC 3768 5.3.6 marks both "Reserved" but
/// keepalived still sends them (auth_type PASS and AH), so peers must understand them. VRRPv3 has no such field.
/// </summary>
public enum VrrpAuthType : byte
{
    /// <summary>No Authentication (RFC 3768 5.3.6).</summary>
    None = 0,

    /// <summary>Simple Text Password (RFC 2338 5.3.6.1): keepalived's <c>auth_type PASS</c>.</summary>
    SimpleText = 1,

    /// <summary>IP Authentication Header (RFC 2338 5.3.6.2): keepalived's <c>auth_type AH</c>. Not supported, see <see cref="VrrpCodec"/>.</summary>
    IpAuthenticationHeader = 2,
}
