using System.Net;
using ActorHa.Config.Model;

namespace ActorHa.Config.Tests.Binding;

public sealed class GlobalDefsBindingTests
{
    [Fact]
    public void Every_global_defs_keyword_of_the_seeds_binds()
    {
        var g = Compile.Clean("""
            global_defs {
              notification_email {
                a@example.com
                b@example.com
              }
              notification_email_from alert@example.com
              smtp_server 192.0.2.25 2525
              smtp_connect_timeout 30
              enable_traps
              router_id host163
              vrrp_mcast_group4 224.0.0.19
              vrrp_mcast_group6 ff02::13
              vrrp_garp_master_delay 10
              vrrp_garp_master_repeat 3
              vrrp_garp_master_refresh 60
              vrrp_garp_master_refresh_repeat 2
              vrrp_garp_interval 0.001
              vrrp_gna_interval 0.000001
              vrrp_version 3
              vrrp_check_unicast_src
              vrrp_skip_check_adv_addr
              vrrp_strict
              vrrp_iptables KEEPALIVED_IN KEEPALIVED_OUT
              vrrp_notify_fifo /run/keepalived/vrrp.fifo
              vrrp_notify_fifo_script /usr/local/bin/fifo.sh root
              notify_fifo /run/keepalived/all.fifo
              script_user keepalived_script users
              enable_script_security
              lvs_sync_daemon eth1 VI_1 id 5 port 8848 group 224.0.0.81
            }
            """ + "\n" + Compile.Instance("")).GlobalDefs;

        Assert.Equal(["a@example.com", "b@example.com"], g.NotificationEmail);
        Assert.Equal("alert@example.com", g.NotificationEmailFrom);
        Assert.Equal(new SmtpServer(IPAddress.Parse("192.0.2.25"), 2525), g.SmtpServer);
        Assert.Equal(TimeSpan.FromSeconds(30), g.SmtpConnectTimeout);
        Assert.True(g.EnableTraps);
        Assert.Equal("host163", g.RouterId);
        Assert.Equal((IPAddress.Parse("224.0.0.19"), IPAddress.Parse("ff02::13")), (g.VrrpMcastGroup4, g.VrrpMcastGroup6));
        Assert.Equal((TimeSpan.FromSeconds(10), 3, TimeSpan.FromSeconds(60), 2), (g.VrrpGarpMasterDelay, g.VrrpGarpMasterRepeat, g.VrrpGarpMasterRefresh, g.VrrpGarpMasterRefreshRepeat));
        Assert.Equal((TimeSpan.FromMilliseconds(1), TimeSpan.FromTicks(10)), (g.VrrpGarpInterval, g.VrrpGnaInterval));
        Assert.Equal(3, g.VrrpVersion);
        Assert.True(g.VrrpCheckUnicastSrc && g.VrrpSkipCheckAdvAddr && g.VrrpStrict && g.EnableScriptSecurity);
        Assert.Equal(["KEEPALIVED_IN", "KEEPALIVED_OUT"], g.VrrpIptables);
        Assert.Equal(new NotifyFifo("/run/keepalived/vrrp.fifo", new NotifyScript("/usr/local/bin/fifo.sh", "root")), g.VrrpNotifyFifo);
        Assert.Equal(new NotifyFifo("/run/keepalived/all.fifo", null), g.NotifyFifo);
        Assert.Equal(new ScriptUser("keepalived_script", "users"), g.ScriptUser);
        Assert.Equal(new LvsSyncDaemon("eth1", "VI_1", 5, IPAddress.Parse("224.0.0.81"), 8848, null, null), g.LvsSyncDaemon);
    }

    [Fact]
    public void Global_garp_settings_and_vrrp_strict_are_the_instance_defaults()
    {
        var i = Compile.Clean("global_defs {\n  vrrp_garp_master_delay 2\n  vrrp_strict\n}\n" + Compile.Instance("")).VrrpInstances[0];
        Assert.Equal(TimeSpan.FromSeconds(2), i.GarpMasterDelay);
        Assert.True(i.StrictMode);
        Assert.False(i.Accept);
    }

    [Fact]
    public void Defaults_are_keepalived_s()
    {
        var g = Compile.Clean("global_defs {\n}\n").GlobalDefs;
        Assert.Equal((TimeSpan.FromSeconds(5), 5, 2), (g.VrrpGarpMasterDelay, g.VrrpGarpMasterRepeat, g.VrrpVersion));
        Assert.Equal(IPAddress.Parse("224.0.0.18"), g.VrrpMcastGroup4);
        Assert.Equal(TimeSpan.FromSeconds(30), g.SmtpConnectTimeout);
    }

    [Fact]
    public void Unknown_and_unused_and_deprecated_global_keywords_are_warnings()
    {
        var result = Compile.Text("global_defs {\n  router_ip x\n  lvs_id LVS1\n  vrrp_no_swap\n  checker_priority 5\n}\n");
        Assert.Equal(
        [
            "k.conf:2:3: warning: unknown keyword 'router_ip' in global_defs, did you mean 'router_id'?",
            "k.conf:3:3: warning: lvs_id is deprecated, use router_id",
            "k.conf:4:3: warning: global_defs: keepalived keywords not used by ActorHa: vrrp_no_swap, checker_priority",
        ], result.Messages());
        Assert.Equal("LVS1", result.Config.GlobalDefs.RouterId);
        Assert.Equal(["vrrp_no_swap", "checker_priority"], result.Config.GlobalDefs.UnusedKeywords);
    }

    [Fact]
    public void Vrrp_thread_scheduling_keywords_bind_within_keepalived_s_ranges()
    {
        var g = Compile.Clean("global_defs {\n  vrrp_priority -10\n  vrrp_rt_priority 40\n  vrrp_rlimit_rttime 20000\n}\n").GlobalDefs;
        Assert.Equal((-10, 40, 20000), (g.VrrpPriority, g.VrrpRtPriority, g.VrrpRlimitRttime));
        Assert.Null(Compile.Clean("global_defs {\n}\n").GlobalDefs.VrrpRtPriority);

        var bad = Compile.Text("global_defs {\n  vrrp_priority -30\n  vrrp_rt_priority 100\n}\n");
        Assert.Equal(2, bad.Diagnostics.Count);
        Assert.All(bad.Messages(), m => Assert.Contains("k.conf:", m, StringComparison.Ordinal));
        Assert.Contains(bad.Messages(), m => m.Contains("-30", StringComparison.Ordinal));
        Assert.Contains(bad.Messages(), m => m.Contains("100", StringComparison.Ordinal));
    }

    [Fact]
    public void Multicast_groups_must_be_multicast_of_the_right_family()
    {
        var result = Compile.Text("global_defs {\n  vrrp_mcast_group4 192.0.2.1\n  vrrp_mcast_group6 224.0.0.18\n}\n");
        Assert.Equal(
        [
            "k.conf:2:21: error: vrrp_mcast_group4 '192.0.2.1' is not an IPv4 multicast address, ignoring",
            "k.conf:3:21: error: vrrp_mcast_group6 '224.0.0.18' is not an IPv6 multicast address, ignoring",
        ], result.Messages());
    }

    [Fact]
    public void Unknown_top_level_keyword_gets_a_suggestion()
    {
        var result = Compile.Text("vrrp_instanc VI_1 {\n}\nvirtual_sever 192.0.2.1 80 {\n}\n");
        Assert.Equal(
        [
            "k.conf:1:1: warning: unknown keyword 'vrrp_instanc' at top level, did you mean 'vrrp_instance'?",
            "k.conf:3:1: warning: unknown keyword 'virtual_sever' at top level, did you mean 'virtual_server'?",
        ], result.Messages());
    }
}
