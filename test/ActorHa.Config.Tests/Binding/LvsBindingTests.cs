using System.Net;
using ActorHa.Config.Model;

namespace ActorHa.Config.Tests.Binding;

public sealed class LvsBindingTests
{
    private const string Security = "global_defs {\n  enable_script_security\n}\n";

    [Fact]
    public void Virtual_server_of_the_seed_binds_with_its_real_servers_and_checkers()
    {
        var config = Compile.Clean(Security + """
            virtual_server 192.0.2.94 80 {
              delay_loop 6
              lb_algo wrr
              lb_kind DR
              persistence_timeout 50
              persistence_granularity 255.255.255.0
              protocol TCP
              ha_suspend
              virtualhost www.example.com
              alpha
              omega
              quorum 2
              hysteresis 1
              quorum_up "/usr/local/bin/up.sh 94"
              quorum_down /usr/local/bin/down.sh
              sorry_server 192.0.2.200 8080
              sorry_server_inhibit
              real_server 192.0.2.195 80 {
                weight 3
                inhibit_on_failure
                notify_up /usr/local/bin/rs_up.sh
                notify_down /usr/local/bin/rs_down.sh
                HTTP_GET {
                  url {
                    path /index.html
                    digest 640205b7b0fc66c1ea91c463fac6334d
                    status_code 200-299 301
                  }
                  connect_port 8080
                  connect_timeout 3
                  retry 3
                  delay_before_retry 3
                }
                TCP_CHECK {
                  connect_port 80
                  bindto 192.0.2.95
                  connect_timeout 2.5
                }
              }
            }
            """);

        var vs = Assert.Single(config.VirtualServers);
        Assert.Equal((IPAddress.Parse("192.0.2.94"), 80, "192.0.2.94:80"), (vs.Address, vs.Port, vs.DisplayName));
        Assert.Equal((TimeSpan.FromSeconds(6), "wrr", LvsMethod.Dr, LvsProtocol.Tcp), (vs.DelayLoop, vs.LvsSched, vs.LvsMethod, vs.Protocol));
        Assert.Equal((TimeSpan.FromSeconds(50), IPAddress.Parse("255.255.255.0")), (vs.PersistenceTimeout, vs.PersistenceGranularity));
        Assert.True(vs.HaSuspend && vs.Alpha && vs.Omega);
        Assert.Equal(("www.example.com", 2, 1), (vs.Virtualhost, vs.Quorum, vs.Hysteresis));
        Assert.Equal("/usr/local/bin/up.sh 94", vs.QuorumUp!.Command);
        Assert.Equal(new SorryServer(IPAddress.Parse("192.0.2.200"), 8080, null, true), vs.SorryServer);

        var rs = Assert.Single(vs.RealServers);
        Assert.Equal((IPAddress.Parse("192.0.2.195"), 80, 3, true), (rs.Address, rs.Port, rs.Weight, rs.InhibitOnFailure));
        Assert.Equal("/usr/local/bin/rs_down.sh", rs.NotifyDown!.Command);
        var http = rs.Checkers[0];
        Assert.Equal(CheckerKind.HttpGet, http.Kind);
        var url = Assert.Single(http.Url);
        Assert.Equal(("/index.html", "640205b7b0fc66c1ea91c463fac6334d"), (url.Path, url.Digest));
        Assert.Equal([new StatusCodeRange(200, 299), new StatusCodeRange(301, 301)], url.StatusCodes);
        Assert.Equal((8080, TimeSpan.FromSeconds(3), 3, TimeSpan.FromSeconds(3)), (http.Endpoint.ConnectPort, http.ConnectTimeout, http.Retry, http.DelayBeforeRetry));
        var tcp = rs.Checkers[1];
        Assert.Equal((CheckerKind.TcpCheck, IPAddress.Parse("192.0.2.95"), TimeSpan.FromSeconds(2.5)), (tcp.Kind, tcp.Endpoint.BindTo, tcp.ConnectTimeout));
    }

    [Fact]
    public void Nb_get_retry_is_deprecated_in_favour_of_retry()
    {
        var result = Compile.Text("virtual_server 192.0.2.1 80 {\n  protocol TCP\n  lb_algo rr\n  lb_kind NAT\n  real_server 192.0.2.2 80 {\n    TCP_CHECK {\n      nb_get_retry 3\n    }\n  }\n}\n");
        Assert.Equal(["k.conf:7:7: warning: (192.0.2.1:80 -> 192.0.2.2:80) TCP_CHECK: nb_get_retry is deprecated, use retry"], result.Messages());
        Assert.Equal(3, result.Config.VirtualServers[0].RealServers[0].Checkers[0].Retry);
    }

    [Fact]
    public void Invalid_scheduler_method_and_protocol_fall_back_to_keepalived_defaults()
    {
        var result = Compile.Text("virtual_server 192.0.2.1 80 {\n  lb_algo xyz\n  lb_kind FOO\n  protocol ABC\n}\n");
        Assert.Equal(
        [
            "k.conf:2:11: error: (192.0.2.1:80) lb_algo 'xyz' is not one of rr|wrr|lc|wlc|lblc|lblcr|sh|mh|dh|sed|nq|fo|ovf|twos, using wlc",
            "k.conf:3:11: error: (192.0.2.1:80) lb_kind 'FOO' is not one of NAT|DR|TUN, using NAT",
            "k.conf:4:12: error: (192.0.2.1:80) protocol 'ABC' is not one of TCP|UDP|SCTP, using TCP",
        ], result.Messages());
        var vs = result.Config.VirtualServers[0];
        Assert.Equal(("wlc", LvsMethod.Nat, LvsProtocol.Tcp), (vs.LvsSched, vs.LvsMethod, vs.Protocol));
    }

    [Fact]
    public void Missing_protocol_scheduler_and_method_are_errors_as_in_keepalived_t()
    {
        var result = Compile.Text("virtual_server 192.0.2.1 80 {\n  delay_loop 6\n}\n");
        Assert.Equal(
        [
            "k.conf:1:1: error: (192.0.2.1:80) no protocol, using TCP",
            "k.conf:1:1: error: (192.0.2.1:80) no lb_algo, using wlc",
            "k.conf:1:1: error: (192.0.2.1:80) no lb_kind, using NAT",
        ], result.Messages());
        var vs = result.Config.VirtualServers[0];
        Assert.Equal((LvsProtocol.Tcp, "wlc", LvsMethod.Nat), (vs.Protocol, vs.LvsSched, vs.LvsMethod));
    }

    [Fact]
    public void Digest_must_be_an_md5_and_an_unpersistent_service_needs_a_port()
    {
        var result = Compile.Text("virtual_server 192.0.2.1 {\n  protocol TCP\n  lb_algo rr\n  lb_kind NAT\n  real_server 192.0.2.2 80 {\n    HTTP_GET {\n      url {\n        path /\n        digest abc\n      }\n    }\n  }\n}\n");
        Assert.Equal(
        [
            "k.conf:1:1: error: (192.0.2.1) a virtual_server without a port must be persistent (persistence_timeout), using persistence_timeout 360",
            "k.conf:9:16: error: (192.0.2.1 -> 192.0.2.2:80) HTTP_GET: digest 'abc' is not 32 hex digits (an MD5 from genhash), ignoring it",
        ], result.Messages());
    }

    [Fact]
    public void Fwmark_and_group_services_bind_and_real_servers_may_omit_the_port()
    {
        var config = Compile.Clean("""
            virtual_server_group VSG_1 {
              192.0.2.1 8080
              192.0.2.3-10 80
              2001:db8::2-9 80
              fwmark 7
            }
            virtual_server fwmark 1 {
              lb_algo sh
              lb_kind DR
              persistence_timeout
              real_server 198.51.100.1 {
                PING_CHECK {
                  retry 4
                }
              }
            }
            virtual_server group VSG_1 {
              protocol UDP
              lvs_sched rr
              lvs_method TUN
              real_server 198.51.100.2 53 {
                DNS_CHECK {
                  type A
                  name example.com
                }
              }
            }
            """);

        var group = Assert.Single(config.VirtualServerGroups);
        Assert.Equal(4, group.Entries.Count);
        Assert.Equal((IPAddress.Parse("192.0.2.3"), IPAddress.Parse("192.0.2.10"), 80), (group.Entries[1].Address, group.Entries[1].LastAddress, group.Entries[1].Port));
        Assert.Equal(IPAddress.Parse("2001:db8::9"), group.Entries[2].LastAddress);
        Assert.Equal(7u, group.Entries[3].Fwmark);

        var fw = config.VirtualServers[0];
        Assert.Equal((1u, "fwmark 1", TimeSpan.FromMinutes(6)), (fw.Fwmark, fw.DisplayName, fw.PersistenceTimeout));
        Assert.Null(fw.RealServers[0].Port);
        Assert.Equal(CheckerKind.PingCheck, fw.RealServers[0].Checkers[0].Kind);

        var byGroup = config.VirtualServers[1];
        Assert.Equal(("VSG_1", LvsProtocol.Udp), (byGroup.Group, byGroup.Protocol));
        var dns = byGroup.RealServers[0].Checkers[0];
        Assert.Equal(("A", "example.com"), (dns.Type, dns.Name));
    }

    [Fact]
    public void Smtp_misc_udp_checkers_bind()
    {
        var config = Compile.Clean(Security + """
            virtual_server 192.0.2.100 25 {
              protocol TCP
              lb_algo rr
              lb_kind NAT
              real_server 198.51.100.11 25 {
                SMTP_CHECK {
                  helo_name "foo.example.com"
                  host {
                    connect_ip 198.51.100.11
                    connect_port 587
                    bindto 192.0.2.2
                  }
                  host {
                    connect_ip 203.0.113.10
                  }
                }
                MISC_CHECK {
                  misc_path "/usr/local/bin/check.sh arg1 arg2"
                  misc_timeout 5
                  misc_dynamic
                  user nobody nogroup
                }
                UDP_CHECK {
                  payload Ab12f 3
                  require_reply
                  max_reply_length 100
                }
              }
            }
            """);

        var checkers = config.VirtualServers[0].RealServers[0].Checkers;
        Assert.Equal("foo.example.com", checkers[0].HeloName);
        Assert.Equal([IPAddress.Parse("198.51.100.11"), IPAddress.Parse("203.0.113.10")], checkers[0].Host.Select(h => h.ConnectIp!));
        Assert.Equal((587, IPAddress.Parse("192.0.2.2")), (checkers[0].Host[0].ConnectPort, checkers[0].Host[0].BindTo));
        Assert.Equal(new NotifyScript("/usr/local/bin/check.sh arg1 arg2", "nobody", "nogroup"), checkers[1].MiscPath);
        Assert.Equal((TimeSpan.FromSeconds(5), true), (checkers[1].MiscTimeout, checkers[1].MiscDynamic));
        Assert.Equal(("Ab12f 3", "", 100), (checkers[2].Payload, checkers[2].RequireReply, checkers[2].MaxReplyLength));
    }

    [Fact]
    public void Unknown_checker_keyword_suggests_within_the_checker()
    {
        var result = Compile.Text("virtual_server 192.0.2.1 80 {\n  protocol TCP\n  lb_algo rr\n  lb_kind NAT\n  real_server 192.0.2.2 80 {\n    TCP_CHECK {\n      conect_timeout 3\n    }\n  }\n}\n");
        Assert.Equal(["k.conf:7:7: warning: unknown keyword 'conect_timeout' in TCP_CHECK, did you mean 'connect_timeout'?"], result.Messages());
    }
}
