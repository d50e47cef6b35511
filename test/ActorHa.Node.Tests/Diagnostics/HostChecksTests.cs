using System.Net;
using ActorHa.Config;
using ActorHa.Config.Model;
using ActorHa.Node.Diagnostics;

namespace ActorHa.Node.Tests.Diagnostics;

public sealed class HostChecksTests
{
    private sealed class FakeHost(Dictionary<string, string> sysctls, params InterfaceFacts[] interfaces) : IHostProbe
    {
        public Dictionary<string, string> Routes { get; } = [];

        public string? Sysctl(string directory, string name) => sysctls.GetValueOrDefault($"{directory}/{name}");

        public InterfaceFacts? Interface(string name) => interfaces.FirstOrDefault(i => i.Name == name);

        public IReadOnlyList<InterfaceFacts> Interfaces() => interfaces;

        public string? RouteDevice(IPAddress address) => Routes.GetValueOrDefault(address.ToString());
    }

    private static InterfaceFacts Eth0(bool up = true, bool multicast = true) =>
        new("eth0", up, up, multicast, [(IPAddress.Parse("192.0.2.11"), 24)]);

    private static KeepalivedConfig Config(string extra = "", string vip = "192.0.2.100/24") =>
        ConfigCompiler.CompileText(
            $$"""
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 51
                priority 100
                {{extra}}
                virtual_ipaddress {
                    {{vip}}
                }
            }
            """, "test.conf", ConfigCompileOptions.Default).Config;

    [Fact]
    public void Strict_rp_filter_on_a_plain_interface_with_on_link_peers_is_not_reported()
    {
        var host = new FakeHost(new() { ["net/ipv4/conf/all/rp_filter"] = "1", ["net/ipv4/conf/eth0/rp_filter"] = "1" }, Eth0());
        Assert.Empty(HostChecks.ReversePathFilter(Config(), host));
    }

    [Fact]
    public void Strict_rp_filter_in_conf_all_breaks_use_vmac()
    {
        var host = new FakeHost(new() { ["net/ipv4/conf/all/rp_filter"] = "1", ["net/ipv4/conf/eth0/rp_filter"] = "0" }, Eth0());
        var finding = Assert.Single(HostChecks.ReversePathFilter(Config("use_vmac"), host));
        Assert.Equal(Severity.Error, finding.Severity);
        Assert.StartsWith("net.ipv4.conf.all.rp_filter = 1 (strict) overrides the rp_filter 0 that use_vmac sets", finding.Message, StringComparison.Ordinal);
        Assert.Equal("sysctl -w net.ipv4.conf.all.rp_filter=2   (loose; or 0)", finding.Fix);
    }

    [Fact]
    public void Strict_rp_filter_drops_a_unicast_peer_routed_through_another_interface()
    {
        var host = new FakeHost(new() { ["net/ipv4/conf/all/rp_filter"] = "0", ["net/ipv4/conf/eth0/rp_filter"] = "1" }, Eth0());
        host.Routes["198.51.100.12"] = "eth1";
        host.Routes["192.0.2.12"] = "eth0";
        var config = Config("unicast_peer {\n 198.51.100.12\n 192.0.2.12\n }");
        var finding = Assert.Single(HostChecks.ReversePathFilter(config, host));
        Assert.Equal("strict rp_filter on eth0 drops the adverts of VI_1's unicast_peer 198.51.100.12: the route back to it leaves through eth1", finding.Message);
    }

    [Fact]
    public void Arp_ignore_8_is_an_error_and_2_only_hurts_a_vip_outside_the_interfaces_subnets()
    {
        var eight = new FakeHost(new() { ["net/ipv4/conf/all/arp_ignore"] = "8" }, Eth0());
        Assert.Equal(Severity.Error, Assert.Single(HostChecks.Arp(Config(), eight)).Severity);
        var two = new FakeHost(new() { ["net/ipv4/conf/eth0/arp_ignore"] = "2" }, Eth0());
        Assert.Empty(HostChecks.Arp(Config(), two));
        var outside = Assert.Single(HostChecks.Arp(Config(vip: "198.51.100.10/32"), two));
        Assert.Equal(Severity.Warning, outside.Severity);
        Assert.Contains("198.51.100.10", outside.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_down_and_non_multicast_interfaces_are_errors()
    {
        Assert.Equal("eth0 (used by VI_1) does not exist in this network namespace", Assert.Single(HostChecks.Interfaces(Config(), new FakeHost([]))).Message);
        Assert.Equal("ip link set eth0 up", Assert.Single(HostChecks.Interfaces(Config(), new FakeHost([], Eth0(up: false)))).Fix);
        Assert.Equal("ip link set eth0 multicast on   (or use unicast_peer)", Assert.Single(HostChecks.Interfaces(Config(), new FakeHost([], Eth0(multicast: false)))).Fix);
        Assert.Empty(HostChecks.Interfaces(Config("unicast_peer {\n 192.0.2.12\n }"), new FakeHost([], Eth0(multicast: false))));
    }

    [Fact]
    public void Nonlocal_bind_off_is_a_note()
    {
        var finding = Assert.Single(HostChecks.NonlocalBind(Config(), new FakeHost(new() { ["net/ipv4/ip_nonlocal_bind"] = "0" }, Eth0())));
        Assert.Equal(Severity.Info, finding.Severity);
        Assert.Equal("sysctl -w net.ipv4.ip_nonlocal_bind=1", finding.Fix);
    }
}
