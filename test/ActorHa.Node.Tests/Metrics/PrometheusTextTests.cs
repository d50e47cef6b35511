using System.Net;
using ActorHa.Node.Actors;
using ActorHa.Node.Metrics;
using ActorHa.Protocol.StateMachine;

namespace ActorHa.Node.Tests.Metrics;

public sealed class PrometheusTextTests
{
    [Fact]
    public void A_family_is_help_then_type_then_its_samples_each_ending_in_a_line_feed()
    {
        var text = new PrometheusText()
            .Family("actorha_x_total", PrometheusText.Kind.Counter, "Things counted.")
            .Sample("actorha_x_total", 3, ("instance", "VI_1"), ("reason", "wrong password"))
            .Sample("actorha_x_total", 0.5)
            .ToString();
        Assert.Equal(
            "# HELP actorha_x_total Things counted.\n# TYPE actorha_x_total counter\nactorha_x_total{instance=\"VI_1\",reason=\"wrong password\"} 3\nactorha_x_total 0.5\n",
            text);
    }

    [Fact]
    public void Label_values_escape_backslash_quote_and_line_feed_and_help_escapes_backslash_and_line_feed()
    {
        var text = new PrometheusText()
            .Family("g", PrometheusText.Kind.Gauge, "a\\b\nc \"q\"")
            .Sample("g", 1, ("l", "x\\y\"z\nw"))
            .ToString();
        Assert.Equal("# HELP g a\\\\b\\nc \"q\"\n# TYPE g gauge\ng{l=\"x\\\\y\\\"z\\nw\"} 1\n", text);
    }

    [Theory]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(1763865600.123, "1763865600.123")]
    [InlineData(12345678901, "12345678901")]
    [InlineData(-2, "-2")]
    public void Values_use_the_formats_go_parses(double value, string expected) => Assert.Equal(expected, PrometheusText.FormatValue(value));

    [Fact]
    public void A_family_written_twice_or_an_invalid_name_is_a_programming_error()
    {
        var m = new PrometheusText().Family("a", PrometheusText.Kind.Gauge, "h");
        Assert.Throws<InvalidOperationException>(() => m.Family("a", PrometheusText.Kind.Gauge, "h"));
        Assert.Throws<ArgumentException>(() => m.Family("1a", PrometheusText.Kind.Gauge, "h"));
        Assert.Throws<ArgumentException>(() => m.Family("a-b", PrometheusText.Kind.Gauge, "h"));
    }

    [Theory]
    [InlineData("127.0.0.1:9650", "127.0.0.1:9650")]
    [InlineData(":9650", "0.0.0.0:9650")]
    [InlineData("[::1]:9650", "[::1]:9650")]
    [InlineData("127.0.0.1", null)]
    [InlineData("localhost:9650", null)]
    [InlineData("127.0.0.1:0", null)]
    public void Metrics_addresses_are_host_port(string text, string? expected) => Assert.Equal(expected, MetricsActor.ParseAddress(text)?.ToString());
}

public sealed class MetricsRendererTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(1_763_865_600);

    private static NodeStatus Sample()
    {
        var instance = new VrrpInstanceActor.Status(
            "VI_1", VrrpState.Master, 90, 100, -10, "eth0", 51, IPAddress.Parse("192.0.2.12"), ["192.0.2.100/24"], true, 42, 7,
            new Dictionary<string, long> { ["wrong password"] = 3, ["invalid TTL"] = 1 },
            null, [])
        {
            Transitions = [new(VrrpState.Initialize, VrrpState.Backup, 1), new(VrrpState.Backup, VrrpState.Master, 2)],
        };
        var script = new TrackScriptActor.Status("chk_nginx", false, -10, 9, 5, 4, 1, null);
        var rs = new RealServerActor.Status("[192.0.2.21]:tcp:80", true, 3, [
            new RealServerActor.CheckerStatus("TCP_CHECK", true, 0, 10, 2, "connection refused"),
            new RealServerActor.CheckerStatus("TCP_CHECK", false, 0, 10, 10, "timeout"),
        ]);
        var vs = new VirtualServerActor.Status("[192.0.2.100]:tcp:80", true, 3, 1, false, [rs]);
        var node = new NodeStatus.NodeInfo("1.2.3", "/etc/keepalived/keepalived.conf", At, 4, 1, false, At.AddMinutes(1));
        return new NodeStatus(node, [instance], new Dictionary<string, IReadOnlyList<string>>(), [script], [vs])
        {
            Sockets = [new VrrpSocketActor.SocketStatus("eth0", "IPv4", 50, 4, 2)],
        };
    }

    [Fact]
    public void The_instance_state_is_one_hot_with_keepalived_state_names()
    {
        var text = MetricsRenderer.Render(Sample());
        Assert.Contains("actorha_vrrp_instance_state{instance=\"VI_1\",state=\"MASTER\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("actorha_vrrp_instance_state{instance=\"VI_1\",state=\"BACKUP\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("actorha_vrrp_instance_state{instance=\"VI_1\",state=\"INIT\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("actorha_vrrp_instance_state{instance=\"VI_1\",state=\"FAULT\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("actorha_vrrp_instance_info{instance=\"VI_1\",interface=\"eth0\",vrid=\"51\"} 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Priorities_counters_transitions_and_invalid_adverts_by_reason_are_exposed()
    {
        var text = MetricsRenderer.Render(Sample());
        Assert.Contains("actorha_vrrp_priority{instance=\"VI_1\"} 90\n", text, StringComparison.Ordinal);
        Assert.Contains("actorha_vrrp_base_priority{instance=\"VI_1\"} 100\n", text, StringComparison.Ordinal);
        Assert.Contains("actorha_vrrp_vips_held{instance=\"VI_1\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("actorha_vrrp_adverts_sent_total{instance=\"VI_1\"} 42\n", text, StringComparison.Ordinal);
        Assert.Contains("actorha_vrrp_adverts_received_total{instance=\"VI_1\"} 7\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE actorha_vrrp_adverts_invalid_total counter\nactorha_vrrp_adverts_invalid_total{instance=\"VI_1\",reason=\"invalid TTL\"} 1\nactorha_vrrp_adverts_invalid_total{instance=\"VI_1\",reason=\"wrong password\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("actorha_vrrp_transitions_total{instance=\"VI_1\",from=\"INIT\",to=\"BACKUP\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("actorha_vrrp_transitions_total{instance=\"VI_1\",from=\"BACKUP\",to=\"MASTER\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("actorha_vrrp_packets_received_total{interface=\"eth0\",family=\"IPv4\"} 50\n", text, StringComparison.Ordinal);
        Assert.Contains("actorha_vrrp_packets_invalid_total{interface=\"eth0\",family=\"IPv4\"} 4\n", text, StringComparison.Ordinal);
        Assert.Contains("actorha_vrrp_packets_unknown_vrid_total{interface=\"eth0\",family=\"IPv4\"} 2\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Scripts_real_servers_checkers_and_the_node_are_exposed_with_unique_label_sets()
    {
        var text = MetricsRenderer.Render(Sample());
        Assert.Contains("actorha_vrrp_script_up{script=\"chk_nginx\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("actorha_vrrp_script_results_total{script=\"chk_nginx\",result=\"success\"} 5\n", text, StringComparison.Ordinal);
        Assert.Contains("actorha_vrrp_script_results_total{script=\"chk_nginx\",result=\"failure\"} 4\n", text, StringComparison.Ordinal);
        Assert.Contains("actorha_vrrp_script_timeouts_total{script=\"chk_nginx\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("actorha_virtual_server_quorum_up{virtual_server=\"[192.0.2.100]:tcp:80\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("actorha_real_server_weight{virtual_server=\"[192.0.2.100]:tcp:80\",real_server=\"[192.0.2.21]:tcp:80\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("actorha_checker_up{virtual_server=\"[192.0.2.100]:tcp:80\",real_server=\"[192.0.2.21]:tcp:80\",checker=\"TCP_CHECK\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("actorha_checker_up{virtual_server=\"[192.0.2.100]:tcp:80\",real_server=\"[192.0.2.21]:tcp:80\",checker=\"TCP_CHECK#2\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("actorha_checker_failures_total{virtual_server=\"[192.0.2.100]:tcp:80\",real_server=\"[192.0.2.21]:tcp:80\",checker=\"TCP_CHECK#2\"} 10\n", text, StringComparison.Ordinal);
        Assert.Contains("actorha_build_info{version=\"1.2.3\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("actorha_config_reloads_total 4\n", text, StringComparison.Ordinal);
        Assert.Contains("actorha_config_reload_failures_total 1\n", text, StringComparison.Ordinal);
        Assert.Contains("actorha_config_last_reload_successful 0\n", text, StringComparison.Ordinal);
        Assert.Contains("actorha_config_last_reload_timestamp_seconds 1763865660\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_line_is_a_comment_or_a_well_formed_sample_and_every_sample_belongs_to_a_typed_family()
    {
        var text = MetricsRenderer.Render(Sample());
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var typed = new HashSet<string>(StringComparer.Ordinal);
        var sample = new System.Text.RegularExpressions.Regex("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\.)*\"(?:,[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\.)*\")*\\})? (-?[0-9.e+]+|NaN|[+-]Inf)$");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in text.TrimEnd('\n').Split('\n'))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                Assert.True(typed.Add(line.Split(' ')[2]), $"family typed twice: {line}");
                continue;
            }

            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                continue;
            }

            var match = sample.Match(line);
            Assert.True(match.Success, $"not a sample line: {line}");
            Assert.Contains(match.Groups[1].Value, typed);
            Assert.True(seen.Add(match.Groups[1].Value + match.Groups[2].Value), $"duplicate label set: {line}");
        }
    }
}
