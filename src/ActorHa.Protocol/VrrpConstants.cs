namespace ActorHa.Protocol;

/// <summary>Numbers fixed by the RFCs, named as the RFCs name them.</summary>
public static class VrrpConstants
{
    /// <summary>IP protocol number of VRRP (RFC 3768 5.2.4, RFC 5798 5.1.1.4).</summary>
    public const int IpProtocol = 112;

    /// <summary>The TTL / hop limit every advert carries and every receiver checks (RFC 5798 5.1.1.3).</summary>
    public const int RequiredTtl = 255;
}
