using System.Globalization;
using System.Text;

namespace ActorHa.Node.Actors;

/// <summary>
/// `actorha status` for a person: one block per instance, the facts an operator checks first, then the sync groups,
/// the tracked scripts and the virtual servers with each real server's state, weight and checkers.
/// </summary>
internal static class StatusText
{
    public static string Render(NodeStatus status)
    {
        var sb = new StringBuilder();
        if (status.Instances.Count == 0)
        {
            sb.Append("no vrrp_instance configured\n");
        }

        foreach (var s in status.Instances)
        {
            var state = s.State.ToString().ToUpperInvariant();
            var why = s.Priority == s.BasePriority ? "" : string.Create(CultureInfo.InvariantCulture, $" (base {s.BasePriority}, tracking {s.TrackingWeight:+0;-0;0})");
            sb.Append(CultureInfo.InvariantCulture, $"{s.Name}: {state}, priority {s.Priority}{why}, VRID {s.VirtualRouterId} on {s.Interface}\n");
            sb.Append(CultureInfo.InvariantCulture, $"  master: {(s.MasterAddress?.ToString() ?? "unknown")}{(s.State == Protocol.StateMachine.VrrpState.Master ? " (this node)" : "")}\n");
            sb.Append(CultureInfo.InvariantCulture, $"  VIPs {(s.VipsHeld ? "held" : "not held")}: {string.Join(", ", s.Vips)}\n");
            sb.Append(CultureInfo.InvariantCulture, $"  adverts: sent {s.AdvertsSent}, received {s.AdvertsReceived}");
            if (s.InvalidByReason.Count > 0)
            {
                sb.Append(", dropped: ").Append(string.Join(", ", s.InvalidByReason.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value}"))));
            }

            sb.Append('\n');
            if (s.LastTransition is { } t)
            {
                sb.Append(CultureInfo.InvariantCulture, $"  since {t.At.ToLocalTime():yyyy-MM-dd HH:mm:ss}: {t.From.ToString().ToUpperInvariant()} -> {t.To.ToString().ToUpperInvariant()} ({Reason(t.Reason)})\n");
            }

            if (s.LastTakeover is { } takeover)
            {
                sb.Append(CultureInfo.InvariantCulture, $"  last takeover: VIPs installed {takeover.Installed.TotalMilliseconds:F2} ms after Master_Down_Interval ran out (timer {takeover.FiredLate.TotalMilliseconds:F2} ms late");
                if (takeover.Collections > 0)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"; {takeover.Collections} garbage collection(s) in its last ms, {takeover.GcPaused.TotalMilliseconds:F2} ms paused");
                }

                sb.Append(")\n");
            }

            if (s.Peers.Count > 0)
            {
                // What `switchover --to` decides from: priorities heard from peers' adverts (backups are silent).
                sb.Append("  peers heard: ").Append(string.Join(", ", s.Peers.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Address} priority {p.Priority}")))).Append('\n');
            }

            if (s.Faults.Count > 0)
            {
                sb.Append("  faults: ").Append(string.Join("; ", s.Faults)).Append('\n');
            }
        }

        foreach (var (group, members) in status.SyncGroups)
        {
            sb.Append(CultureInfo.InvariantCulture, $"sync group {group}: {string.Join(", ", members)}\n");
        }

        foreach (var script in status.Scripts)
        {
            sb.Append(CultureInfo.InvariantCulture, $"vrrp_script {script.Script}: {(script.Up ? "OK" : "KO")}, weight {script.Weight}, runs {script.Runs} (succeeded {script.Succeeded}, failed {script.Failed}, timed out {script.TimedOut})");
            sb.Append(script.Refused is null ? "\n" : $", refused: {script.Refused}\n");
        }

        foreach (var vs in status.VirtualServers)
        {
            RenderVirtualServer(sb, vs);
        }

        return sb.ToString().TrimEnd('\n');
    }

    private static void RenderVirtualServer(StringBuilder sb, VirtualServerActor.Status vs)
    {
        var alive = vs.RealServers.Count(r => r.Alive);
        sb.Append(CultureInfo.InvariantCulture, $"virtual_server {vs.Name}: quorum {(vs.QuorumUp ? "up" : "down")} (alive weight {vs.AliveWeight}, quorum {vs.Quorum}), {alive}/{vs.RealServers.Count} real servers alive{(vs.SorryServerIn ? ", sorry server in" : "")}\n");
        foreach (var rs in vs.RealServers)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  real_server {rs.Name}: {(rs.Alive ? "UP" : "DOWN")}, weight {rs.Weight}\n");
            foreach (var c in rs.Checkers)
            {
                sb.Append(CultureInfo.InvariantCulture, $"    {c.Checker}: {(c.Up ? "up" : "down")}{(c.Failures > 0 ? $" (retry {c.Failures})" : "")}, {c.Checks} check(s), {c.Failed} failed");
                sb.Append(c.LastError is null ? "\n" : $", last error: {c.LastError}\n");
            }
        }
    }

    private static string Reason(Protocol.StateMachine.TransitionReason reason) => reason switch
    {
        Protocol.StateMachine.TransitionReason.Startup => "start-up",
        Protocol.StateMachine.TransitionReason.MasterDownTimerExpired => "no advert from a master within Master_Down_Interval",
        Protocol.StateMachine.TransitionReason.HigherPriorityAdvert => "advert with a higher priority",
        Protocol.StateMachine.TransitionReason.EqualPriorityHigherAddress => "advert with equal priority from a higher address",
        Protocol.StateMachine.TransitionReason.FaultRaised => "fault",
        Protocol.StateMachine.TransitionReason.FaultCleared => "fault cleared",
        Protocol.StateMachine.TransitionReason.SyncGroup => "sync group",
        _ => "stop",
    };
}
