using System.Net;
using ActorHa.Protocol.Frames;
using ActorHa.Protocol.Vrrp;

namespace ActorHa.Protocol.Tests.Vrrp;

/// <summary>
/// The adverts and frames real keepalived 2.2.7 put on the wire (Golden/*.txt, captured by
/// deploy/capture-golden.sh): each decodes as keepalived meant it, and ActorHa builds the same bytes from the
/// same settings, so a keepalived peer cannot tell the two apart.
/// </summary>
public sealed class KeepalivedCaptureTests
{
    private static byte[] Load(string name)
    {
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Golden", name + ".txt"));
        return Convert.FromHexString(string.Concat(lines.Where(l => !l.StartsWith('#') && l.Length > 0)));
    }

    private static readonly IPAddress Vip = IPAddress.Parse("192.0.2.100");
    private static readonly IPAddress Vip2 = IPAddress.Parse("192.0.2.101");
    private static readonly IPAddress NodeA = IPAddress.Parse("192.0.2.1");
    private static readonly IPAddress Group = IPAddress.Parse("224.0.0.18");

    [Theory]
    [InlineData("v2-mcast-noauth", 2, 100, 100, 1, "none")]
    [InlineData("v2-mcast-pass", 2, 100, 100, 2, "1234")]
    [InlineData("v2-mcast-pass-long", 2, 100, 100, 1, "secretpa")]
    [InlineData("v2-prio0", 2, 0, 100, 1, "none")]
    [InlineData("v3-ipv4-mcast", 3, 100, 100, 1, "none")]
    [InlineData("v3-ipv4-mcast-int0.1", 3, 100, 10, 1, "none")]
    public void Keepalived_ipv4_multicast_adverts_decode_and_rebuild_byte_for_byte(string file, int version, int priority, int intervalCs, int vips, string password)
    {
        var captured = Load(file);
        Assert.True(VrrpCodec.TryParseIPv4Datagram(captured, VrrpParseOptions.Default, out var advert, out var src, out var dst, out var error), error);
        Assert.Equal((VrrpVersion)version, advert.Version);
        Assert.Equal(51, advert.VirtualRouterId);
        Assert.Equal(priority, advert.Priority);
        Assert.Equal(intervalCs, advert.AdverIntCentiseconds);
        Assert.Equal(vips, advert.CountIPAddrs);
        Assert.Equal(NodeA, src.ToIPAddress());
        Assert.Equal(Group, dst.ToIPAddress());

        var auth = password == "none" ? VrrpAuth.None : VrrpAuth.SimpleText(password);
        var spec = new VrrpAdvertSpec((VrrpVersion)version, VrrpAddressFamily.IPv4, 51, (byte)priority, (ushort)(version == 2 ? intervalCs / 100 : intervalCs)) { Auth = auth };
        var buffer = new byte[64];
        IPAddress[] addresses = vips == 2 ? [Vip, Vip2] : [Vip];
        var n = VrrpCodec.BuildAdvert(buffer, spec, addresses, NodeA, Group);
        Assert.Equal(Convert.ToHexString(captured[20..]), Convert.ToHexString(buffer[..n]));
    }

    [Theory]
    [InlineData("v2-unicast", 2)]
    [InlineData("v3-ipv4-unicast", 3)]
    public void Keepalived_unicast_adverts_decode_with_the_peer_as_destination(string file, int version)
    {
        var captured = Load(file);
        Assert.True(VrrpCodec.TryParseIPv4Datagram(captured, VrrpParseOptions.Default, out var advert, out _, out var dst, out var error), error);
        Assert.Equal((VrrpVersion)version, advert.Version);
        Assert.Equal(IPAddress.Parse("192.0.2.2"), dst.ToIPAddress());
    }

    [Fact]
    public void Keepalived_ipv6_v3_advert_decodes_from_its_link_local_source()
    {
        var captured = Load("v3-ipv6-mcast");
        Assert.True(VrrpCodec.TryParseIPv6Datagram(captured, VrrpParseOptions.Default, out var advert, out var src, out var dst, out var error), error);
        Assert.Equal(VrrpVersion.V3, advert.Version);
        Assert.True(src.IsIPv6LinkLocal);
        Assert.Equal(IPAddress.Parse("ff02::12"), dst);
        Assert.True(advert.GetAddresses(captured).Contains(IPAddress.Parse("2001:db8::100")));
    }

    [Fact]
    public void Keepalived_old_unicast_checksum_is_rejected_with_a_hint_naming_the_option()
    {
        Assert.False(VrrpCodec.TryParseIPv4Datagram(Load("v3-ipv4-unicast-old-checksum"), VrrpParseOptions.Default, out _, out _, out _, out var error));
        Assert.Contains("old_unicast_checksum", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Keepalived_ah_advert_is_rejected_as_unsupported()
    {
        Assert.False(VrrpCodec.TryParseIPv4Datagram(Load("v2-ah"), VrrpParseOptions.Default, out _, out _, out _, out var error));
        Assert.Equal("IP protocol 51 (IPsec AH), expected 112: auth_type AH is not supported", error);
    }

    [Fact]
    public void Gratuitous_arp_matches_keepalived_frame_byte_for_byte()
    {
        var captured = Load("v2-mcast-noauth-garp");
        var mac = captured[6..12];
        var frame = new byte[64];
        var n = GratuitousArp.Build(frame, mac, Vip);
        // keepalived pads to the Ethernet minimum only on the wire; compare the 42 bytes it built.
        Assert.Equal(Convert.ToHexString(captured[..42]), Convert.ToHexString(frame[..n]));
    }
}
