using System.Net;
using ActorHa.Config;
using ActorHa.Node.Diagnostics;
using ActorHa.Node.Io;
using ActorHa.Protocol.Vrrp;

namespace ActorHa.Node.Tests.Diagnostics;

public sealed class SegmentAnalyzerTests
{
    private static readonly DateTimeOffset Epoch = new(2026, 11, 23, 3, 0, 0, TimeSpan.Zero);

    internal static SegmentAdvert Advert(double at, string source, int prio = 100, int vrid = 51, string vips = "192.0.2.100", int intervalCs = 100, string password = "", int version = 2, params string[] problems) =>
        new(TimeSpan.FromSeconds(at), Epoch.AddSeconds(at), IPAddress.Parse(source), VrrpAddressFamily.IPv4, version, vrid, prio, intervalCs,
            vips.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(IPAddress.Parse).ToList(),
            password.Length > 0 ? VrrpAuthType.SimpleText : VrrpAuthType.None, password, 255, problems);

    /// <summary>Feeds a master's adverts every <paramref name="interval"/> s from <paramref name="from"/> to <paramref name="to"/>.</summary>
    private static IEnumerable<SegmentAdvert> Every(string source, int prio, double from, double to, double interval = 1, string vips = "192.0.2.100") =>
        Enumerable.Range(0, (int)((to - from) / interval) + 1).Select(i => Advert(from + (i * interval), source, prio, vips: vips));

    private static SegmentAnalyzer Feed(IEnumerable<SegmentAdvert> adverts)
    {
        var analyzer = new SegmentAnalyzer();
        foreach (var advert in adverts.OrderBy(a => a.At))
        {
            analyzer.Add(advert);
        }

        return analyzer;
    }

    [Fact]
    public void One_master_is_the_master_and_nothing_is_flagged()
    {
        var analyzer = Feed(Every("192.0.2.11", 150, 0, 10));
        Assert.Empty(analyzer.Findings);
        var row = Assert.Single(analyzer.Table());
        Assert.True(row.Master);
        Assert.Equal(150, row.Priority);
        Assert.Equal(11, row.Adverts);
    }

    [Fact]
    public void Two_senders_at_once_for_several_intervals_are_a_split_brain()
    {
        var analyzer = Feed(Every("192.0.2.11", 150, 0, 10).Concat(Every("192.0.2.12", 100, 0.5, 10.5)));
        var finding = Assert.Single(analyzer.Findings);
        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Equal("split-brain", finding.Check);
        Assert.Contains("two masters: ", finding.Message, StringComparison.Ordinal);
        Assert.Contains("192.0.2.11 (prio 150)", finding.Message, StringComparison.Ordinal);
        Assert.Contains("192.0.2.12 (prio 100)", finding.Message, StringComparison.Ordinal);
        // The higher priority is shown as master; both are active.
        var table = analyzer.Table();
        Assert.Equal(IPAddress.Parse("192.0.2.11"), Assert.Single(table, r => r.Master).Source);
        Assert.All(table, r => Assert.True(r.Active));
    }

    [Fact]
    public void A_preemption_is_a_handover_not_a_split_brain()
    {
        // 192.0.2.11 is master until 192.0.2.12 (higher priority) starts at 5.2; the old master sends no more.
        var analyzer = Feed(Every("192.0.2.11", 100, 0, 5).Concat(Every("192.0.2.12", 200, 5.2, 15)));
        Assert.Empty(analyzer.Findings);
        Assert.Equal(IPAddress.Parse("192.0.2.12"), Assert.Single(analyzer.Table(), r => r.Master).Source);
        Assert.False(Assert.Single(analyzer.Table(), r => r.Source.Equals(IPAddress.Parse("192.0.2.11"))).Active);
    }

    [Fact]
    public void A_master_that_resigns_with_priority_0_hands_over_without_a_split_brain()
    {
        var adverts = Every("192.0.2.11", 150, 0, 5).Append(Advert(5.1, "192.0.2.11", prio: 0)).Concat(Every("192.0.2.12", 100, 5.8, 12));
        var analyzer = Feed(adverts);
        Assert.Empty(analyzer.Findings);
        Assert.Equal(IPAddress.Parse("192.0.2.12"), Assert.Single(analyzer.Table(), r => r.Master).Source);
    }

    [Fact]
    public void The_master_is_the_highest_priority_sender_of_the_last_three_intervals()
    {
        var analyzer = Feed(Every("192.0.2.11", 150, 0, 4));
        Assert.True(Assert.Single(analyzer.Table(TimeSpan.FromSeconds(6.9))).Master);
        Assert.False(Assert.Single(analyzer.Table(TimeSpan.FromSeconds(7.1))).Master);
    }

    [Fact]
    public void Two_routers_on_one_vrid_with_different_vips_are_a_vrid_conflict()
    {
        var analyzer = Feed([Advert(0, "192.0.2.11", vips: "192.0.2.100"), Advert(0.3, "192.0.2.50", vips: "198.51.100.7,198.51.100.8")]);
        var finding = Assert.Single(analyzer.Findings);
        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Equal("vrid-conflict", finding.Check);
        Assert.Equal(
            "VRID 51 (IPv4): 192.0.2.50 advertises 198.51.100.7,198.51.100.8 but 192.0.2.11 advertises 192.0.2.100: two groups share one VRID",
            finding.Message);
    }

    [Fact]
    public void Different_passwords_on_one_vrid_are_a_vrid_conflict()
    {
        var analyzer = Feed([Advert(0, "192.0.2.11", password: "s3cret"), Advert(0.3, "192.0.2.12", password: "other")]);
        var finding = Assert.Single(analyzer.Findings);
        Assert.Equal("vrid-conflict", finding.Check);
        Assert.Equal("VRID 51 (IPv4): 192.0.2.12 authenticates with pass \"other\" but 192.0.2.11 with pass \"s3cret\": they drop each other's adverts", finding.Message);
    }

    [Fact]
    public void Different_intervals_and_versions_are_warnings()
    {
        var analyzer = Feed([Advert(0, "192.0.2.11", intervalCs: 100), Advert(0.3, "192.0.2.12", intervalCs: 300), Advert(0.5, "192.0.2.13", version: 3)]);
        Assert.All(analyzer.Findings, f => Assert.Equal(Severity.Warning, f.Severity));
        Assert.Contains(analyzer.Findings, f => f.Check == "interval-mismatch" && f.Message == "VRID 51 (IPv4): 192.0.2.12 advertises every 3s, 192.0.2.11 every 1s");
        Assert.Contains(analyzer.Findings, f => f.Check == "version-mismatch");
        Assert.False(analyzer.HasErrors);
    }

    [Fact]
    public void Same_vrid_in_ipv4_and_ipv6_is_two_groups()
    {
        var v6 = Advert(0.2, "192.0.2.12", vips: "192.0.2.100") with { Source = IPAddress.Parse("fe80::2"), Family = VrrpAddressFamily.IPv6, Version = 3, Addresses = [IPAddress.Parse("2001:db8::100")] };
        var analyzer = Feed([Advert(0, "192.0.2.11"), v6]);
        Assert.Empty(analyzer.Findings);
        Assert.Equal(2, analyzer.Table().Count(r => r.Master));
    }

    [Fact]
    public void Invalid_adverts_are_reported_once_per_sender_and_problem_and_take_no_part_in_the_election()
    {
        var analyzer = Feed([
            Advert(0, "192.0.2.11", prio: 100),
            Advert(0.1, "192.0.2.66", prio: 250, problems: "TTL 64, expected 255"),
            Advert(1.1, "192.0.2.66", prio: 250, problems: "TTL 64, expected 255"),
            Advert(1.2, "192.0.2.67", prio: 250, vips: "203.0.113.9", problems: "bad checksum 0x1234, expected 0x0596"),
        ]);
        Assert.Equal(2, analyzer.Findings.Count);
        Assert.All(analyzer.Findings, f => Assert.Equal("invalid-advert", f.Check));
        Assert.Equal(IPAddress.Parse("192.0.2.11"), Assert.Single(analyzer.Table(), r => r.Master).Source);
        Assert.Equal(2, Assert.Single(analyzer.Table(), r => r.Source.Equals(IPAddress.Parse("192.0.2.66"))).Invalid);
    }

    [Fact]
    public void A_vrid_on_the_segment_that_collides_with_the_config_is_an_error_and_a_peer_is_not()
    {
        var config = ConfigCompiler.CompileText(
            """
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 51
                priority 100
                authentication {
                    auth_type PASS
                    auth_pass s3cret
                }
                virtual_ipaddress {
                    192.0.2.100/24
                }
            }
            """, "test.conf", ConfigCompileOptions.Default).Config;
        var analyzer = Feed([Advert(0, "192.0.2.12", password: "s3cret"), Advert(0.1, "192.0.2.50", vips: "198.51.100.7", password: "s3cret")]);
        var collisions = analyzer.CompareWithConfig(config, "eth0");
        var collision = Assert.Single(collisions);
        Assert.Equal("vrid-collision", collision.Check);
        Assert.Equal("VRID 51 (IPv4) on eth0 is configured for VI_1 and used by another group: 192.0.2.50 it advertises 198.51.100.7, VI_1 has 192.0.2.100", collision.Message);
        Assert.Empty(analyzer.CompareWithConfig(config, "eth1"));
    }

    [Fact]
    public void The_table_renders_one_aligned_row_per_sender_with_the_master_marked()
    {
        var analyzer = Feed(Every("192.0.2.11", 150, 0, 2).Concat(Every("192.0.2.12", 100, 0.5, 0.5)));
        var text = SegmentAnalyzer.RenderTable(analyzer.Table(TimeSpan.FromSeconds(2.5)));
        Assert.Equal(
            """
            VRID  FAMILY  SENDER      ROLE    PRIO  INTVL  VER  ADVERTS  INVALID  VIPS         AUTH
            51    IPv4    192.0.2.11  master  150   1s     v2   3        0        192.0.2.100  none
            51    IPv4    192.0.2.12  active  100   1s     v2   1        0        192.0.2.100  none
            """.ReplaceLineEndings("\n"),
            text);
    }

    [Fact]
    public void Decode_reads_a_bad_ttl_and_a_bad_checksum_advert_and_names_both_problems()
    {
        var buffer = new byte[64];
        var spec = new VrrpAdvertSpec(VrrpVersion.V2, VrrpAddressFamily.IPv4, 51, 200, 1) { Auth = VrrpAuth.SimpleText("s3cret") };
        var length = VrrpCodec.BuildIPv4Datagram(buffer, spec, [IPAddress.Parse("192.0.2.100")], IPAddress.Parse("192.0.2.66"), IPAddress.Parse("224.0.0.18"));
        var data = buffer[..length];
        data[8] = 64;
        data[20 + 6] ^= 0xFF;
        var advert = SegmentAdvert.Decode(new ReceivedDatagram(data, 2, IPAddress.Parse("192.0.2.66"), IPAddress.Parse("224.0.0.18"), -1), TimeSpan.Zero, Epoch)!;
        Assert.Equal(51, advert.VirtualRouterId);
        Assert.Equal(200, advert.Priority);
        Assert.Equal("pass \"s3cret\"", advert.AuthText);
        Assert.Equal(2, advert.Problems.Count);
        Assert.Equal("TTL 64, expected 255", advert.Problems[0]);
        Assert.StartsWith("bad checksum", advert.Problems[1], StringComparison.Ordinal);
        Assert.Equal("03:00:00.000 192.0.2.66 vrid 51 v2 prio 200 intvl 1s vips 192.0.2.100 auth pass \"s3cret\" INVALID: TTL 64, expected 255; " + advert.Problems[1], advert.Describe());
    }
}
