using System.Globalization;
using ActorHa.Config.Model;
using ActorHa.Node.Checks;
using ActorHa.Node.Logging;
using ActorHa.Node.Scripts;
using Akka.Actor;
using Akka.Event;
using ActorHa.Protocol.Logging;

namespace ActorHa.Node.Actors;

/// <summary>
/// /check/&lt;vs&gt;/&lt;rs&gt;: runs a real server's checkers, each on its own keyed timer (delay_loop, or
/// delay_before_retry while retrying), and reports to its virtual server whenever the server's life or weight
/// changes. The server is alive only while ALL its checkers are up; notify_up/notify_down run on those changes.
/// </summary>
internal sealed class RealServerActor : ReceiveActor, IWithTimers
{
    /// <summary>To the virtual server: the real server is now <paramref name="Alive"/> with <paramref name="Weight"/>.</summary>
    public sealed record StateChanged(bool Alive, int Weight);

    public sealed record GetStatus
    {
        public static readonly GetStatus Instance = new();

        private GetStatus()
        {
        }
    }

    /// <summary>A real server as status and metrics show it: alive, weight, and each checker's state and counts.</summary>
    public sealed record Status(string Name, bool Alive, int Weight, IReadOnlyList<CheckerStatus> Checkers);

    /// <summary>One checker: up or down, failed attempts pending a retry, and its results since start.</summary>
    public sealed record CheckerStatus(string Checker, bool Up, int Failures, long Checks, long Failed, string? LastError);

    /// <summary>Timer tick: run checker <paramref name="Checker"/> now.</summary>
    private sealed record Tick(int Checker);

    private sealed record CheckDone(int Checker, CheckResult Result);

    private sealed record ScriptDone(string What, ScriptResult Result);

    private sealed class Slot(CheckerSettings settings, IHealthChecker checker)
    {
        public CheckerSettings Settings { get; } = settings;

        public IHealthChecker Checker { get; } = checker;

        public CheckerState State { get; } = new(settings);

        /// <summary>misc_dynamic: the weight this checker last asked for, null for the configured one.</summary>
        public int? DynamicWeight { get; set; }

        public bool Running { get; set; }

        public long Checks { get; set; }

        public long Failed { get; set; }

        public string? LastError { get; set; }
    }

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly RealServer _server;
    private readonly string _rsName;
    private readonly string _vsName;
    private readonly IActorRef _reportTo;
    private readonly VirtualServerActor.Settings _settings;
    private readonly List<Slot> _slots;
    private readonly CancellationTokenSource _stopping = new();
    private bool _alive;
    private int _weight;

    public RealServerActor(RealServer server, string rsName, string vsName, IReadOnlyList<CheckerSettings> checkers, IActorRef reportTo, VirtualServerActor.Settings settings)
    {
        _server = server;
        _rsName = rsName;
        _vsName = vsName;
        _reportTo = reportTo;
        _settings = settings;
        _slots = checkers.Select(c => new Slot(c, settings.CheckerFactory(c))).ToList();
        _alive = InitiallyAlive(checkers);
        _weight = server.Weight;
        Receive<Tick>(OnTick);
        Receive<CheckDone>(OnCheckDone);
        Receive<ScriptDone>(done => VirtualServerActor.LogScript(_log, done.What, done.Result));
        Receive<GetStatus>(_ => Sender.Tell(new Status(
            _rsName,
            _alive,
            _weight,
            _slots.Select(s => new CheckerStatus(s.Settings.Name, s.State.Up, s.State.Failures, s.Checks, s.Failed, s.LastError)).ToList())));
        Receive<ActorTree.DescribeTree>(_ => ActorTree.Reply(Context, Describe()));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(RealServer server, string rsName, string vsName, IReadOnlyList<CheckerSettings> checkers, IActorRef reportTo, VirtualServerActor.Settings settings) =>
        Akka.Actor.Props.Create(() => new RealServerActor(server, rsName, vsName, checkers, reportTo, settings));

    /// <summary>A server starts alive unless one of its checkers starts in alpha mode (down until its first success).</summary>
    public static bool InitiallyAlive(IReadOnlyList<CheckerSettings> checkers) => checkers.All(c => !c.Alpha);

    protected override void PreStart()
    {
        for (var i = 0; i < _slots.Count; i++)
        {
            // warmup spreads the first checks over [0, warmup) so that a restart does not fire every check at once.
            var warmup = _slots[i].Settings.Warmup;
            Timers.StartSingleTimer(i, new Tick(i), warmup > TimeSpan.Zero ? warmup * Random.Shared.NextDouble() : TimeSpan.Zero);
        }
    }

    protected override void PostStop()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private void OnTick(Tick tick)
    {
        var slot = _slots[tick.Checker];
        if (slot.Running)
        {
            return;
        }

        slot.Running = true;
        slot.Checker.CheckAsync(_stopping.Token).PipeTo(
            Self,
            success: r => new CheckDone(tick.Checker, r),
            failure: e => new CheckDone(tick.Checker, CheckResult.Failed(e.GetBaseException().Message)));
    }

    private void OnCheckDone(CheckDone done)
    {
        var slot = _slots[done.Checker];
        slot.Running = false;
        var result = done.Result;
        slot.Checks++;
        if (!result.Success)
        {
            slot.Failed++;
            slot.LastError = result.Reason;
        }

        var step = slot.State.OnResult(result.Success);
        Timers.StartSingleTimer(done.Checker, new Tick(done.Checker), step.NextCheckIn);
        if (result.Success && slot.Settings.MiscDynamic)
        {
            slot.DynamicWeight = result.DynamicWeight;
        }

        var weight = Math.Max(0, _server.Weight + _slots.Sum(s => s.DynamicWeight is { } w ? w - _server.Weight : 0));
        if (weight != _weight)
        {
            _log.Info("{0}", KeepalivedLog.ChangingWeight(_weight, weight, _alive, _rsName, _vsName));
        }

        switch (step.Transition)
        {
            case CheckerTransition.Confirmed or CheckerTransition.WentUp:
                LogSuccess(slot.Settings, step.Transition == CheckerTransition.WentUp);
                break;
            case CheckerTransition.WentDown:
                _log.Info("{0}", FailureLine(slot.Settings, result));
                break;
            default:
                if (!result.Success)
                {
                    LogFailedAttempt(slot, result);
                }

                break;
        }

        var alive = _slots.All(s => s.State.Up);
        if (alive == _alive && weight == _weight)
        {
            return;
        }

        var aliveChanged = alive != _alive;
        _alive = alive;
        _weight = weight;
        _reportTo.Tell(new StateChanged(alive, weight));
        if (aliveChanged && (alive ? _server.NotifyUp : _server.NotifyDown) is { } script)
        {
            var what = alive ? "notify_up" : "notify_down";
            ScriptRunner.RunAsync(_settings.Command(script), _settings.ScriptTimeout)
                .PipeTo(Self, success: r => new ScriptDone(what, r));
        }
    }

    private void LogSuccess(CheckerSettings c, bool cameUp)
    {
        switch (c.Kind)
        {
            case CheckerKind.TcpCheck:
                _log.Info("{0}", KeepalivedLog.TcpSuccess(_rsName));
                break;
            case CheckerKind.HttpGet or CheckerKind.SslGet:
                if (cameUp)
                {
                    foreach (var url in c.Urls)
                    {
                        _log.Info("{0}", KeepalivedLog.UrlSuccess(url.Digest is not null, _rsName, url.Path));
                    }
                }

                _log.Info("{0}", KeepalivedLog.WebSuccess(_rsName));
                break;
            case CheckerKind.SmtpCheck:
                _log.Info("{0}", KeepalivedLog.SmtpSuccess(_rsName));
                break;
            case CheckerKind.MiscCheck:
                _log.Info("{0}", KeepalivedLog.MiscSuccess(_rsName, _vsName, c.MiscPath?.Command ?? ""));
                break;
            default:
                // keepalived says nothing when a DNS_CHECK passes; the virtual server's "Adding service" tells.
                break;
        }
    }

    private string FailureLine(CheckerSettings c, CheckResult result) => c.Kind switch
    {
        CheckerKind.SmtpCheck => KeepalivedLog.SmtpFailed(result.Reason),
        CheckerKind.DnsCheck => KeepalivedLog.DnsFailed(_rsName, result.Reason, c.Retry),
        CheckerKind.MiscCheck => KeepalivedLog.MiscFailed(_rsName, _vsName, c.MiscPath?.Command ?? "", c.Retry, result.ExitStatus),
        _ => KeepalivedLog.CheckFailed(c.Name, _rsName, c.Retry),
    };

    /// <summary>A failure that did not (yet) take the checker down: visible with log_all_failures, else in debug.</summary>
    private void LogFailedAttempt(Slot slot, CheckResult result)
    {
        var text = string.Create(
            CultureInfo.InvariantCulture,
            $"{slot.Settings.Name} on service {_rsName}: {result.Reason} ({(slot.State.Up ? $"retry {slot.State.Failures} of {slot.Settings.Retry}" : "still down")})");
        if (slot.Settings.LogAllFailures && slot.State.Up)
        {
            _log.Info("{0}", text);
        }
        else
        {
            _log.Debug("[CHECK] {0}", text);
        }
    }

    private string Describe() =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{(_alive ? "UP" : "DOWN")} weight {_weight}; {string.Join(", ", _slots.Select(s => $"{s.Settings.Name} {(s.State.Up ? "up" : "down")}{(s.State.Failures > 0 ? $" (retry {s.State.Failures}/{s.Settings.Retry})" : "")}"))}");
}
