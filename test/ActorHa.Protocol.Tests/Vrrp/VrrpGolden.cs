namespace ActorHa.Protocol.Tests.Vrrp;

/// <summary>
/// Adverts laid out by hand from RFC 3768 5.1 / RFC 5798 5.1 (computed by an independent script) and checked
/// with tcpdump 4.99.3 -v, which verifies the checksums. Each is a whole IP packet, as a raw socket delivers it.
/// </summary>
internal static class VrrpGolden
{
    /// <summary>
    /// tcpdump: <c>192.0.2.1 &gt; 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 100, authtype simple, intvl 1s,
    /// length 20, addrs: 192.0.2.100 auth "1234"</c>
    /// </summary>
    public const string V2SimpleAuth =
        "45c0002800000000ff701892c0000201e0000012" + "21336401010152ffc00002643132333400000000";

    /// <summary>
    /// tcpdump: <c>192.0.2.1 &gt; 224.0.0.18: VRRPv2, Advertisement, vrid 7, prio 254, authtype none, intvl 3s,
    /// length 24, addrs(2): 192.0.2.100,198.51.100.7</c>
    /// </summary>
    public const string V2TwoAddresses =
        "45c0002c00000000ff70188ec0000201e0000012" + "2107fe020003f452c0000264c63364070000000000000000";

    /// <summary>
    /// tcpdump: <c>192.0.2.1 &gt; 224.0.0.18: VRRPv3, Advertisement, vrid 51, prio 100, intvl 100cs, length 12,
    /// addrs: 192.0.2.100</c> (checksum includes the IPv4 pseudo-header).
    /// </summary>
    public const string V3IPv4 =
        "45c0002000000000ff70189ac0000201e0000012" + "3133640100640572c0000264";

    /// <summary>The same VRRPv3 advert with keepalived's v3_checksum_as_v2: tcpdump reports "bad vrrp cksum a802".</summary>
    public const string V3IPv4ChecksumAsV2 =
        "45c0002000000000ff70189ac0000201e0000012" + "313364010064a802c0000264";

    /// <summary>VRRPv3 payload from fe80::1 to ff02::12. tcpdump: <c>VRRPv3, Advertisement, vrid 51, prio 100, intvl 100cs, length 24, addrs: 2001:db8::100</c></summary>
    public const string V3IPv6Payload = "3133640100643d8f20010db8000000000000000000000100";

    /// <summary><see cref="V3IPv6Payload"/> with its IPv6 header (hop limit 255, next header 112).</summary>
    public const string V3IPv6Packet =
        "60000000001870ff" + "fe800000000000000000000000000001" + "ff020000000000000000000000000012" + V3IPv6Payload;

    public static byte[] Bytes(string hex) => Convert.FromHexString(hex);
}
