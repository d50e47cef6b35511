using System.Globalization;
using ActorHa.Config.Model;
using ActorHa.Node.Scripts;
using Akka.Actor;
using Akka.Event;
using Mono.Unix;

namespace ActorHa.Node.Actors;

/// <summary>
/// /scripts/&lt;name&gt;: one vrrp_script. Runs it every <c>interval</c> (never two at once: a run still going when
/// the next is due is simply not started again), kills the whole process group at <c>timeout</c>, counts
/// <c>rise</c> successes / <c>fall</c> failures before changing state, and tells its subscribers (the instances
/// and groups that track it) the new state. A hung or crashing script delays nothing but itself.
/// </summary>
internal sealed class TrackScriptActor : ReceiveActor, IWithTimers
{
    /// <summary>Subscribe to the script's state; the subscriber gets the current state at once.</summary>
    public sealed record Subscribe(IActorRef Subscriber);

    public sealed record Unsubscribe(IActorRef Subscriber);

    /// <summary>The script's state and its own weight (a track_script entry may override it).</summary>
    public sealed record State(string Script, bool Up, int Weight, bool WeightReverse);

    public sealed record GetStatus
    {
        public static readonly GetStatus Instance = new();

        private GetStatus()
        {
        }
    }

    /// <summary>The script's state and its result counts since start (status, metrics).</summary>
    public sealed record Status(string Script, bool Up, int Weight, long Runs, long Succeeded, long Failed, long TimedOut, string? Refused);

    /// <summary>A reload changed the vrrp_script block; subscribers stay.</summary>
    public sealed record Reconfigure(VrrpScript Script);

    private sealed record Tick
    {
        public static readonly Tick Instance = new();

        private Tick()
        {
        }
    }

    private sealed record Finished(ScriptResult Result);

    /// <summary>What an incarnation that threw hands its successor (the mailbox outlives a restart).</summary>
    private sealed record Restore(bool Up, int Successes, int Failures, long Runs, long Succeeded, long Failed, long TimedOut);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly HashSet<IActorRef> _subscribers = [];
    private readonly bool _enableScriptSecurity;
    private readonly Config.Model.ScriptUser? _defaultUser;
    private VrrpScript _script;
    private bool _up;
    private int _successes;
    private int _failures;
    private bool _running;
    private long _runs;
    private long _succeeded;
    private long _failed;
    private long _timedOut;
    private string? _refused;

    public TrackScriptActor(VrrpScript script, bool enableScriptSecurity, Config.Model.ScriptUser? defaultUser)
    {
        _script = script;
        _enableScriptSecurity = enableScriptSecurity;
        _defaultUser = defaultUser;
        _up = !script.InitFail;
        Receive<Subscribe>(s =>
        {
            _subscribers.Add(s.Subscriber);
            Context.Watch(s.Subscriber);
            s.Subscriber.Tell(CurrentState());
        });
        Receive<Unsubscribe>(u => _subscribers.Remove(u.Subscriber));
        Receive<Terminated>(t => _subscribers.Remove(t.ActorRef));
        Receive<Tick>(_ => Run());
        Receive<Finished>(OnFinished);
        Receive<Restore>(r => (_up, _successes, _failures, _runs, _succeeded, _failed, _timedOut) = (r.Up, r.Successes, r.Failures, r.Runs, r.Succeeded, r.Failed, r.TimedOut));
        Receive<Reconfigure>(r =>
        {
            _script = r.Script;
            _refused = null;
            Timers.StartPeriodicTimer(nameof(Tick), Tick.Instance, TimeSpan.Zero, _script.Interval);
            Publish();
        });
        Receive<GetStatus>(_ => Sender.Tell(new Status(_script.Name, _up, _script.Weight, _runs, _succeeded, _failed, _timedOut, _refused)));
        Receive<ActorTree.DescribeTree>(_ => ActorTree.Reply(Context, string.Create(
            CultureInfo.InvariantCulture,
            $"{(_up ? "OK" : "KO")}, every {_script.Interval.TotalSeconds}s, {_runs} run(s), weight {_script.Weight}{(_script.WeightReverse ? " reverse" : "")}, {_subscribers.Count} tracker(s){(_refused is null ? "" : ", refused: " + _refused)}")));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(VrrpScript script, bool enableScriptSecurity, Config.Model.ScriptUser? defaultUser) =>
        Akka.Actor.Props.Create(() => new TrackScriptActor(script, enableScriptSecurity, defaultUser));

    protected override void PreStart() => Timers.StartPeriodicTimer(nameof(Tick), Tick.Instance, TimeSpan.Zero, _script.Interval);

    /// <summary>
    /// A restart (a handler threw) would start again from the Props' script, the init state and no trackers: the
    /// instances would see the script flip to its init state, or never hear from it again. So the state, the script
    /// as the last reload left it and the subscriptions go to the successor through the mailbox, ahead of its first run.
    /// </summary>
    protected override void PreRestart(Exception reason, object message)
    {
        Self.Tell(new Restore(_up, _successes, _failures, _runs, _succeeded, _failed, _timedOut));
        Self.Tell(new Reconfigure(_script));
        foreach (var subscriber in _subscribers)
        {
            Self.Tell(new Subscribe(subscriber));
        }

        base.PreRestart(reason, message);
    }

    private State CurrentState() => new(_script.Name, _up, _script.Weight, _script.WeightReverse);

    private ScriptCommand Command()
    {
        var user = _script.User ?? _defaultUser;
        return ScriptCommand.Parse(_script.Script, user?.User, user?.Group);
    }

    private void Run()
    {
        if (_running)
        {
            return;
        }

        var command = Command();
        if (_enableScriptSecurity && (command.User is null || command.User == "root") && InsecurePath(command.Program) is { } why)
        {
            if (_refused is null)
            {
                _log.Error("VRRP_Script({0}) refused: {1} (enable_script_security is set and the script runs as root)", _script.Name, why);
            }

            _refused = why;
            Result(false);
            return;
        }

        _running = true;
        _runs++;
        ScriptRunner.RunAsync(command, _script.Timeout ?? _script.Interval).PipeTo(Self, success: r => new Finished(r));
    }

    private void OnFinished(Finished f)
    {
        _running = false;
        var r = f.Result;
        if (r.TimedOut)
        {
            _timedOut++;
            _log.Warning("VRRP_Script({0}) timed_out", _script.Name);
        }
        else if (r.StartError is not null)
        {
            _log.Warning("VRRP_Script({0}) cannot be run: {1}", _script.Name, r.StartError);
        }

        Result(r.Succeeded);
    }

    private void Result(bool success)
    {
        if (success)
        {
            _succeeded++;
            _failures = 0;
            _successes++;
            if (!_up && _successes >= Math.Max(1, _script.Rise))
            {
                _up = true;
                _log.Info("VRRP_Script({0}) succeeded", _script.Name);
                Publish();
            }
        }
        else
        {
            _failed++;
            _successes = 0;
            _failures++;
            if (_up && _failures >= Math.Max(1, _script.Fall))
            {
                _up = false;
                _log.Info("VRRP_Script({0}) failed", _script.Name);
                Publish();
            }
        }
    }

    private void Publish()
    {
        var state = CurrentState();
        foreach (var s in _subscribers)
        {
            s.Tell(state);
        }
    }

    /// <summary>
    /// keepalived's enable_script_security rule: a script run as root must not be replaceable by anyone else, so
    /// neither the file nor any folder above it may be owned by or writable for a non-root user.
    /// </summary>
    internal static string? InsecurePath(string program)
    {
        if (!program.StartsWith('/'))
        {
            return $"'{program}' is not an absolute path";
        }

        try
        {
            var path = program;
            while (!string.IsNullOrEmpty(path))
            {
                var info = new UnixFileInfo(path);
                if (!info.Exists)
                {
                    return $"{path} does not exist";
                }

                if (info.OwnerUserId != 0)
                {
                    return $"{path} is owned by uid {info.OwnerUserId}";
                }

                var perms = info.FileAccessPermissions;
                var isDir = info.FileType == FileTypes.Directory;
                var sticky = isDir && (info.FileSpecialAttributes & FileSpecialAttributes.Sticky) != 0;
                if (!sticky && (perms & (FileAccessPermissions.GroupWrite | FileAccessPermissions.OtherWrite)) != 0)
                {
                    return $"{path} is writable by non-root users";
                }

                path = path == "/" ? "" : Path.GetDirectoryName(path) ?? "";
            }
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }

        return null;
    }
}
