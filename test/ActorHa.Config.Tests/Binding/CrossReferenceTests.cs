namespace ActorHa.Config.Tests.Binding;

public sealed class CrossReferenceTests
{
    [Fact]
    public void Track_script_naming_no_vrrp_script_is_an_error_and_is_dropped()
    {
        var result = Compile.Text("vrrp_script chk {\n  script /bin/true\n}\n" + Compile.Instance("  track_script {\n    chk\n    nosuch\n  }"));
        Assert.Equal(
        [
            "k.conf:2:3: warning: scripts are configured but enable_script_security is not set in global_defs",
            "k.conf:9:5: error: (VI_1) track_script nosuch is not a vrrp_script, ignoring it",
        ], result.Messages());
        Assert.Equal(["chk"], result.Config.VrrpInstances[0].TrackScript.Select(t => t.Name));
    }

    [Fact]
    public void A_vrrp_script_without_script_is_dropped_like_keepalived_does()
    {
        var result = Compile.Text("vrrp_script chk {\n  interval 2\n}\n" + Compile.Instance("  track_script {\n    chk\n  }"));
        Assert.Equal(
        [
            "k.conf:1:1: error: (chk) vrrp_script has no script, ignoring it",
            "k.conf:8:5: error: (VI_1) track_script chk is not a vrrp_script, ignoring it",
        ], result.Messages());
    }

    [Fact]
    public void Sync_group_members_must_exist_and_belong_to_one_group()
    {
        var result = Compile.Text("""
            vrrp_sync_group G1 {
              group {
                VI_1
                VI_X
              }
            }
            vrrp_sync_group G2 {
              group {
                VI_1
                VI_2
              }
            }
            """ + "\n" + Compile.Instance("", "VI_1") + Compile.Instance("", "VI_2", 52, "192.0.2.11/24"));
        Assert.Equal(
        [
            "k.conf:1:1: warning: (G1) sync group has only 1 member, which is probably not what you want",
            "k.conf:4:5: error: (G1) vrrp_instance VI_X does not exist, ignoring it",
            "k.conf:7:1: warning: (G2) sync group has only 1 member, which is probably not what you want",
            "k.conf:9:5: error: (G2) VI_1 is already in sync group G1, ignoring it here",
        ], result.Messages());
        Assert.Equal(["VI_1"], result.Config.SyncGroups[0].Group);
        Assert.Equal(["VI_2"], result.Config.SyncGroups[1].Group);
        Assert.Equal(4, result.ExitCode);
    }

    [Fact]
    public void Sync_group_binds_notify_and_tracking()
    {
        var config = Compile.Clean("""
            global_defs {
              enable_script_security
            }
            vrrp_script chk {
              script /bin/true
            }
            vrrp_sync_group VG_1 {
              group {
                VI_1 VI_2
              }
              notify_master /path/to_master.sh
              notify_backup /path/to_backup.sh
              notify_fault "/path/fault.sh VG_1"
              notify /path/notify.sh
              smtp_alert
              track_script {
                chk weight 5
              }
              track_interface {
                eth1
              }
            }
            """ + "\n" + Compile.Instance("", "VI_1") + Compile.Instance("", "VI_2", vip: "198.51.100.10/24", iface: "eth1"));
        var g = Assert.Single(config.SyncGroups);
        Assert.Equal(["VI_1", "VI_2"], g.Group);
        Assert.Equal("/path/fault.sh VG_1", g.Notify.Fault!.Command);
        Assert.Equal("/path/notify.sh", g.Notify.Notify!.Command);
        Assert.True(g.SmtpAlert);
        Assert.Equal(5, Assert.Single(g.TrackScript).Weight);
        Assert.Equal("eth1", Assert.Single(g.TrackInterface).Name);
    }

    [Fact]
    public void Same_vrid_on_the_same_interface_and_family_is_an_error()
    {
        var result = Compile.Text(Compile.Instance("", "VI_1") + Compile.Instance("", "VI_2"));
        Assert.Equal(
        [
            "k.conf:11:21: error: (VI_2) virtual_router_id 51 is already used by VI_1 on eth0 (IPv4)",
            "k.conf:14:5: warning: (VI_2) virtual_ipaddress 192.0.2.10 is also in VI_1",
        ], result.Messages());
    }

    [Fact]
    public void Same_vrid_is_fine_on_another_interface_another_family_or_with_unicast()
    {
        Compile.Clean(Compile.Instance("", "VI_1") + Compile.Instance("", "VI_2", vip: "192.0.2.11/24", iface: "eth1"));
        Compile.Clean(Compile.Instance("", "VI_1") + Compile.Instance("", "VI_2", vip: "2001:db8::10/64"));
        Compile.Clean(Compile.Instance("", "VI_1") + Compile.Instance("  unicast_peer {\n    192.0.2.2\n  }", "VI_2", vip: "192.0.2.11/24"));
    }

    [Fact]
    public void Tracking_weights_of_sync_group_members_are_ignored_as_keepalived_does()
    {
        var result = Compile.Text("""
            global_defs {
              enable_script_security
            }
            vrrp_script chk {
              script /bin/true
              weight -10
            }
            vrrp_sync_group VG_1 {
              group {
                VI_1
                VI_2
              }
            }
            """ + "\n" + Compile.Instance("  track_script {\n    chk\n  }\n  track_interface {\n    eth1 weight 5\n  }", "VI_1")
            + Compile.Instance("", "VI_2", 52, "192.0.2.11/24"));
        Assert.Equal(
        [
            "k.conf:18:5: warning: (VI_1) track_script chk weight ignored in sync group VG_1 (a failure faults the group)",
            "k.conf:21:5: warning: (VI_1) track_interface eth1 weight ignored in sync group VG_1 (a failure faults the group)",
        ], result.Messages());
        Assert.Equal(0, result.Config.VrrpInstances[0].TrackScript[0].Weight);
        Assert.Equal(0, result.Config.VrrpInstances[0].TrackInterface[0].Weight);
    }

    [Fact]
    public void Tracking_the_instance_s_own_interface_is_ignored()
    {
        var result = Compile.Text(Compile.Instance("  track_interface {\n    eth0\n    eth1\n  }"));
        Assert.Equal(["k.conf:5:5: warning: (VI_1) track_interface eth0 is the instance's own interface, ignoring it"], result.Messages());
        Assert.Equal(["eth1"], result.Config.VrrpInstances[0].TrackInterface.Select(t => t.Name));
    }

    [Fact]
    public void Duplicate_instance_names_keep_the_first()
    {
        var result = Compile.Text(Compile.Instance("  priority 10", "VI_1") + Compile.Instance("  priority 20", "VI_1"));
        Assert.Equal(["k.conf:9:15: error: (VI_1) vrrp_instance already defined, ignoring this one"], result.Messages());
        Assert.Equal(10, Assert.Single(result.Config.VrrpInstances).Priority);
    }

    [Fact]
    public void Interfaces_are_checked_only_against_what_the_node_supplies()
    {
        var text = Compile.Instance("  track_interface {\n    eth9\n  }");
        Assert.Empty(Compile.Text(text).Messages());
        var result = Compile.Text(text, new HashSet<string>(StringComparer.Ordinal) { "eth0", "lo" });
        Assert.Equal(["k.conf:5:5: warning: (VI_1) track_interface eth9 does not exist on this host"], result.Messages());
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public void Virtual_server_naming_a_missing_group_is_dropped()
    {
        var result = Compile.Text("virtual_server group NOPE {\n  lb_algo rr\n  lb_kind NAT\n}\n");
        Assert.Equal(["k.conf:1:1: error: (group NOPE) virtual_server_group NOPE does not exist, ignoring the virtual_server"], result.Messages());
        Assert.Empty(result.Config.VirtualServers);
    }
}
