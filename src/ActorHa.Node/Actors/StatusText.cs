using System.Globalization;
using System.Text;

namespace ActorHa.Node.Actors;

/// <summary>`actorha status` for a person: one block per instance, the facts an operator checks first.</summary>
internal static class StatusText
{
    public static string Render(IReadOnlyList<VrrpInstanceActor.Status> statuses, IReadOnlyDictionary<string, IReadOnlyList<string>> syncGroups)
    {
        var sb = new StringBuilder();
        if (statuses.Count == 0)
        {
            return "no vrrp_instance configured";
        }

        foreach (var s in statuses)
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

            if (s.Faults.Count > 0)
            {
                sb.Append("  faults: ").Append(string.Join("; ", s.Faults)).Append('\n');
            }
        }

        foreach (var (group, members) in syncGroups)
        {
            sb.Append(CultureInfo.InvariantCulture, $"sync group {group}: {string.Join(", ", members)}\n");
        }

        return sb.ToString().TrimEnd('\n');
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
