using ActorHa.Config.Model;

namespace ActorHa.Config.Tests.Binding;

public sealed class VrrpScriptBindingTests
{
    [Fact]
    public void Every_vrrp_script_keyword_binds()
    {
        var script = Assert.Single(Compile.Clean("""
            global_defs {
              enable_script_security
            }
            vrrp_script chk_sshd {
              script "killall -0 sshd"
              interval 2.5
              timeout 10
              weight -4 reverse
              fall 2
              rise 3
              user nobody nogroup
              init_fail
            }
            """).VrrpScripts);
        Assert.Equal(("chk_sshd", "killall -0 sshd"), (script.Name, script.Script));
        Assert.Equal((TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(10)), (script.Interval, script.Timeout));
        Assert.Equal((-4, true, 2, 3), (script.Weight, script.WeightReverse, script.Fall, script.Rise));
        Assert.Equal(new ScriptUser("nobody", "nogroup"), script.User);
        Assert.True(script.InitFail);
    }

    [Fact]
    public void Defaults_are_keepalived_s()
    {
        var script = Compile.Clean("global_defs {\n  enable_script_security\n}\nvrrp_script chk {\n  script /bin/true\n}\n").VrrpScripts[0];
        Assert.Equal((TimeSpan.FromSeconds(1), (TimeSpan?)null, 0, 1, 1), (script.Interval, script.Timeout, script.Weight, script.Rise, script.Fall));
    }

    [Fact]
    public void Weight_out_of_range_and_unquoted_command_lines_are_reported()
    {
        var result = Compile.Text("global_defs {\n  enable_script_security\n}\nvrrp_script chk {\n  script killall -0 sshd\n  weight 300\n}\n");
        Assert.Equal(
        [
            "k.conf:5:18: warning: (chk) script has several words; quote the command line so they are one",
            "k.conf:6:10: error: (chk) weight 300 not in -253..253, using 0",
        ], result.Messages());
    }

    [Fact]
    public void A_second_script_of_the_same_name_is_ignored_with_a_warning()
    {
        var result = Compile.Text("global_defs {\n  enable_script_security\n}\nvrrp_script a {\n  script /bin/true\n}\nvrrp_script a {\n  script /bin/false\n}\n");
        Assert.Equal(["k.conf:7:13: warning: (a) vrrp_script already defined, ignoring this one"], result.Messages());
        Assert.Equal("/bin/true", Assert.Single(result.Config.VrrpScripts).Script);
    }

    [Fact]
    public void Scripts_without_script_security_are_warned_once_as_keepalived_does()
    {
        var result = Compile.Text("vrrp_script a {\n  script /bin/true\n}\n" + Compile.Instance("  notify_master /bin/true"));
        Assert.Equal(["k.conf:2:3: warning: scripts are configured but enable_script_security is not set in global_defs"], result.Messages());
    }

    [Fact]
    public void An_instance_without_virtual_ipaddress_is_warned()
    {
        var result = Compile.Text("vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 5\n}\n");
        Assert.Equal(["k.conf:1:1: warning: (VI_1) no virtual_ipaddress; at least one is sensible"], result.Messages());
    }
}
