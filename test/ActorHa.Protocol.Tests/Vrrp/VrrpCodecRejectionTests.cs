using System.Buffers.Binary;
using System.Net;
using ActorHa.Protocol.Frames;
using ActorHa.Protocol.Vrrp;

namespace ActorHa.Protocol.Tests.Vrrp;

/// <summary>One test per rejection reason, asserting the exact string the node logs and counts.</summary>
public sealed class VrrpCodecRejectionTests
{
    private static readonly IPAddress Source6 = IPAddress.Parse("fe80::1");
    private static readonly IPAddress Group6 = IPAddress.Parse("ff02::12");

    private static string Reject(byte[] datagram, VrrpParseOptions? options = null)
    {
        Assert.False(VrrpCodec.TryParseIPv4Datagram(datagram, options ?? VrrpParseOptions.Default, out _, out _, out _, out var error));
        return error;
    }

    private static string RejectIPv6(byte[] payload, int hopLimit = 255, IPAddress? source = null)
    {
        Assert.False(VrrpCodec.TryParseIPv6Payload(payload, hopLimit, source ?? Source6, Group6, VrrpParseOptions.Default, out _, out var error));
        return error;
    }

    /// <summary>The golden VRRPv2 datagram after <paramref name="edit"/>, with its VRRP checksum made right again, so a later check is reached.</summary>
    private static byte[] V2Edited(Action<byte[]> edit, bool fixChecksum = true)
    {
        var datagram = VrrpGolden.Bytes(VrrpGolden.V2SimpleAuth);
        edit(datagram);
        if (fixChecksum)
        {
            BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(26), 0);
            BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(26), InternetChecksum.Compute(datagram.AsSpan(20)));
        }

        return datagram;
    }

    [Fact]
    public void Parse_rejects_a_datagram_shorter_than_an_IPv4_header() =>
        Assert.Equal("too short: 10 bytes, an IPv4 header needs 20", Reject(VrrpGolden.Bytes(VrrpGolden.V2SimpleAuth)[..10]));

    [Fact]
    public void Parse_rejects_IP_version_other_than_4() =>
        Assert.Equal("IP version 6, expected 4", Reject(V2Edited(d => d[0] = 0x65, fixChecksum: false)));

    [Fact]
    public void Parse_rejects_IHL_below_5() =>
        Assert.Equal("IHL 4, expected at least 5", Reject(V2Edited(d => d[0] = 0x44, fixChecksum: false)));

    [Fact]
    public void Parse_rejects_IHL_beyond_the_datagram() =>
        Assert.Equal("IHL 15 (60 bytes) exceeds the 40-byte datagram", Reject(V2Edited(d => d[0] = 0x4F, fixChecksum: false)));

    [Fact]
    public void Parse_rejects_a_datagram_truncated_below_its_total_length() =>
        Assert.Equal("IP total length 40 exceeds the 30 bytes received", Reject(VrrpGolden.Bytes(VrrpGolden.V2SimpleAuth)[..30]));

    [Fact]
    public void Parse_rejects_a_total_length_shorter_than_the_header() =>
        Assert.Equal("IP total length 16 is shorter than the 20-byte header", Reject(V2Edited(d => d[3] = 16, fixChecksum: false)));

    [Fact]
    public void Parse_rejects_protocols_other_than_112() =>
        Assert.Equal("IP protocol 6, expected 112", Reject(V2Edited(d => d[9] = 6, fixChecksum: false)));

    [Fact]
    public void Parse_rejects_AH_protocol_naming_AH() =>
        Assert.Equal(
            "IP protocol 51 (IPsec AH), expected 112: auth_type AH is not supported",
            Reject(V2Edited(d => d[9] = 51, fixChecksum: false)));

    [Fact]
    public void Parse_rejects_a_vrrp_message_shorter_than_its_header() =>
        Assert.Equal("too short: 6 bytes, a VRRP header needs 8", Reject(V2Edited(d => d[3] = 26, fixChecksum: false)));

    [Fact]
    public void Parse_rejects_ttl_other_than_255() =>
        Assert.Equal("TTL 64, expected 255", Reject(V2Edited(d => d[8] = 64, fixChecksum: false)));

    [Fact]
    public void Parse_rejects_hop_limit_other_than_255() =>
        Assert.Equal("hop limit 1, expected 255", RejectIPv6(VrrpGolden.Bytes(VrrpGolden.V3IPv6Payload), hopLimit: 1));

    [Fact]
    public void Parse_rejects_versions_other_than_2_and_3() =>
        Assert.Equal("version 1, expected 2 or 3", Reject(V2Edited(d => d[20] = 0x11, fixChecksum: false)));

    [Fact]
    public void Parse_rejects_version_2_over_IPv6()
    {
        var payload = VrrpGolden.Bytes(VrrpGolden.V3IPv6Payload);
        payload[0] = 0x21;

        Assert.Equal("version 2 over IPv6: VRRPv2 is IPv4 only (RFC 3768)", RejectIPv6(payload));
    }

    [Fact]
    public void Parse_rejects_types_other_than_advertisement() =>
        Assert.Equal("type 2, expected 1 (advertisement)", Reject(V2Edited(d => d[20] = 0x22, fixChecksum: false)));

    [Fact]
    public void Parse_rejects_a_bad_v2_checksum() =>
        Assert.Equal("bad checksum 0x52ff, expected 0x51ff", Reject(V2Edited(d => d[22] = 101, fixChecksum: false)));

    [Fact]
    public void Parse_rejects_a_v3_checksum_over_another_pseudo_header() =>
        Assert.Equal(
            "bad checksum 0x3d8f, expected 0x3d8e",
            RejectIPv6(VrrpGolden.Bytes(VrrpGolden.V3IPv6Payload), source: IPAddress.Parse("fe80::2")));

    [Fact]
    public void Parse_names_old_unicast_checksum_when_the_pseudo_header_kept_the_group()
    {
        // The golden VRRPv3 advert was summed with destination 224.0.0.18; deliver it unicast to 198.51.100.2.
        var datagram = VrrpGolden.Bytes(VrrpGolden.V3IPv4);
        new byte[] { 198, 51, 100, 2 }.CopyTo(datagram, 16);

        Assert.Equal(
            "bad checksum 0x0572, expected 0xbb4e (it is computed with destination 224.0.0.18 in the pseudo-header: the sender uses old_unicast_checksum)",
            Reject(datagram));
    }

    [Fact]
    public void Parse_rejects_an_address_count_the_length_does_not_hold() =>
        Assert.Equal("address count 2 needs 24 bytes, message has 20", Reject(V2Edited(d => d[23] = 2)));

    [Fact]
    public void Parse_rejects_AH_auth_type() =>
        Assert.Equal("auth type 2 (IPsec AH) not supported", Reject(V2Edited(d => d[24] = 2)));

    [Fact]
    public void Parse_rejects_unknown_auth_type() =>
        Assert.Equal("unknown auth type 5", Reject(V2Edited(d => d[24] = 5)));

    [Fact]
    public void Parse_rejects_an_auth_type_other_than_configured() =>
        Assert.Equal(
            "auth type 1 (simple), expected 0 (none)",
            Reject(VrrpGolden.Bytes(VrrpGolden.V2SimpleAuth), new VrrpParseOptions { ExpectedAuth = VrrpAuth.None }));

    [Fact]
    public void Parse_rejects_a_password_other_than_configured() =>
        Assert.Equal(
            "password \"1234\" does not match auth_pass",
            Reject(VrrpGolden.Bytes(VrrpGolden.V2SimpleAuth), new VrrpParseOptions { ExpectedAuth = VrrpAuth.SimpleText("abcd") }));

    [Fact]
    public void Parse_rejects_a_v3_advert_when_authentication_is_configured() =>
        Assert.Equal(
            "VRRPv3 carries no authentication, but auth type 1 (simple) is configured",
            Reject(VrrpGolden.Bytes(VrrpGolden.V3IPv4), new VrrpParseOptions { ExpectedAuth = VrrpAuth.SimpleText("1234") }));

    [Fact]
    public void Parse_rejects_an_IPv6_packet_with_another_next_header()
    {
        var packet = VrrpGolden.Bytes(VrrpGolden.V3IPv6Packet);
        packet[6] = 0;

        Assert.False(VrrpCodec.TryParseIPv6Datagram(packet, VrrpParseOptions.Default, out _, out _, out _, out var error));
        Assert.Equal("IPv6 next header 0, expected 112", error);
    }

    [Fact]
    public void Parse_accepts_the_configured_password_and_passwords_longer_than_8_characters()
    {
        var datagram = V2Edited(d => "12345678"u8.CopyTo(d.AsSpan(32)));
        var options = new VrrpParseOptions { ExpectedAuth = VrrpAuth.SimpleText("1234567890") };

        Assert.True(VrrpCodec.TryParseIPv4Datagram(datagram, options, out _, out _, out _, out var error), error);
    }

    [Fact]
    public void Parse_ignores_auth_data_when_no_authentication_is_configured()
    {
        var datagram = V2Edited(d =>
        {
            d[24] = 0;
            "garbage!"u8.CopyTo(d.AsSpan(32));
        });

        Assert.True(VrrpCodec.TryParseIPv4Datagram(datagram, new VrrpParseOptions { ExpectedAuth = VrrpAuth.None }, out _, out _, out _, out var error), error);
    }

    [Fact]
    public void Parse_checks_in_the_fixed_order_ttl_before_version_before_checksum()
    {
        var datagram = V2Edited(d =>
        {
            d[8] = 1;
            d[20] = 0x41;
            d[22] = 0;
        }, fixChecksum: false);

        Assert.Equal("TTL 1, expected 255", Reject(datagram));
        datagram[8] = 255;
        Assert.Equal("version 4, expected 2 or 3", Reject(datagram));
        datagram[20] = 0x21;
        Assert.StartsWith("bad checksum", Reject(datagram), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ignores_the_reserved_bits_of_v3()
    {
        var payload = VrrpGolden.Bytes(VrrpGolden.V3IPv6Payload);
        payload[4] |= 0xF0;
        BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(6), 0);
        Span<byte> src = Source6.GetAddressBytes();
        Span<byte> dst = Group6.GetAddressBytes();
        BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(6), InternetChecksum.ComputeWithPseudoHeader(src, dst, 112, payload));

        Assert.True(VrrpCodec.TryParseIPv6Payload(payload, 255, Source6, Group6, VrrpParseOptions.Default, out var advert, out var error), error);
        Assert.Equal(100, advert.AdverInt);
    }
}
