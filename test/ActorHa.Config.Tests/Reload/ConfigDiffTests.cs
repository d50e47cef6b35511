using ActorHa.Config.Reload;

namespace ActorHa.Config.Tests.Reload;

public sealed class ConfigDiffTests
{
    private static Model.KeepalivedConfig Config(string text)
    {
        var result = ConfigCompiler.CompileText(text, "k.conf", ConfigCompileOptions.Default);
        Assert.True(result.ExitCode == 0, string.Join("\n", result.Diagnostics));
        return result.Config;
    }

    private static string Instance(string name, int vrid, int priority = 100, string vip = "192.0.2.100/24", string iface = "eth0", string extra = "") => $$"""
        vrrp_instance {{name}} {
            interface {{iface}}
            virtual_router_id {{vrid}}
            priority {{priority}}
            {{extra}}
            virtual_ipaddress {
                {{vip}}
            }
        }

        """;

    [Fact]
    public void Identical_configs_change_nothing_even_when_lines_moved()
    {
        var plan = ConfigDiff.Compute(Config(Instance("VI_1", 51)), Config("\n\n! moved down\n" + Instance("VI_1", 51)));
        Assert.True(plan.IsEmpty);
        Assert.False(Assert.Single(plan.Kept).Changed);
    }

    [Fact]
    public void Same_vrid_interface_family_and_transport_is_the_same_router_even_renamed()
    {
        var plan = ConfigDiff.Compute(Config(Instance("VI_1", 51)), Config(Instance("web", 51, priority: 150)));
        var kept = Assert.Single(plan.Kept);
        Assert.True(kept.Changed);
        Assert.Equal("web", kept.New.Name);
        Assert.Empty(plan.Added);
        Assert.Empty(plan.Removed);
    }

    [Fact]
    public void New_and_deleted_instances_are_added_and_removed()
    {
        var plan = ConfigDiff.Compute(
            Config(Instance("VI_1", 51) + Instance("VI_2", 52, vip: "192.0.2.101/24")),
            Config(Instance("VI_1", 51) + Instance("VI_3", 53, vip: "192.0.2.102/24")));
        Assert.Equal("VI_3", Assert.Single(plan.Added).Instance.Name);
        Assert.Equal("VI_2", Assert.Single(plan.Removed).Instance.Name);
        Assert.False(Assert.Single(plan.Kept).Changed);
        Assert.Equal("0 instance(s) changed, 1 unchanged, 1 added, 1 removed", plan.ToString());
    }

    [Fact]
    public void A_different_interface_or_transport_is_a_different_router()
    {
        var plan = ConfigDiff.Compute(
            Config(Instance("VI_1", 51)),
            Config(Instance("VI_1", 51, extra: "unicast_src_ip 192.0.2.1\n    unicast_peer {\n        192.0.2.2\n    }")));
        Assert.Single(plan.Added);
        Assert.Single(plan.Removed);
        Assert.Empty(plan.Kept);
    }

    [Fact]
    public void Moving_into_a_sync_group_or_changing_version_restarts_the_instance_and_says_why()
    {
        var grouped = Instance("VI_1", 51) + Instance("VI_2", 52, vip: "192.0.2.101/24") + "vrrp_sync_group G {\n    group {\n        VI_1\n        VI_2\n    }\n}\n";
        var plan = ConfigDiff.Compute(Config(Instance("VI_1", 51) + Instance("VI_2", 52, vip: "192.0.2.101/24")), Config(grouped));
        Assert.Equal(["(VI_1) moves from group VI_1 to G: restarting it", "(VI_2) moves from group VI_2 to G: restarting it"], plan.Restarted);
        Assert.Equal(["G", "G"], plan.Added.Select(a => a.Group));

        var v3 = ConfigDiff.Compute(Config(Instance("VI_1", 51)), Config(Instance("VI_1", 51, extra: "version 3")));
        Assert.Equal(["(VI_1) changes from VRRPv2 to VRRPv3: restarting it"], v3.Restarted);
    }

    [Fact]
    public void A_changed_vip_list_is_a_change_in_place()
    {
        var plan = ConfigDiff.Compute(Config(Instance("VI_1", 51)), Config(Instance("VI_1", 51, vip: "192.0.2.100/24\n        192.0.2.101/24")));
        Assert.True(Assert.Single(plan.Kept).Changed);
        Assert.Empty(plan.Restarted);
    }
}
