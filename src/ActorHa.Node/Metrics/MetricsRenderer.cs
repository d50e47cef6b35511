using ActorHa.Node.Actors;
using ActorHa.Protocol.StateMachine;
using static ActorHa.Node.Metrics.PrometheusText;

namespace ActorHa.Node.Metrics;

/// <summary>
/// The node's status as Prometheus metrics (the names are listed in README.md). States are one-hot gauges (one
/// sample per possible state, 1 for the current one) so that <c>actorha_vrrp_instance_state{state="MASTER"} == 1</c>
/// is a complete alert expression and a state that disappears still reads 0.
/// </summary>
internal static class MetricsRenderer
{
    private static readonly VrrpState[] States = Enum.GetValues<VrrpState>();

    public static string Render(NodeStatus status)
    {
        var m = new PrometheusText();
        RenderNode(m, status.Node);
        RenderInstances(m, status.Instances);
        RenderSockets(m, status.Sockets);
        RenderScripts(m, status.Scripts);
        RenderVirtualServers(m, status.VirtualServers);
        return m.ToString();
    }

    /// <summary>keepalived's spelling of a state, as in its log lines and `actorha status`.</summary>
    public static string StateName(VrrpState state) => state == VrrpState.Initialize ? "INIT" : state.ToString().ToUpperInvariant();

    private static void RenderNode(PrometheusText m, NodeStatus.NodeInfo node)
    {
        m.Family("actorha_build_info", Kind.Gauge, "Always 1; the version label is the running ActorHa.")
            .Sample("actorha_build_info", 1, ("version", node.Version));
        m.Family("actorha_start_time_seconds", Kind.Gauge, "When the node started, seconds since the Unix epoch.")
            .Sample("actorha_start_time_seconds", node.StartedAt.ToUnixTimeMilliseconds() / 1000.0);
        m.Family("actorha_config_reloads_total", Kind.Counter, "Configuration reloads attempted (SIGHUP, actorha reload, a watched file change).")
            .Sample("actorha_config_reloads_total", node.Reloads);
        m.Family("actorha_config_reload_failures_total", Kind.Counter, "Reloads rejected because the new configuration had errors.")
            .Sample("actorha_config_reload_failures_total", node.ReloadsFailed);
        m.Family("actorha_config_last_reload_successful", Kind.Gauge, "1 if the last reload was applied (or none was attempted), 0 if it was rejected.")
            .Sample("actorha_config_last_reload_successful", node.LastReloadSucceeded ? 1 : 0);
        if (node.LastReloadAt is { } at)
        {
            m.Family("actorha_config_last_reload_timestamp_seconds", Kind.Gauge, "When the last reload finished, seconds since the Unix epoch.")
                .Sample("actorha_config_last_reload_timestamp_seconds", at.ToUnixTimeMilliseconds() / 1000.0);
        }
    }

    private static void RenderInstances(PrometheusText m, IReadOnlyList<VrrpInstanceActor.Status> instances)
    {
        m.Family("actorha_vrrp_instance_info", Kind.Gauge, "Always 1; labels name the instance's interface and VRID.");
        foreach (var i in instances)
        {
            m.Sample("actorha_vrrp_instance_info", 1, ("instance", i.Name), ("interface", i.Interface), ("vrid", i.VirtualRouterId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        m.Family("actorha_vrrp_instance_state", Kind.Gauge, "1 for the instance's current VRRP state, 0 for the others.");
        foreach (var i in instances)
        {
            foreach (var state in States)
            {
                m.Sample("actorha_vrrp_instance_state", i.State == state ? 1 : 0, ("instance", i.Name), ("state", StateName(state)));
            }
        }

        Each(m, instances, "actorha_vrrp_priority", Kind.Gauge, "Effective priority: the configured one adjusted by tracking (and maintenance).", i => i.Priority);
        Each(m, instances, "actorha_vrrp_base_priority", Kind.Gauge, "The configured priority.", i => i.BasePriority);
        Each(m, instances, "actorha_vrrp_vips_held", Kind.Gauge, "1 while this node has the instance's virtual addresses installed.", i => i.VipsHeld ? 1 : 0);
        m.Family("actorha_vrrp_last_takeover_delay_seconds", Kind.Gauge, "The last takeover on Master_Down_Timer: VIPs in the kernel this long after Master_Down_Interval ran out.");
        foreach (var i in instances.Where(i => i.LastTakeover is not null))
        {
            m.Sample("actorha_vrrp_last_takeover_delay_seconds", i.LastTakeover!.Installed.TotalSeconds, ("instance", i.Name));
        }

        Each(m, instances, "actorha_vrrp_adverts_sent_total", Kind.Counter, "Adverts this node sent.", i => i.AdvertsSent);
        Each(m, instances, "actorha_vrrp_adverts_received_total", Kind.Counter, "Valid adverts received from peers.", i => i.AdvertsReceived);

        m.Family("actorha_vrrp_adverts_invalid_total", Kind.Counter, "Adverts dropped, by reason (TTL, checksum, authentication, address list, ...).");
        foreach (var i in instances)
        {
            foreach (var (reason, count) in i.InvalidByReason.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                m.Sample("actorha_vrrp_adverts_invalid_total", count, ("instance", i.Name), ("reason", reason));
            }
        }

        m.Family("actorha_vrrp_transitions_total", Kind.Counter, "State transitions, by the state left and the state entered.");
        foreach (var i in instances)
        {
            foreach (var t in i.Transitions.OrderBy(t => t.From).ThenBy(t => t.To))
            {
                m.Sample("actorha_vrrp_transitions_total", t.Count, ("instance", i.Name), ("from", StateName(t.From)), ("to", StateName(t.To)));
            }
        }
    }

    private static void RenderSockets(PrometheusText m, IReadOnlyList<VrrpSocketActor.SocketStatus> sockets)
    {
        m.Family("actorha_vrrp_packets_received_total", Kind.Counter, "Protocol-112 packets read, per receiving interface and family.");
        foreach (var s in sockets)
        {
            m.Sample("actorha_vrrp_packets_received_total", s.Received, ("interface", s.Interface), ("family", s.Family));
        }

        m.Family("actorha_vrrp_packets_invalid_total", Kind.Counter, "Packets that failed to parse (TTL, checksum, length, ...); an instance counts those for its VRID by reason.");
        foreach (var s in sockets)
        {
            m.Sample("actorha_vrrp_packets_invalid_total", s.Invalid, ("interface", s.Interface), ("family", s.Family));
        }

        m.Family("actorha_vrrp_packets_unknown_vrid_total", Kind.Counter, "Valid adverts for a VRID no instance of this node runs on that interface (another group on the segment).");
        foreach (var s in sockets)
        {
            m.Sample("actorha_vrrp_packets_unknown_vrid_total", s.UnknownVrid, ("interface", s.Interface), ("family", s.Family));
        }
    }

    private static void Each(PrometheusText m, IReadOnlyList<VrrpInstanceActor.Status> instances, string name, Kind kind, string help, Func<VrrpInstanceActor.Status, double> value)
    {
        m.Family(name, kind, help);
        foreach (var i in instances)
        {
            m.Sample(name, value(i), ("instance", i.Name));
        }
    }

    private static void RenderScripts(PrometheusText m, IReadOnlyList<TrackScriptActor.Status> scripts)
    {
        m.Family("actorha_vrrp_script_up", Kind.Gauge, "1 while the vrrp_script is in its OK state (after rise/fall).");
        foreach (var s in scripts)
        {
            m.Sample("actorha_vrrp_script_up", s.Up ? 1 : 0, ("script", s.Script));
        }

        m.Family("actorha_vrrp_script_results_total", Kind.Counter, "Script runs by result: success, failure (timeouts and refused runs count as failures).");
        foreach (var s in scripts)
        {
            m.Sample("actorha_vrrp_script_results_total", s.Succeeded, ("script", s.Script), ("result", "success"));
            m.Sample("actorha_vrrp_script_results_total", s.Failed, ("script", s.Script), ("result", "failure"));
        }

        m.Family("actorha_vrrp_script_timeouts_total", Kind.Counter, "Script runs killed at their timeout.");
        foreach (var s in scripts)
        {
            m.Sample("actorha_vrrp_script_timeouts_total", s.TimedOut, ("script", s.Script));
        }
    }

    private static void RenderVirtualServers(PrometheusText m, IReadOnlyList<VirtualServerActor.Status> virtualServers)
    {
        m.Family("actorha_virtual_server_quorum_up", Kind.Gauge, "1 while the virtual server's alive weight meets its quorum.");
        foreach (var vs in virtualServers)
        {
            m.Sample("actorha_virtual_server_quorum_up", vs.QuorumUp ? 1 : 0, ("virtual_server", vs.Name));
        }

        m.Family("actorha_virtual_server_alive_weight", Kind.Gauge, "Sum of the weights of the alive real servers (compared with the quorum).");
        foreach (var vs in virtualServers)
        {
            m.Sample("actorha_virtual_server_alive_weight", vs.AliveWeight, ("virtual_server", vs.Name));
        }

        m.Family("actorha_real_server_up", Kind.Gauge, "1 while every checker of the real server passes.");
        foreach (var (vs, rs) in RealServers(virtualServers))
        {
            m.Sample("actorha_real_server_up", rs.Alive ? 1 : 0, ("virtual_server", vs.Name), ("real_server", rs.Name));
        }

        m.Family("actorha_real_server_weight", Kind.Gauge, "The real server's current weight (misc_dynamic may change it).");
        foreach (var (vs, rs) in RealServers(virtualServers))
        {
            m.Sample("actorha_real_server_weight", rs.Weight, ("virtual_server", vs.Name), ("real_server", rs.Name));
        }

        var checkers = Checkers(virtualServers).ToList();
        m.Family("actorha_checker_up", Kind.Gauge, "1 while the checker passes (a failure is retried before it counts).");
        foreach (var (labels, c) in checkers)
        {
            m.Sample("actorha_checker_up", c.Up ? 1 : 0, labels);
        }

        m.Family("actorha_checker_checks_total", Kind.Counter, "Checks run.");
        foreach (var (labels, c) in checkers)
        {
            m.Sample("actorha_checker_checks_total", c.Checks, labels);
        }

        m.Family("actorha_checker_failures_total", Kind.Counter, "Checks that failed, retries included.");
        foreach (var (labels, c) in checkers)
        {
            m.Sample("actorha_checker_failures_total", c.Failed, labels);
        }
    }

    private static IEnumerable<(VirtualServerActor.Status Vs, RealServerActor.Status Rs)> RealServers(IReadOnlyList<VirtualServerActor.Status> virtualServers) =>
        virtualServers.SelectMany(vs => vs.RealServers.Select(rs => (vs, rs)));

    /// <summary>A real server may run two checkers of one kind: the second is labelled <c>TCP_CHECK#2</c> so label sets stay unique.</summary>
    private static IEnumerable<((string, string)[] Labels, RealServerActor.CheckerStatus Checker)> Checkers(IReadOnlyList<VirtualServerActor.Status> virtualServers)
    {
        foreach (var (vs, rs) in RealServers(virtualServers))
        {
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var c in rs.Checkers)
            {
                var n = seen[c.Checker] = seen.GetValueOrDefault(c.Checker) + 1;
                var name = n == 1 ? c.Checker : $"{c.Checker}#{n}";
                yield return ([("virtual_server", vs.Name), ("real_server", rs.Name), ("checker", name)], c);
            }
        }
    }
}
