using System.Net;
using ActorHa.Node.Diagnostics;

namespace ActorHa.Node.Tests.Diagnostics;

/// <summary>
/// The doctor's firewall walk on real <c>nft -j list ruleset</c> / <c>nft -a list ruleset</c> output (Samples/*.json and
/// *.txt, made with nftables 1.0.6 in a scratch network namespace) and on seed 000's iptables rules as iptables-save prints them.
/// </summary>
public sealed class FirewallRulesetTests
{
    private static readonly IPAddress Group4 = IPAddress.Parse("224.0.0.18");
    private static readonly IPAddress Group6 = IPAddress.Parse("ff02::12");

    private static FirewallRuleset Nft(string sample) =>
        FirewallRuleset.ParseNft(File.ReadAllText(Sample(sample + ".json")), File.ReadAllText(Sample(sample + ".txt")));

    private static string Sample(string name) => Path.Combine(AppContext.BaseDirectory, "Diagnostics", "Samples", name);

    private static VrrpPacket In(string iface, bool ipv6 = false) =>
        new(true, ipv6, iface, ipv6 ? Group6 : Group4, ipv6 ? IPAddress.Parse("fe80::1") : IPAddress.Parse("192.0.2.11"));

    private static VrrpPacket Out(string iface, bool ipv6 = false) => In(iface, ipv6) with { Incoming = false };

    [Fact]
    public void A_drop_rule_for_protocol_vrrp_is_an_error_naming_table_chain_handle_and_its_text()
    {
        var finding = Assert.Single(Nft("lab-drop").Check([In("eth0"), Out("eth0")]));
        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Equal("nft table inet ahtest chain input handle 2 drops incoming VRRP (IPv4, to 224.0.0.18) on eth0", finding.Message);
        Assert.Equal("ip protocol vrrp drop", finding.Evidence);
        Assert.Equal("nft insert rule inet ahtest input position 2 iifname \"eth0\" meta l4proto vrrp accept\n(or remove it: nft delete rule inet ahtest input handle 2)", finding.Fix);
    }

    [Fact]
    public void The_first_deciding_rule_wins_and_every_base_chain_on_the_hook_is_walked()
    {
        var findings = Nft("mixed").Check([In("eth0"), In("eth0", ipv6: true)]);
        // IPv4: inet filter input drops at handle 7 (before the accept at 9); ip raw prerouting drops too.
        Assert.Contains(findings, f => f.Message == "nft table inet filter chain input handle 7 drops incoming VRRP (IPv4, to 224.0.0.18) on eth0" && f.Evidence == "ip protocol vrrp drop");
        Assert.Contains(findings, f => f.Message == "nft table ip raw chain pre handle 2 drops incoming VRRP (IPv4, to 224.0.0.18) on eth0");
        // IPv6: "ip protocol" rules do not apply; meta l4proto 112 accepts at handle 9 before ff02::12 is dropped at 10.
        Assert.DoesNotContain(findings, f => f.Message.Contains("IPv6", StringComparison.Ordinal));
        Assert.Equal(2, findings.Count);
        Assert.All(findings, f => Assert.Equal(Severity.Error, f.Severity));
    }

    [Fact]
    public void Seed_000s_firewall_accepts_vrrp_on_eth1_and_its_drop_policy_blocks_it_on_eth0()
    {
        var rules = Nft("seed000");
        Assert.Empty(rules.Check([In("eth1"), Out("eth1")]));
        var finding = Assert.Single(rules.Check([In("eth0"), Out("eth0")]));
        Assert.Equal("nft table ip filter chain INPUT has policy drop and no rule accepts incoming VRRP (IPv4, to 224.0.0.18) on eth0", finding.Message);
        Assert.Equal("nft insert rule ip filter INPUT iifname \"eth0\" ip protocol vrrp accept", finding.Fix);
        // An "ip" table does not see IPv6 at all.
        Assert.Empty(rules.Check([In("eth0", ipv6: true)]));
    }

    [Fact]
    public void Jumps_are_followed_and_an_output_policy_drop_catches_ipv6_adverts()
    {
        var rules = Nft("jump-ssh");
        Assert.Empty(rules.Check([In("eth0"), In("eth0", ipv6: true), Out("eth0")]));
        var finding = Assert.Single(rules.Check([Out("eth0", ipv6: true)]));
        Assert.Equal("nft table inet fw chain output has policy drop and no rule accepts outgoing VRRP (IPv6, to ff02::12) on eth0", finding.Message);
        Assert.Equal("nft insert rule inet fw output oifname \"eth0\" meta l4proto vrrp accept", finding.Fix);
    }

    [Fact]
    public void A_rule_the_doctor_cannot_decide_makes_a_warning_not_an_error()
    {
        const string json = """
            {"nftables": [{"chain": {"family": "inet", "table": "t", "name": "input", "handle": 1, "type": "filter", "hook": "input", "prio": 0, "policy": "accept"}},
            {"rule": {"family": "inet", "table": "t", "chain": "input", "handle": 2, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "mark"}}, "right": 7}}, {"drop": null}]}}]}
            """;
        var finding = Assert.Single(FirewallRuleset.ParseNft(json, null).Check([In("eth0")]));
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.StartsWith("nft table inet t chain input handle 2 may drop incoming VRRP", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Seed_000s_iptables_rules_accept_vrrp_on_eth1_drop_it_on_eth0_by_policy_and_on_eth2_in_raw()
    {
        var rules = FirewallRuleset.ParseIptablesSave(File.ReadAllText(Sample("seed000.iptables-save")), ipv6: false);
        Assert.Empty(rules.Check([In("eth1"), Out("eth1")]));
        var eth0 = Assert.Single(rules.Check([In("eth0")]));
        Assert.Equal("iptables table filter chain INPUT has policy drop and no rule accepts incoming VRRP (IPv4, to 224.0.0.18) on eth0", eth0.Message);
        Assert.Equal("iptables -t filter -I INPUT 1 -i eth0 -p vrrp -j ACCEPT", eth0.Fix);
        var eth2 = rules.Check([In("eth2")]);
        var raw = Assert.Single(eth2, f => f.Message.StartsWith("iptables table raw", StringComparison.Ordinal));
        Assert.Equal("iptables table raw chain PREROUTING rule 1 drops incoming VRRP (IPv4, to 224.0.0.18) on eth2", raw.Message);
        Assert.Equal("-A PREROUTING -i eth2 -p vrrp -m comment --comment \"no vrrp on the storage net\" -j DROP", raw.Evidence);
        Assert.Equal("iptables -t raw -I PREROUTING 1 -i eth2 -p vrrp -j ACCEPT\n(or remove it: iptables -t raw -D PREROUTING 1)", raw.Fix);
    }

    [Fact]
    public void Findings_for_one_rule_on_several_interfaces_are_merged()
    {
        var finding = Assert.Single(Nft("lab-drop").Check([In("eth0"), In("eth1")]));
        Assert.EndsWith("on eth0,eth1", finding.Message, StringComparison.Ordinal);
    }
}
