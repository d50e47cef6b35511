using System.Net;
using ActorHa.Protocol.Frames;
using ActorHa.Protocol.Vrrp;

namespace ActorHa.Protocol.Tests.Vrrp;

public sealed class VrrpCodecGoldenTests
{
    private static readonly IPAddress Source4 = IPAddress.Parse("192.0.2.1");
    private static readonly IPAddress Group4 = IPAddress.Parse("224.0.0.18");
    private static readonly IPAddress Source6 = IPAddress.Parse("fe80::1");
    private static readonly IPAddress Group6 = IPAddress.Parse("ff02::12");

    [Fact]
    public void Parse_reads_every_field_of_a_v2_advert_with_simple_auth()
    {
        var datagram = VrrpGolden.Bytes(VrrpGolden.V2SimpleAuth);

        Assert.True(VrrpCodec.TryParseIPv4Datagram(datagram, VrrpParseOptions.Default, out var advert, out var src, out var dst, out var error), error);

        Assert.Equal("192.0.2.1", src.ToString());
        Assert.Equal("224.0.0.18", dst.ToString());
        Assert.Equal(VrrpVersion.V2, advert.Version);
        Assert.Equal(VrrpAddressFamily.IPv4, advert.Family);
        Assert.Equal(1, advert.Type);
        Assert.Equal(51, advert.VirtualRouterId);
        Assert.Equal(100, advert.Priority);
        Assert.Equal(1, advert.CountIPAddrs);
        Assert.Equal(VrrpAuthType.SimpleText, advert.AuthType);
        Assert.Equal(1, advert.AdverInt);
        Assert.Equal(100, advert.AdverIntCentiseconds);
        Assert.Equal(0x52ff, advert.Checksum);
        Assert.Equal(VrrpAuthData.FromPassword("1234"), advert.AuthData);
        Assert.Equal("1234", advert.AuthData.ToString());
        Assert.Equal(20, advert.MessageOffset);
        Assert.Equal(20, advert.Length);
        Assert.Equal([IPAddress.Parse("192.0.2.100")], advert.GetAddresses(datagram).ToArray());
    }

    [Fact]
    public void Parse_reads_two_v2_addresses_in_place()
    {
        var datagram = VrrpGolden.Bytes(VrrpGolden.V2TwoAddresses);

        Assert.True(VrrpCodec.TryParseIPv4Datagram(datagram, VrrpParseOptions.Default, out var advert, out _, out _, out var error), error);

        var addresses = advert.GetAddresses(datagram);
        Assert.Equal(2, addresses.Count);
        Assert.Equal(new byte[] { 198, 51, 100, 7 }, addresses[1].ToArray());
        Assert.True(addresses.Contains(IPAddress.Parse("198.51.100.7")));
        Assert.False(addresses.Contains(IPAddress.Parse("203.0.113.1")));
        Assert.Equal(3, advert.AdverInt);
        Assert.Equal(VrrpAuthType.None, advert.AuthType);
    }

    [Fact]
    public void Parse_reads_a_v3_IPv4_advert_with_the_pseudo_header_checksum()
    {
        var datagram = VrrpGolden.Bytes(VrrpGolden.V3IPv4);

        Assert.True(VrrpCodec.TryParseIPv4Datagram(datagram, VrrpParseOptions.Default, out var advert, out _, out _, out var error), error);

        Assert.Equal(VrrpVersion.V3, advert.Version);
        Assert.Equal(100, advert.AdverInt);
        Assert.Equal(100, advert.AdverIntCentiseconds);
        Assert.Equal(VrrpAuthType.None, advert.AuthType);
        Assert.Equal(12, advert.Length);
    }

    [Fact]
    public void Parse_accepts_v3_checksum_as_v2_only_when_asked()
    {
        var datagram = VrrpGolden.Bytes(VrrpGolden.V3IPv4ChecksumAsV2);
        var asV2 = new VrrpParseOptions { V3ChecksumAsV2 = true };

        Assert.True(VrrpCodec.TryParseIPv4Datagram(datagram, asV2, out _, out _, out _, out var error), error);
        Assert.False(VrrpCodec.TryParseIPv4Datagram(datagram, VrrpParseOptions.Default, out _, out _, out _, out error));
        Assert.Equal(
            "bad checksum 0xa802, expected 0x0572 (it is computed without the IPv4 pseudo-header: the sender uses v3_checksum_as_v2)",
            error);
    }

    [Fact]
    public void Parse_with_v3_checksum_as_v2_names_a_pseudo_header_checksum()
    {
        var datagram = VrrpGolden.Bytes(VrrpGolden.V3IPv4);

        Assert.False(VrrpCodec.TryParseIPv4Datagram(datagram, new VrrpParseOptions { V3ChecksumAsV2 = true }, out _, out _, out _, out var error));
        Assert.Equal(
            "bad checksum 0x0572, expected 0xa802 (it is computed with the IPv4 pseudo-header: the sender does not use v3_checksum_as_v2)",
            error);
    }

    [Fact]
    public void Parse_reads_a_v3_IPv6_payload()
    {
        var payload = VrrpGolden.Bytes(VrrpGolden.V3IPv6Payload);

        Assert.True(VrrpCodec.TryParseIPv6Payload(payload, 255, Source6, Group6, VrrpParseOptions.Default, out var advert, out var error), error);

        Assert.Equal(VrrpAddressFamily.IPv6, advert.Family);
        Assert.Equal(0, advert.MessageOffset);
        Assert.Equal([IPAddress.Parse("2001:db8::100")], advert.GetAddresses(payload).ToArray());
    }

    [Fact]
    public void Parse_reads_a_whole_IPv6_packet()
    {
        var packet = VrrpGolden.Bytes(VrrpGolden.V3IPv6Packet);

        Assert.True(VrrpCodec.TryParseIPv6Datagram(packet, VrrpParseOptions.Default, out var advert, out var src, out var dst, out var error), error);

        Assert.Equal(Source6, src);
        Assert.Equal(Group6, dst);
        Assert.Equal(40, advert.MessageOffset);
        Assert.Equal(IPAddress.Parse("2001:db8::100"), advert.GetAddresses(packet).GetIPAddress(0));
    }

    [Fact]
    public void Parse_of_a_bare_message_skips_ttl_and_the_unknowable_pseudo_header()
    {
        var message = VrrpGolden.Bytes(VrrpGolden.V3IPv4)[20..];

        Assert.True(VrrpCodec.TryParseMessage(message, VrrpAddressFamily.IPv4, VrrpParseOptions.Default, out var advert, out var error), error);
        Assert.Equal(51, advert.VirtualRouterId);
    }

    [Fact]
    public void Build_writes_the_golden_v2_advert_with_simple_auth()
    {
        var spec = new VrrpAdvertSpec(VrrpVersion.V2, VrrpAddressFamily.IPv4, 51, 100, 1) { Auth = VrrpAuth.SimpleText("1234") };
        var buffer = new byte[64];

        var length = VrrpCodec.BuildIPv4Datagram(buffer, spec, [IPAddress.Parse("192.0.2.100")], Source4, Group4);

        Assert.Equal(VrrpGolden.V2SimpleAuth, Convert.ToHexStringLower(buffer, 0, length));
    }

    [Fact]
    public void Build_writes_the_golden_v2_advert_with_two_addresses()
    {
        var spec = new VrrpAdvertSpec(VrrpVersion.V2, VrrpAddressFamily.IPv4, 7, 254, 3);
        var buffer = new byte[64];

        var length = VrrpCodec.BuildAdvert(buffer, spec, [IPAddress.Parse("192.0.2.100"), IPAddress.Parse("198.51.100.7")]);

        Assert.Equal(VrrpGolden.V2TwoAddresses[40..], Convert.ToHexStringLower(buffer, 0, length));
    }

    [Fact]
    public void Build_writes_the_golden_v3_IPv4_advert_in_both_checksum_forms()
    {
        var spec = new VrrpAdvertSpec(VrrpVersion.V3, VrrpAddressFamily.IPv4, 51, 100, 100);
        var buffer = new byte[64];

        var length = VrrpCodec.BuildAdvert(buffer, spec, [IPAddress.Parse("192.0.2.100")], Source4, Group4);
        Assert.Equal(VrrpGolden.V3IPv4[40..], Convert.ToHexStringLower(buffer, 0, length));

        length = VrrpCodec.BuildAdvert(buffer, spec with { V3ChecksumAsV2 = true }, [IPAddress.Parse("192.0.2.100")]);
        Assert.Equal(VrrpGolden.V3IPv4ChecksumAsV2[40..], Convert.ToHexStringLower(buffer, 0, length));
    }

    [Fact]
    public void Build_writes_the_golden_v3_IPv6_advert()
    {
        var spec = new VrrpAdvertSpec(VrrpVersion.V3, VrrpAddressFamily.IPv6, 51, 100, 100);
        var buffer = new byte[64];

        var length = VrrpCodec.BuildAdvert(buffer, spec, [IPAddress.Parse("2001:db8::100")], Source6, Group6);

        Assert.Equal(VrrpGolden.V3IPv6Payload, Convert.ToHexStringLower(buffer, 0, length));
    }

    [Fact]
    public void Build_truncates_the_password_to_8_bytes_and_zero_pads_short_ones()
    {
        var buffer = new byte[32];
        var spec = new VrrpAdvertSpec(VrrpVersion.V2, VrrpAddressFamily.IPv4, 1, 100, 1) { Auth = VrrpAuth.SimpleText("secretpassword") };

        var length = VrrpCodec.BuildAdvert(buffer, spec, [IPAddress.Parse("192.0.2.100")]);
        Assert.Equal("secretpa"u8.ToArray(), buffer[(length - 8)..length]);

        length = VrrpCodec.BuildAdvert(buffer, spec with { Auth = VrrpAuth.SimpleText("ab") }, [IPAddress.Parse("192.0.2.100")]);
        Assert.Equal(new byte[] { (byte)'a', (byte)'b', 0, 0, 0, 0, 0, 0 }, buffer[(length - 8)..length]);
    }

    [Fact]
    public void Build_refuses_AH_authentication()
    {
        var spec = new VrrpAdvertSpec(VrrpVersion.V2, VrrpAddressFamily.IPv4, 1, 100, 1) { Auth = new VrrpAuth(VrrpAuthType.IpAuthenticationHeader, default) };

        Assert.Throws<NotSupportedException>(() => VrrpCodec.BuildAdvert(new byte[32], spec, [IPAddress.Parse("192.0.2.100")]));
    }

    [Fact]
    public void Build_of_v3_needs_the_pseudo_header_addresses()
    {
        var spec = new VrrpAdvertSpec(VrrpVersion.V3, VrrpAddressFamily.IPv4, 1, 100, 100);

        Assert.Throws<ArgumentNullException>(() => VrrpCodec.BuildAdvert(new byte[32], spec, [IPAddress.Parse("192.0.2.100")]));
    }

    [Theory]
    [InlineData(VrrpVersion.V2, VrrpAddressFamily.IPv6, 1)]
    [InlineData(VrrpVersion.V2, VrrpAddressFamily.IPv4, 256)]
    [InlineData(VrrpVersion.V3, VrrpAddressFamily.IPv4, 4096)]
    public void Build_refuses_what_the_fields_cannot_carry(VrrpVersion version, VrrpAddressFamily family, int interval)
    {
        var spec = new VrrpAdvertSpec(version, family, 1, 100, (ushort)interval);

        Assert.Throws<ArgumentException>(() => VrrpCodec.BuildAdvert(new byte[64], spec, [], Source4, Group4));
    }

    [Fact]
    public void Build_refuses_an_address_of_the_other_family()
    {
        var spec = new VrrpAdvertSpec(VrrpVersion.V2, VrrpAddressFamily.IPv4, 1, 100, 1);

        Assert.Throws<ArgumentException>(() => VrrpCodec.BuildAdvert(new byte[64], spec, [IPAddress.Parse("2001:db8::1")]));
    }

    [Fact]
    public void Ipv4Address_round_trips_through_IPAddress()
    {
        var address = Ipv4Address.From(IPAddress.Parse("203.0.113.9"));

        Assert.Equal(0xCB007109u, address.Value);
        Assert.Equal(IPAddress.Parse("203.0.113.9"), address.ToIPAddress());
    }
}
