using ActorHa.Config;
using ActorHa.Config.Model;
using ActorHa.Node.Checks;
using ActorHa.Node.Logging;
using ActorHa.Protocol.Logging;

namespace ActorHa.Node.Tests.Checks;

public sealed class CheckRulesTests
{
    [Fact]
    public void Checker_goes_down_only_after_retry_failures_and_up_on_the_first_success()
    {
        var settings = CheckerTests.Settings(CheckerKind.TcpCheck, 80) with { Retry = 2 };
        var state = new CheckerState(settings);

        Assert.Equal(new CheckerStep(CheckerTransition.Confirmed, settings.DelayLoop), state.OnResult(true));
        Assert.Equal(new CheckerStep(CheckerTransition.None, settings.DelayBeforeRetry), state.OnResult(false));
        Assert.Equal(new CheckerStep(CheckerTransition.None, settings.DelayBeforeRetry), state.OnResult(false));
        Assert.Equal(new CheckerStep(CheckerTransition.WentDown, settings.DelayLoop), state.OnResult(false));
        Assert.Equal(new CheckerStep(CheckerTransition.None, settings.DelayLoop), state.OnResult(false));
        Assert.Equal(new CheckerStep(CheckerTransition.WentUp, settings.DelayLoop), state.OnResult(true));
    }

    [Fact]
    public void A_success_between_failures_resets_the_retries()
    {
        var state = new CheckerState(CheckerTests.Settings(CheckerKind.TcpCheck, 80) with { Retry = 1 });
        state.OnResult(false);
        state.OnResult(true);
        Assert.Equal(CheckerTransition.None, state.OnResult(false).Transition);
        Assert.Equal(CheckerTransition.WentDown, state.OnResult(false).Transition);
    }

    [Fact]
    public void Alpha_checker_starts_down_until_its_first_success()
    {
        var state = new CheckerState(CheckerTests.Settings(CheckerKind.TcpCheck, 80) with { Alpha = true });
        Assert.False(state.Up);
        Assert.Equal(CheckerTransition.None, state.OnResult(false).Transition);
        Assert.Equal(CheckerTransition.WentUp, state.OnResult(true).Transition);
    }

    [Theory]
    [InlineData(false, 6, 3, 1, true)] // 6 >= 3+1: gained
    [InlineData(false, 3, 3, 1, false)] // 3 < 3+1: hysteresis holds it down
    [InlineData(true, 2, 3, 1, true)] // 2 >= 3-1: hysteresis keeps it up
    [InlineData(true, 1, 3, 1, false)] // 1 < 3-1: lost
    [InlineData(true, 0, 1, 1, false)] // nothing alive: lost even at quorum-hysteresis 0
    [InlineData(false, 1, 1, 0, true)]
    public void Quorum_is_gained_at_quorum_plus_hysteresis_and_lost_below_quorum_minus_hysteresis(bool up, long weight, int quorum, int hysteresis, bool expected) =>
        Assert.Equal(expected, QuorumRule.Next(up, weight, quorum, hysteresis));

    [Fact]
    public void Settings_inherit_from_real_and_virtual_server_and_take_keepalived_defaults()
    {
        const string conf = """
            virtual_server 192.0.2.100 80 {
              delay_loop 7
              connect_timeout 4
              real_server 192.0.2.2 8080 {
                retry 5
                TCP_CHECK {
                }
                HTTP_GET {
                  connect_port 81
                  retry 2
                  url {
                    path /
                  }
                }
                DNS_CHECK {
                }
                MISC_CHECK {
                  misc_path /bin/true
                }
              }
              real_server 192.0.2.3 80 {
                DNS_CHECK {
                }
                MISC_CHECK {
                  misc_path /bin/true
                }
                HTTP_GET {
                  url {
                    path /
                  }
                }
              }
            }
            """;
        var vs = ConfigCompiler.CompileText(conf, "test.conf", ConfigCompileOptions.Default).Config.VirtualServers.Single();
        var rs1 = vs.RealServers[0];
        var tcp = CheckerSettings.Resolve(vs, rs1, rs1.Checkers[0]);
        Assert.Equal(8080, tcp.Connect.Port);
        Assert.Equal(TimeSpan.FromSeconds(4), tcp.ConnectTimeout);
        Assert.Equal(5, tcp.Retry);
        Assert.Equal(TimeSpan.FromSeconds(7), tcp.DelayLoop);
        Assert.Equal(TimeSpan.FromSeconds(7), tcp.Warmup);
        Assert.Equal(TimeSpan.FromSeconds(1), tcp.DelayBeforeRetry);

        var http = CheckerSettings.Resolve(vs, rs1, rs1.Checkers[1]);
        Assert.Equal(81, http.Connect.Port);
        Assert.Equal(2, http.Retry);
        Assert.Equal(TimeSpan.FromSeconds(3), http.DelayBeforeRetry);

        var rs2 = vs.RealServers[1];
        var dns = CheckerSettings.Resolve(vs, rs2, rs2.Checkers[0]);
        Assert.Equal((3, TimeSpan.FromSeconds(7), "SOA", "."), (dns.Retry, dns.DelayBeforeRetry, dns.DnsType, dns.DnsName));
        Assert.Equal(0, CheckerSettings.Resolve(vs, rs2, rs2.Checkers[1]).Retry);
        Assert.Equal(1, CheckerSettings.Resolve(vs, rs2, rs2.Checkers[2]).Retry);
        Assert.Equal(CheckerSettings.DefaultConnectTimeout, CheckerSettings.Resolve(vs with { ConnectTimeout = null }, rs2, rs2.Checkers[2]).ConnectTimeout);
    }

    [Fact]
    public void Log_lines_are_keepalived_2_2_7s()
    {
        const string rs = "[192.0.2.2]:tcp:80";
        const string vs = "[192.0.2.100]:tcp:80";
        Assert.Equal("TCP connection to [192.0.2.2]:tcp:80 success.", KeepalivedLog.TcpSuccess(rs));
        Assert.Equal("TCP_CHECK on service [192.0.2.2]:tcp:80 failed after 2 retries.", KeepalivedLog.CheckFailed("TCP_CHECK", rs, 2));
        Assert.Equal("TCP_CHECK on service [192.0.2.2]:tcp:80 failed.", KeepalivedLog.CheckFailed("TCP_CHECK", rs, 0));
        Assert.Equal("HTTP_CHECK on service [192.0.2.2]:tcp:80 failed after 1 retries.", KeepalivedLog.CheckFailed("HTTP_CHECK", rs, 1));
        Assert.Equal("MD5 digest success to [192.0.2.2]:tcp:80 url(/index.html)", KeepalivedLog.UrlSuccess(true, rs, "/index.html"));
        Assert.Equal("HTTP status code success to [192.0.2.2]:tcp:80 url(/)", KeepalivedLog.UrlSuccess(false, rs, "/"));
        Assert.Equal("Remote Web server [192.0.2.2]:tcp:80 succeed on service.", KeepalivedLog.WebSuccess(rs));
        Assert.Equal("Remote SMTP server [192.0.2.2]:tcp:80 succeed on service.", KeepalivedLog.SmtpSuccess(rs));
        Assert.Equal("SMTP_CHECK Could not connect to server [192.0.2.4]:25", KeepalivedLog.SmtpFailed(KeepalivedLog.SmtpCouldNotConnect("[192.0.2.4]:25")));
        Assert.Equal("DNS_CHECK ([192.0.2.5]:tcp:53) failed to read socket; errno 111 (Connection refused) after 1 retries", KeepalivedLog.DnsFailed("[192.0.2.5]:tcp:53", KeepalivedLog.DnsReadError(111, "Connection refused"), 1));
        Assert.Equal("DNS_CHECK ([192.0.2.5]:tcp:53) read timeout from socket", KeepalivedLog.DnsFailed("[192.0.2.5]:tcp:53", KeepalivedLog.DnsReadTimeout, 0));
        Assert.Equal("Misc check for [[192.0.2.6]:tcp:80 VS [192.0.2.100]:tcp:80] by [/tmp/ahc/misc.sh] succeeded.", KeepalivedLog.MiscSuccess("[192.0.2.6]:tcp:80", vs, "/tmp/ahc/misc.sh"));
        Assert.Equal("Misc check for [[192.0.2.6]:tcp:80 VS [192.0.2.100]:tcp:80] by [/tmp/ahc/misc.sh] failed with retry disabled (exited with status 1).", KeepalivedLog.MiscFailed("[192.0.2.6]:tcp:80", vs, "/tmp/ahc/misc.sh", 0, 1));
        Assert.Equal("Removing service [192.0.2.2]:tcp:80 from VS [192.0.2.100]:tcp:80", KeepalivedLog.RemovingService(rs, vs));
        Assert.Equal("Adding service [192.0.2.2]:tcp:80 to VS [192.0.2.100]:tcp:80", KeepalivedLog.AddingService(rs, vs));
        Assert.Equal("Disabling service [192.0.2.3]:tcp:80 of VS [192.0.2.100]:tcp:80", KeepalivedLog.DisablingService("[192.0.2.3]:tcp:80", vs));
        Assert.Equal("Enabling service [192.0.2.3]:tcp:80 of VS [192.0.2.100]:tcp:80", KeepalivedLog.EnablingService("[192.0.2.3]:tcp:80", vs));
        Assert.Equal("Changing weight from 1 to 10 for inactive service [192.0.2.6]:tcp:80 of VS [192.0.2.100]:tcp:80", KeepalivedLog.ChangingWeight(1, 10, false, "[192.0.2.6]:tcp:80", vs));
        Assert.Equal("Gained quorum 3+1=4 <= 6 for VS [192.0.2.100]:tcp:80", KeepalivedLog.GainedQuorum(3, 1, 6, vs));
        Assert.Equal("Lost quorum 3-1=2 > 1 for VS [192.0.2.100]:tcp:80", KeepalivedLog.LostQuorum(3, 1, 1, vs));
        Assert.Equal("Adding sorry server [192.0.2.200]:tcp:80 to VS [192.0.2.100]:tcp:80", KeepalivedLog.AddingSorryServer("[192.0.2.200]:tcp:80", vs));
        Assert.Equal("Removing alive servers from the pool for VS [192.0.2.100]:tcp:80", KeepalivedLog.RemovingAliveServers(vs));
        Assert.Equal("Activating healthchecker for service [192.0.2.2]:tcp:80 for VS [192.0.2.100]:tcp:80", KeepalivedLog.ActivatingHealthchecker(rs, vs));
    }
}
