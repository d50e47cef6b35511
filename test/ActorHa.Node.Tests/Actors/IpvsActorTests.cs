using System.Net;
using System.Net.Sockets;
using ActorHa.Config;
using ActorHa.Config.Model;
using ActorHa.Node.Actors;
using ActorHa.Protocol.Netlink;
using Akka.TestKit.Xunit2;

namespace ActorHa.Node.Tests.Actors;

/// <summary>
/// What /ipvs asks the kernel for, and how it behaves on a kernel without IPVS (this machine's). Programming a real
/// IPVS kernel is proved in the VM: test/ActorHa.EndToEnd.Tests/Ipvs/IpvsKernelTests.
/// </summary>
public sealed class IpvsActorTests : TestKit
{
    private static KeepalivedConfig Compile(string text)
    {
        var result = ConfigCompiler.CompileText(text, "test.conf", ConfigCompileOptions.Default);
        Assert.True(result.ExitCode == 0, string.Join("\n", result.Diagnostics));
        return result.Config;
    }

    [Fact]
    public void Persistent_service_carries_timeout_granularity_and_flags()
    {
        var config = Compile("""
            virtual_server 192.0.2.100 443 {
              lb_algo sh
              lb_kind DR
              sh-port
              ops
              protocol UDP
              persistence_timeout 300
              persistence_granularity 255.255.255.0
              real_server 198.51.100.2 443 {
                weight 1
              }
            }
            """);

        var service = Assert.Single(IpvsActor.Expand(config.VirtualServers[0], config.VirtualServerGroups));
        Assert.Equal(IpvsServiceKey.Of(IpvsServiceKey.Udp, IPAddress.Parse("192.0.2.100"), 443), service.Key);
        Assert.Equal("sh", service.Scheduler);
        Assert.Equal(IpvsMessages.FlagPersistent | IpvsMessages.FlagOnePacket | IpvsMessages.FlagSched2, service.Flags);
        Assert.Equal(300u, service.Timeout);
        Assert.Equal(IpvsMessages.Netmask(AddressFamily.InterNetwork, IPAddress.Parse("255.255.255.0")), service.Netmask);
    }

    [Fact]
    public void Group_expands_to_one_kernel_service_per_address_port_and_mark()
    {
        var config = Compile("""
            virtual_server_group VSG_1 {
              192.0.2.1 8080
              192.0.2.3-5 80
              2001:db8::2-3 80
              fwmark 7
            }
            virtual_server group VSG_1 {
              lb_algo rr
              lb_kind DR
              protocol TCP
              real_server 198.51.100.2 80 {
                weight 1
              }
            }
            """);

        var keys = IpvsActor.Expand(config.VirtualServers[0], config.VirtualServerGroups).Select(s => s.Key.ToString()).ToList();
        Assert.Equal(
            ["TCP  192.0.2.1:8080", "TCP  192.0.2.3:80", "TCP  192.0.2.4:80", "TCP  192.0.2.5:80", "TCP  [2001:db8::2]:80", "TCP  [2001:db8::3]:80", "FWM  7"],
            keys);
    }

    [Fact]
    public void Fwmark_service_takes_the_family_of_its_real_servers_and_the_default_granularity()
    {
        var config = Compile("""
            virtual_server fwmark 9 {
              lb_algo wlc
              lb_kind DR
              real_server 2001:db8::10 80 {
                weight 1
              }
            }
            """);

        var service = Assert.Single(IpvsActor.Expand(config.VirtualServers[0], config.VirtualServerGroups));
        Assert.Equal(IpvsServiceKey.OfFwmark(AddressFamily.InterNetworkV6, 9), service.Key);
        Assert.Equal((0u, 0u, 128u), (service.Flags, service.Timeout, service.Netmask));
    }

    [Fact]
    public void Without_ipvs_in_the_kernel_the_desired_table_is_kept_and_nothing_is_installed()
    {
        var vs = Compile("virtual_server 192.0.2.100 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n real_server 198.51.100.2 80 {\n weight 1\n }\n}\n").VirtualServers[0];
        var ipvs = Sys.ActorOf(IpvsActor.Props(IpvsActor.Settings.Default));
        var key = IpvsDesired.ServiceKey.Of(vs);
        ipvs.Tell(new IpvsDesired.AddService(key, vs), TestActor);
        ipvs.Tell(new IpvsDesired.AddDestination(key, new IpvsDesired.Destination(IPAddress.Parse("198.51.100.2"), 80, LvsMethod.Nat), 1, null, null), TestActor);
        ipvs.Tell(new IpvsDesired.InitialPoolSent(key), TestActor);

        ipvs.Tell(ActorTree.DescribeTree.Instance, TestActor);
        var node = ExpectMsg<ActorTree.TreeNode>();
        Assert.Equal(
            "IPVS unavailable (no IPVS in this kernel); desired: 1 service(s), 1 destination(s); installed: 0 service(s), 0 destination(s); 0 request(s), 0 failed",
            node.State);
    }
}
