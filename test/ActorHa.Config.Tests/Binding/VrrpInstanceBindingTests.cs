using System.Net;
using System.Net.Sockets;
using ActorHa.Config.Model;

namespace ActorHa.Config.Tests.Binding;

public sealed class VrrpInstanceBindingTests
{
    [Fact]
    public void Every_vrrp_instance_keyword_of_the_seed_binds()
    {
        var config = Compile.Clean("""
            global_defs {
              enable_script_security
            }
            vrrp_script chk_http_port {
              script "</dev/tcp/127.0.0.1/80"
              interval 1
              weight -10
            }
            vrrp_instance VI_1 {
              state BACKUP
              interface eth0
              use_vmac vrrp51
              vmac_xmit_base
              dont_track_primary
              track_interface {
                eth1
                eth2 weight 10 reverse
              }
              track_script {
                chk_http_port weight -20
              }
              mcast_src_ip 192.0.2.163
              garp_master_delay 10
              garp_master_repeat 3
              garp_master_refresh 60
              garp_master_refresh_repeat 2
              virtual_router_id 1
              priority 150
              advert_int 2
              authentication {
                auth_type PASS
                auth_pass 12345678
              }
              virtual_ipaddress {
                192.0.2.253/24 brd 192.0.2.255 dev eth0
                198.51.100.11/24 brd 198.51.100.255 dev eth1 label eth1:vip scope global
              }
              virtual_ipaddress_excluded {
                2001:db8::11/64 dev eth1
              }
              virtual_routes {
                203.0.113.0/24 via 192.0.2.1
                default via 198.51.100.1 dev eth1 table 100 metric 10
              }
              nopreempt
              debug
              notify_master "/etc/keepalived/notify.sh master" root
              notify_backup /etc/keepalived/notify.sh
              notify_fault "/etc/keepalived/notify.sh fault"
              notify_stop /etc/keepalived/stop.sh
              notify /etc/keepalived/any.sh
              smtp_alert
              accept
            }
            """);

        var i = Assert.Single(config.VrrpInstances);
        Assert.Equal("VI_1", i.Name);
        Assert.Equal(VrrpState.Backup, i.State);
        Assert.Equal("eth0", i.Interface);
        Assert.Equal(new UseVmac("vrrp51", null), i.UseVmac);
        Assert.True(i.VmacXmitBase);
        Assert.True(i.DontTrackPrimary);
        Assert.Equal([new TrackedInterface("eth1", 0, false), new TrackedInterface("eth2", 10, true)], i.TrackInterface);
        Assert.Equal([new TrackedScript("chk_http_port", -20, false)], i.TrackScript);
        Assert.Equal(IPAddress.Parse("192.0.2.163"), i.McastSrcIp);
        Assert.Equal(TimeSpan.FromSeconds(10), i.GarpMasterDelay);
        Assert.Equal(3, i.GarpMasterRepeat);
        Assert.Equal(TimeSpan.FromSeconds(60), i.GarpMasterRefresh);
        Assert.Equal(2, i.GarpMasterRefreshRepeat);
        Assert.Equal(1, i.VirtualRouterId);
        Assert.Equal(150, i.Priority);
        Assert.Equal(TimeSpan.FromSeconds(2), i.AdvertInt);
        Assert.Equal(2, i.Version);
        Assert.Equal(AddressFamily.InterNetwork, i.Family);
        Assert.Equal(new Authentication(AuthType.Pass, "12345678"), i.Authentication);
        Assert.Equal(["192.0.2.253/24", "198.51.100.11/24"], i.VirtualIpaddress.Select(v => v.Address.ToString()));
        var second = i.VirtualIpaddress[1];
        Assert.Equal((IPAddress.Parse("198.51.100.255"), "eth1", "eth1:vip", "global"), (second.Broadcast, second.Device, second.Label, second.Scope));
        Assert.Equal("2001:db8::11/64", Assert.Single(i.VirtualIpaddressExcluded).Address.ToString());
        Assert.Equal(2, i.VirtualRoutes.Count);
        Assert.Equal("0.0.0.0/0", i.VirtualRoutes[1].Destination.ToString());
        Assert.Equal(("eth1", "100", 10), (i.VirtualRoutes[1].Device, i.VirtualRoutes[1].Table, i.VirtualRoutes[1].Metric));
        Assert.True(i.Nopreempt);
        Assert.Equal(1, i.Debug);
        Assert.Equal(new NotifyScript("/etc/keepalived/notify.sh master", "root"), i.Notify.Master);
        Assert.Equal("/etc/keepalived/notify.sh", i.Notify.Backup!.Command);
        Assert.Equal("/etc/keepalived/notify.sh fault", i.Notify.Fault!.Command);
        Assert.Equal("/etc/keepalived/stop.sh", i.Notify.Stop!.Command);
        Assert.Equal("/etc/keepalived/any.sh", i.Notify.Notify!.Command);
        Assert.True(i.SmtpAlert);
        Assert.True(i.Accept);
    }

    [Fact]
    public void Priority_out_of_range_is_an_error_at_the_value_and_falls_back_to_100()
    {
        var result = Compile.Text(Compile.Instance("  priority 300"));
        Assert.Equal(["k.conf:4:12: error: (VI_1) priority 300 not in 1..255, using 100"], result.Messages());
        Assert.Equal(100, result.Config.VrrpInstances[0].Priority);
        Assert.Equal(4, result.ExitCode);
    }

    [Theory]
    [InlineData("  priority 0", "k.conf:4:12: error: (VI_1) priority 0 not in 1..255, using 100")]
    [InlineData("  priority abc", "k.conf:4:12: error: (VI_1) priority 'abc' is not an integer, using 100")]
    [InlineData("  priority", "k.conf:4:3: error: (VI_1) priority needs a value, using 100")]
    public void Invalid_priorities_fall_back_to_100(string line, string message)
    {
        var result = Compile.Text(Compile.Instance(line));
        Assert.Equal([message], result.Messages());
        Assert.Equal(100, result.Config.VrrpInstances[0].Priority);
    }

    [Theory]
    [InlineData("  state MASTER", 255)]
    [InlineData("  state BACKUP", 100)]
    [InlineData("", 100)]
    [InlineData("  state MASTER\n  priority 120", 120)]
    public void Missing_priority_is_255_for_state_MASTER_and_100_otherwise(string lines, int priority)
    {
        var config = Compile.Clean(Compile.Instance(lines));
        Assert.Equal(priority, config.VrrpInstances[0].Priority);
    }

    [Fact]
    public void Missing_virtual_router_id_is_fatal()
    {
        var result = Compile.Text("vrrp_instance VI_1 {\n  interface eth0\n  virtual_ipaddress {\n    192.0.2.10\n  }\n}\n");
        Assert.Equal(["k.conf:1:1: fatal: (VI_1) virtual_router_id is not set"], result.Messages());
        Assert.Equal(3, result.ExitCode);
    }

    [Theory]
    [InlineData("300", "k.conf:2:21: fatal: (VI_1) virtual_router_id '300' not in 1..255")]
    [InlineData("0", "k.conf:2:21: fatal: (VI_1) virtual_router_id '0' not in 1..255")]
    [InlineData("x1", "k.conf:2:21: fatal: (VI_1) virtual_router_id 'x1' not in 1..255")]
    public void Invalid_virtual_router_id_is_fatal(string vrid, string message)
    {
        var result = Compile.Text($"vrrp_instance VI_1 {{\n  virtual_router_id {vrid}\n  virtual_ipaddress {{\n    192.0.2.10\n  }}\n}}\n");
        Assert.Equal([message], result.Messages());
        Assert.Equal(3, result.ExitCode);
    }

    [Theory]
    [InlineData("  advert_int 0.5", 1.0, "k.conf:4:14: error: (VI_1) advert_int 0.5 must be whole seconds with VRRPv2, using 1")]
    [InlineData("  advert_int 2.5", 3.0, "k.conf:4:14: error: (VI_1) advert_int 2.5 must be whole seconds with VRRPv2, using 3")]
    [InlineData("  advert_int 300", 1.0, "k.conf:4:14: error: (VI_1) advert_int 300 not in 0.01..255, using 1")]
    [InlineData("  advert_int 0", 1.0, "k.conf:4:14: error: (VI_1) advert_int 0 not in 0.01..255, using 1")]
    [InlineData("  advert_int abc", 1.0, "k.conf:4:14: error: (VI_1) advert_int 'abc' is not a number of seconds, using 1")]
    [InlineData("  version 3\n  advert_int 50", 40.95, "k.conf:5:14: error: (VI_1) advert_int 50 not in 0.01..40.95 with VRRPv3, using 40.95")]
    [InlineData("  version 3\n  advert_int 0.123", 0.12, "k.conf:5:14: error: (VI_1) advert_int 0.123 is not in hundredths of a second with VRRPv3, using 0.12")]
    public void Advert_int_follows_the_version_rules(string lines, double seconds, string message)
    {
        var result = Compile.Text(Compile.Instance(lines));
        Assert.Equal([message], result.Messages());
        Assert.Equal(TimeSpan.FromSeconds(seconds), result.Config.VrrpInstances[0].AdvertInt);
    }

    [Theory]
    [InlineData("  advert_int 3", 2, 3.0)]
    [InlineData("  version 3\n  advert_int 0.25", 3, 0.25)]
    [InlineData("  advert_int 0.25\n  version 3", 3, 0.25)]
    public void Valid_advert_int_is_kept_whatever_the_keyword_order(string lines, int version, double seconds)
    {
        var i = Compile.Clean(Compile.Instance(lines)).VrrpInstances[0];
        Assert.Equal((version, TimeSpan.FromSeconds(seconds)), (i.Version, i.AdvertInt));
    }

    [Fact]
    public void Global_vrrp_version_is_the_instance_default()
    {
        var config = Compile.Clean("global_defs {\n  vrrp_version 3\n}\n" + Compile.Instance("  advert_int 0.5"));
        Assert.Equal(3, config.VrrpInstances[0].Version);
    }

    [Fact]
    public void Nopreempt_is_ignored_with_a_warning_for_state_MASTER()
    {
        var result = Compile.Text(Compile.Instance("  state MASTER\n  priority 150\n  nopreempt"));
        Assert.Equal(["k.conf:6:3: warning: (VI_1) nopreempt is ignored with state MASTER; use state BACKUP on every node"], result.Messages());
        Assert.False(result.Config.VrrpInstances[0].Nopreempt);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public void Nopreempt_is_ignored_with_a_warning_for_the_address_owner()
    {
        var result = Compile.Text(Compile.Instance("  state MASTER\n  nopreempt"));
        Assert.Equal(["k.conf:5:3: warning: (VI_1) nopreempt is ignored with priority 255 (the address owner always preempts)"], result.Messages());
        Assert.False(result.Config.VrrpInstances[0].Nopreempt);
    }

    [Fact]
    public void Nopreempt_on_a_BACKUP_holds_and_cancels_preempt_delay()
    {
        var result = Compile.Text(Compile.Instance("  state BACKUP\n  nopreempt\n  preempt_delay 5"));
        Assert.Equal(["k.conf:6:3: warning: (VI_1) preempt_delay is ignored with nopreempt"], result.Messages());
        Assert.True(result.Config.VrrpInstances[0].Nopreempt);
        Assert.Equal(TimeSpan.Zero, result.Config.VrrpInstances[0].PreemptDelay);
    }

    [Fact]
    public void Preempt_delay_takes_fractions_up_to_1000_seconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(4.12), Compile.Clean(Compile.Instance("  preempt_delay 4.12")).VrrpInstances[0].PreemptDelay);
        Assert.Equal(["k.conf:4:17: error: (VI_1) preempt_delay 2000 not in 0..1000, using 0"], Compile.Text(Compile.Instance("  preempt_delay 2000")).Messages());
    }

    [Fact]
    public void Unknown_keyword_suggests_the_nearest_one_of_the_block()
    {
        var result = Compile.Text(Compile.Instance("  priorty 100\n  advert_itn 1\n  frobnicate"));
        Assert.Equal(
        [
            "k.conf:4:3: warning: unknown keyword 'priorty' in vrrp_instance, did you mean 'priority'?",
            "k.conf:5:3: warning: unknown keyword 'advert_itn' in vrrp_instance, did you mean 'advert_int'?",
            "k.conf:6:3: warning: unknown keyword 'frobnicate' in vrrp_instance",
        ], result.Messages());
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public void Real_keepalived_keywords_ActorHa_does_not_use_are_listed_once()
    {
        var result = Compile.Text(Compile.Instance("  promote_secondaries\n  kernel_rx_buf_size 4096\n  promote_secondaries"));
        Assert.Equal(["k.conf:4:3: warning: (VI_1) keepalived keywords not used by ActorHa: promote_secondaries, kernel_rx_buf_size"], result.Messages());
        Assert.Equal(["promote_secondaries", "kernel_rx_buf_size"], result.Config.VrrpInstances[0].UnusedKeywords);
    }

    [Fact]
    public void Lvs_sync_daemon_interface_is_deprecated()
    {
        var result = Compile.Text(Compile.Instance("  lvs_sync_daemon_interface eth1"));
        Assert.Equal(["k.conf:4:3: warning: (VI_1) lvs_sync_daemon_interface is deprecated, use lvs_sync_daemon in global_defs"], result.Messages());
        Assert.Equal("eth1", result.Config.VrrpInstances[0].LvsSyncDaemonInterface);
    }

    [Fact]
    public void Native_ipv6_is_deprecated_but_still_makes_the_instance_IPv6_as_in_keepalived()
    {
        var result = Compile.Text("vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 5\n  native_ipv6\n  virtual_ipaddress {\n    192.0.2.1/24\n  }\n}\n");
        Assert.Equal(
        [
            "k.conf:4:3: warning: (VI_1) native_ipv6 is deprecated, the virtual addresses decide the family",
            "k.conf:6:5: error: (VI_1) virtual_ipaddress 192.0.2.1/24 is not IPv6 like the instance, ignoring it (use virtual_ipaddress_excluded)",
        ], result.Messages());
        Assert.Equal((System.Net.Sockets.AddressFamily.InterNetworkV6, 3), (result.Config.VrrpInstances[0].Family, result.Config.VrrpInstances[0].Version));
    }

    [Fact]
    public void Strict_mode_enforces_what_keepalived_enforces()
    {
        var result = Compile.Text("global_defs {\n  vrrp_strict\n}\n" + Compile.Instance(
            "  state MASTER\n  priority 100\n  preempt_delay 5\n  authentication {\n    auth_type PASS\n    auth_pass 1234\n  }"));
        Assert.Equal(
        [
            "k.conf:4:1: error: (VI_1) state MASTER needs priority 255 in strict mode, using BACKUP",
            "k.conf:9:3: error: (VI_1) preempt_delay is not allowed in strict mode, using 0",
            "k.conf:10:3: error: (VI_1) authentication is not allowed in strict mode, ignoring it",
        ], result.Messages());
        var i = result.Config.VrrpInstances[0];
        Assert.Equal((VrrpState.Backup, TimeSpan.Zero, (Authentication?)null), (i.State, i.PreemptDelay, i.Authentication));
    }

    [Fact]
    public void Unknown_state_falls_back_to_BACKUP()
    {
        var result = Compile.Text(Compile.Instance("  state FOO"));
        Assert.Equal(["k.conf:4:9: error: (VI_1) state 'FOO' is not one of MASTER|BACKUP, using BACKUP"], result.Messages());
        Assert.Equal(VrrpState.Backup, result.Config.VrrpInstances[0].State);
    }

    [Fact]
    public void IPv6_instances_run_VRRPv3_and_keep_one_family()
    {
        var result = Compile.Text("""
            vrrp_instance VI_6 {
              interface eth0
              virtual_router_id 60
              version 2
              virtual_ipaddress {
                2001:db8::10/64
                192.0.2.10/24
              }
            }
            """);
        Assert.Equal(
        [
            "k.conf:4:3: warning: (VI_6) IPv6 instances always use VRRPv3, using version 3",
            "k.conf:7:5: error: (VI_6) virtual_ipaddress 192.0.2.10/24 is not IPv6 like the instance, ignoring it (use virtual_ipaddress_excluded)",
        ], result.Messages());
        var i = result.Config.VrrpInstances[0];
        Assert.Equal((AddressFamily.InterNetworkV6, 3), (i.Family, i.Version));
        Assert.Equal("2001:db8::10/64", Assert.Single(i.VirtualIpaddress).Address.ToString());
    }

    [Fact]
    public void Authentication_is_cut_to_8_characters_and_dropped_for_VRRPv3()
    {
        var v2 = Compile.Text(Compile.Instance("  authentication {\n    auth_type PASS\n    auth_pass 123456789abc\n  }"));
        Assert.Equal(["k.conf:6:15: warning: (VI_1) auth_pass is longer than 8 characters, only the first 8 are used"], v2.Messages());
        Assert.Equal(new Authentication(AuthType.Pass, "12345678"), v2.Config.VrrpInstances[0].Authentication);

        var v3 = Compile.Text(Compile.Instance("  version 3\n  authentication {\n    auth_type PASS\n    auth_pass 1234\n  }"));
        Assert.Equal(["k.conf:5:3: error: (VI_1) authentication is not supported by VRRPv3, ignoring it"], v3.Messages());
        Assert.Null(v3.Config.VrrpInstances[0].Authentication);

        var ah = Compile.Text(Compile.Instance("  authentication {\n    auth_type AH\n    auth_pass 1234\n  }"));
        Assert.Equal(["k.conf:4:3: error: (VI_1) auth_type AH is not supported by ActorHa (RFC 3768 withdrew it, VRRPv3 has none), running without authentication: peers using AH will reject our adverts"], ah.Messages());
        Assert.Null(ah.Config.VrrpInstances[0].Authentication);

        var bad = Compile.Text(Compile.Instance("  authentication {\n    auth_type XYZ\n  }"));
        Assert.Equal(["k.conf:5:15: error: (VI_1) auth_type 'XYZ' is not one of PASS|AH, ignoring authentication"], bad.Messages());
    }

    [Theory]
    [InlineData("  smtp_alert", true)]
    [InlineData("  smtp_alert on", true)]
    [InlineData("  smtp_alert yes", true)]
    [InlineData("  smtp_alert true", true)]
    [InlineData("  smtp_alert off", false)]
    [InlineData("  smtp_alert no", false)]
    [InlineData("  smtp_alert false", false)]
    public void Booleans_take_keepalived_words(string line, bool value) =>
        Assert.Equal(value, Compile.Clean(Compile.Instance(line)).VrrpInstances[0].SmtpAlert);

    [Fact]
    public void A_bad_boolean_is_an_error_that_means_on()
    {
        var result = Compile.Text(Compile.Instance("  smtp_alert maybe"));
        Assert.Equal(["k.conf:4:14: error: (VI_1) smtp_alert 'maybe' is not one of on|off|true|false|yes|no, using on"], result.Messages());
    }

    [Fact]
    public void Unicast_peers_and_use_vmac_need_vmac_xmit_base()
    {
        var result = Compile.Text(Compile.Instance("  use_vmac\n  unicast_src_ip 192.0.2.1\n  unicast_peer {\n    192.0.2.2\n    192.0.2.3 min_ttl 250 max_ttl 255\n  }"));
        Assert.Equal(["k.conf:4:3: error: (VI_1) use_vmac with unicast_peer needs vmac_xmit_base, setting it"], result.Messages());
        var i = result.Config.VrrpInstances[0];
        Assert.True(i.VmacXmitBase);
        Assert.Equal([new UnicastPeer(IPAddress.Parse("192.0.2.2"), null, null), new UnicastPeer(IPAddress.Parse("192.0.2.3"), 250, 255)], i.UnicastPeer);
    }

    [Fact]
    public void Track_interface_weight_out_of_range_drops_the_line()
    {
        var result = Compile.Text(Compile.Instance("  track_interface {\n    eth1 weight 300\n    eth2\n  }"));
        Assert.Equal(["k.conf:5:17: error: (VI_1) track_interface eth1 weight 300 not in -253..253, ignoring it"], result.Messages());
        Assert.Equal([new TrackedInterface("eth2", 0, false)], result.Config.VrrpInstances[0].TrackInterface);
    }

    [Fact]
    public void A_block_keyword_without_braces_is_an_error()
    {
        var result = Compile.Text(Compile.Instance("  track_script chk"));
        Assert.Equal(["k.conf:4:3: error: (VI_1) track_script expects a { block }, ignoring it"], result.Messages());
    }

    [Fact]
    public void Diagnostics_are_all_collected_and_shown_in_reading_order()
    {
        var result = Compile.Text(Compile.Instance("  advert_int 0.5\n  priority 300\n  state FOO\n  priorty 1"));
        Assert.Equal(
        [
            "k.conf:4:14: error: (VI_1) advert_int 0.5 must be whole seconds with VRRPv2, using 1",
            "k.conf:5:12: error: (VI_1) priority 300 not in 1..255, using 100",
            "k.conf:6:9: error: (VI_1) state 'FOO' is not one of MASTER|BACKUP, using BACKUP",
            "k.conf:7:3: warning: unknown keyword 'priorty' in vrrp_instance, did you mean 'priority'?",
        ], result.Messages());
    }
}
