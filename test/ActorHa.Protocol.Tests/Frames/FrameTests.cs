using System.Net;
using System.Net.NetworkInformation;
using ActorHa.Protocol.Frames;
using ActorHa.Protocol.Vrrp;

namespace ActorHa.Protocol.Tests.Frames;

/// <summary>Golden frames computed by an independent script and decoded by tcpdump 4.99.3 -vv (which checks the ICMPv6 checksum).</summary>
public sealed class FrameTests
{
    /// <summary>tcpdump: <c>00:00:5e:00:01:33 &gt; ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 192.0.2.100 (ff:ff:ff:ff:ff:ff) tell 192.0.2.100, length 28</c></summary>
    private const string GarpGolden =
        "ffffffffffff00005e0001330806" + "000108000604000100005e000133c0000264ffffffffffffc0000264";

    /// <summary>tcpdump: <c>2001:db8::100 &gt; ff02::1: [icmp6 sum ok] ICMP6, neighbor advertisement, length 32, tgt is 2001:db8::100, Flags [override], destination link-address option (2): 00:00:5e:00:02:33</c></summary>
    private const string NaGolden =
        "33330000000100005e00023386dd" + "6000000000203aff20010db8000000000000000000000100ff020000000000000000000000000001"
        + "880098fa2000000020010db8000000000000000000000100020100005e000233";

    [Theory]
    [InlineData(VrrpAddressFamily.IPv4, 51, "00005E000133")]
    [InlineData(VrrpAddressFamily.IPv6, 51, "00005E000233")]
    [InlineData(VrrpAddressFamily.IPv4, 255, "00005E0001FF")]
    public void Virtual_mac_is_the_IANA_block_with_the_vrid(VrrpAddressFamily family, byte vrid, string expected) =>
        Assert.Equal(PhysicalAddress.Parse(expected), VirtualMac.For(family, vrid));

    [Fact]
    public void Gratuitous_arp_is_a_broadcast_request_with_sender_and_target_the_vip()
    {
        Span<byte> mac = stackalloc byte[6];
        VirtualMac.Write(mac, VrrpAddressFamily.IPv4, 51);
        var buffer = new byte[64];

        var length = GratuitousArp.Build(buffer, mac, IPAddress.Parse("192.0.2.100"));

        Assert.Equal(GarpGolden, Convert.ToHexStringLower(buffer, 0, length));
    }

    [Fact]
    public void Unsolicited_na_overrides_to_all_nodes_with_the_target_link_layer_option()
    {
        Span<byte> mac = stackalloc byte[6];
        VirtualMac.Write(mac, VrrpAddressFamily.IPv6, 51);
        var vip = IPAddress.Parse("2001:db8::100");
        var buffer = new byte[128];

        var length = UnsolicitedNeighborAdvertisement.Build(buffer, mac, vip, vip, router: false);

        Assert.Equal(NaGolden, Convert.ToHexStringLower(buffer, 0, length));
    }

    [Fact]
    public void Unsolicited_na_sets_the_router_flag_when_asked_and_keeps_its_checksum_right()
    {
        var mac = new byte[] { 0x02, 0, 0, 0, 0, 1 };
        var vip = IPAddress.Parse("2001:db8::100");
        var buffer = new byte[UnsolicitedNeighborAdvertisement.FrameLength];

        UnsolicitedNeighborAdvertisement.Build(buffer, mac, vip, vip, router: true);

        Assert.Equal(0xA0, buffer[14 + 40 + 4]);
        var span = buffer.AsSpan();
        Assert.Equal(0, InternetChecksum.ComputeWithPseudoHeader(span.Slice(22, 16), span.Slice(38, 16), 58, span[54..]));
    }

    [Fact]
    public void Frames_refuse_the_wrong_family()
    {
        var mac = new byte[6];

        Assert.Throws<ArgumentException>(() => GratuitousArp.Build(new byte[64], mac, IPAddress.Parse("2001:db8::1")));
        Assert.Throws<ArgumentException>(() =>
            UnsolicitedNeighborAdvertisement.Build(new byte[128], mac, IPAddress.Parse("192.0.2.1"), IPAddress.Parse("192.0.2.1"), false));
    }

    [Fact]
    public void Internet_checksum_matches_the_RFC_1071_example()
    {
        // RFC 1071 3: the words 0001 f203 f4f5 f6f7 sum to ddf2, so the checksum is its complement 220d.
        Assert.Equal(0x220D, InternetChecksum.Compute([0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7]));
    }

    [Fact]
    public void Internet_checksum_pads_an_odd_byte_on_the_right() =>
        Assert.Equal(InternetChecksum.Compute([0x12, 0x34, 0x56, 0x00]), InternetChecksum.Compute([0x12, 0x34, 0x56]));
}
