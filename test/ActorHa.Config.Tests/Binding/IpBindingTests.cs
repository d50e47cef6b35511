using System.Net;
using ActorHa.Config.Diagnostics;
using ActorHa.Config.Model;

namespace ActorHa.Config.Tests.Binding;

public sealed class IpBindingTests
{
    [Fact]
    public void Static_addresses_routes_and_rules_bind()
    {
        var config = Compile.Clean("""
            static_ipaddress {
              192.0.2.163/24 brd 192.0.2.255 dev eth0
              192.0.2.16 dev eth1 scope link
            }
            static_routes {
              10.0.0.0/8 via 192.0.2.1 dev eth0
              src 192.0.2.163 198.51.100.0/24 via 192.0.2.254 dev eth0 metric 5 no_track
              blackhole 203.0.113.1/32
              2001:db8:1::/48 via 2001:db8::1 dev eth1 table 100
            }
            static_rules {
              from 192.0.2.0/24 table 1 preference 100
              to 198.51.100.0/24 lookup 2 pref 101 no_track
            }
            """);

        var first = config.StaticAddresses[0];
        Assert.Equal(("192.0.2.163/24", IPAddress.Parse("192.0.2.255"), "eth0", new SourceLocation("k.conf", 2, 3)),
            (first.Address.ToString(), first.Broadcast, first.Device, first.Location));
        Assert.Equal(("192.0.2.16/32", "link"), (config.StaticAddresses[1].Address.ToString(), config.StaticAddresses[1].Scope));

        var routes = config.StaticRoutes;
        Assert.Equal(("10.0.0.0/8", "192.0.2.1", "eth0"), (routes[0].Destination.ToString(), routes[0].Via.Single().ToString(), routes[0].Device));
        Assert.Equal((IPAddress.Parse("192.0.2.163"), 5, true), (routes[1].Source, routes[1].Metric, routes[1].NoTrack));
        Assert.Equal((RouteType.Blackhole, "203.0.113.1/32"), (routes[2].Type, routes[2].Destination.ToString()));
        Assert.Equal(("2001:db8:1::/48", "100"), (routes[3].Destination.ToString(), routes[3].Table));

        var rules = config.StaticRules;
        Assert.Equal(("192.0.2.0/24", "1", 100), (rules[0].From!.ToString(), rules[0].Table, rules[0].Preference));
        Assert.Equal(("198.51.100.0/24", "2", 101, true), (rules[1].To!.ToString(), rules[1].Table, rules[1].Preference, rules[1].NoTrack));
    }

    [Fact]
    public void Default_route_takes_the_family_of_its_gateway()
    {
        var routes = Compile.Clean("static_routes {\n  default via 192.0.2.1\n  default via 2001:db8::1 dev eth0\n}\n").StaticRoutes;
        Assert.Equal(["0.0.0.0/0", "::/0"], routes.Select(r => r.Destination.ToString()));
    }

    [Fact]
    public void Deprecated_route_words_are_warned_and_still_understood()
    {
        var result = Compile.Text("static_routes {\n  192.0.2.0/24 via 198.51.100.1 or 198.51.100.2\n  0.0.0.0/0 gw 192.0.2.1 table 100\n}\n");
        Assert.Equal(
        [
            "k.conf:2:33: warning: static_routes: 'or' is deprecated, use 'nexthop'",
            "k.conf:3:13: warning: static_routes: 'gw' is deprecated, use 'via'",
        ], result.Messages());
        Assert.Equal(2, result.Config.StaticRoutes[0].Via.Count);
    }

    [Fact]
    public void Bad_addresses_are_errors_naming_the_block()
    {
        var result = Compile.Text(Compile.Instance("  virtual_ipaddress_excluded {\n    192.0.2.300/24\n    192.0.2.20/33\n    192.0.2.21 dev\n    192.0.2.22 colour blue\n  }"));
        Assert.Equal(
        [
            "k.conf:5:5: error: (VI_1) virtual_ipaddress_excluded '192.0.2.300/24' is not an IP address or prefix, ignoring",
            "k.conf:6:5: error: (VI_1) virtual_ipaddress_excluded '192.0.2.20/33' is not an IP address or prefix, ignoring",
            "k.conf:7:16: error: (VI_1) virtual_ipaddress_excluded 192.0.2.21: dev needs a value, ignoring it",
            "k.conf:8:16: error: (VI_1) virtual_ipaddress_excluded 192.0.2.22: unknown option 'colour', ignoring it",
            "k.conf:8:23: error: (VI_1) virtual_ipaddress_excluded 192.0.2.22: unknown option 'blue', ignoring it",
        ], result.Messages());
    }

    [Fact]
    public void Rule_without_preference_is_warned_because_keepalived_numbers_them_by_position()
    {
        var result = Compile.Text("static_rules {\n  from 192.0.2.0/24 table 1\n  to 192.168.100./24 table 1\n}\n");
        Assert.Equal(
        [
            "k.conf:2:3: warning: static_rules: rule has no preference; keepalived picks one by position, set it explicitly",
            "k.conf:3:6: error: static_rules to '192.168.100./24' is not an IP address or prefix, ignoring",
        ], result.Messages());
        Assert.Single(result.Config.StaticRules);
    }
}
