using Akka.Actor;
using Akka.Event;

namespace ActorHa.Node.Actors;

/// <summary>
/// Subscriptions to tracked scripts and files go by path (/user/node/scripts/&lt;name&gt;,
/// /user/node/track-files/&lt;name&gt;), and such an actor may not exist yet when the subscription is sent: its
/// container creates it from a message, at start-up as on a reload that adds it, concurrently with this instance.
/// A selection to a missing actor is a dead letter, so each one answers its Subscribe with its state at once, and
/// until every tracked script and file has answered, the missing ones are asked again after a pause that doubles
/// from 20 ms to 1 s.
/// </summary>
internal sealed partial class VrrpInstanceActor
{
    private const string ScriptsPath = "/user/node/scripts";
    private static readonly TimeSpan FirstResubscribe = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan MaxResubscribe = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan SilenceWorthAWarning = TimeSpan.FromSeconds(5);

    private TimeSpan _resubscribePause = FirstResubscribe;
    private TimeSpan _unanswered;
    private bool _silenceLogged;

    private sealed record ResubscribeTracked
    {
        public static readonly ResubscribeTracked Instance = new();

        private ResubscribeTracked()
        {
        }
    }

    private void ReceiveTrackedSubscriptions() => Receive<ResubscribeTracked>(_ => Resubscribe());

    private static void SubscribeScript(IUntypedActorContext context, string name, IActorRef self) =>
        context.ActorSelection($"{ScriptsPath}/{ActorNames.Safe(name)}").Tell(new TrackScriptActor.Subscribe(self));

    /// <summary>After subscribing: ask again until every tracked script and file has answered once.</summary>
    private void AwaitTrackedAnswers()
    {
        _resubscribePause = FirstResubscribe;
        _unanswered = TimeSpan.Zero;
        _silenceLogged = false;
        if (Unanswered().Any())
        {
            Timers.StartSingleTimer(nameof(ResubscribeTracked), ResubscribeTracked.Instance, _resubscribePause);
        }
    }

    private IEnumerable<(string Kind, string Name)> Unanswered() =>
        _config.TrackScript.Where(t => !_scriptStates.ContainsKey(t.Name)).Select(t => ("vrrp_script", t.Name))
            .Concat(_config.TrackFile.Where(t => !_fileStates.ContainsKey(t.Name)).Select(t => ("track_file", t.Name)));

    private void Resubscribe()
    {
        var missing = Unanswered().ToList();
        if (missing.Count == 0)
        {
            return;
        }

        _unanswered += _resubscribePause;
        if (_unanswered >= SilenceWorthAWarning && !_silenceLogged)
        {
            _silenceLogged = true;
            _log.Warning("({0}) no state yet from {1}; still asking every second", Name, string.Join(", ", missing.Select(m => $"{m.Kind} {m.Name}")));
        }

        foreach (var (kind, name) in missing)
        {
            if (kind == "vrrp_script")
            {
                SubscribeScript(Context, name, Self);
            }
            else
            {
                SubscribeFiles([name]);
            }
        }

        _resubscribePause = TimeSpan.FromTicks(Math.Min(_resubscribePause.Ticks * 2, MaxResubscribe.Ticks));
        Timers.StartSingleTimer(nameof(ResubscribeTracked), ResubscribeTracked.Instance, _resubscribePause);
    }
}
