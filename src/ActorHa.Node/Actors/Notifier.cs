using System.Globalization;
using System.Text;
using ActorHa.Config.Model;
using ActorHa.Node.Scripts;
using ActorHa.Protocol.Logging;
using Akka.Actor;
using Akka.Event;
using Mono.Unix.Native;

namespace ActorHa.Node.Actors;

/// <summary>
/// /notify: runs notify scripts and writes notify FIFO lines. Scripts of one instance or group run strictly in
/// the order of its transitions (the next starts when the previous ended or timed out), different instances run
/// in parallel, and nothing here ever delays a state transition: callers only Tell.
/// </summary>
internal sealed class Notifier : ReceiveActor
{
    /// <summary>What a notification is about: keepalived's first notify argument.</summary>
    public enum Target
    {
        Instance,
        Group,
    }

    /// <summary>keepalived's target states, sent upper-case to scripts and FIFOs.</summary>
    public enum State
    {
        Master,
        Backup,
        Fault,
        Stop,
        Deleted,
        MasterRxLowerPri,
    }

    /// <summary>
    /// A transition to announce; <paramref name="Scripts"/> are the entity's notify_* settings. <see cref="SmtpAlert"/>
    /// is the entity's smtp_alert (or the global default), already resolved.
    /// </summary>
    public sealed record Notify(Target Target, string Name, State State, int Priority, NotifyScripts Scripts)
    {
        public bool SmtpAlert { get; init; }
    }

    /// <summary>Replies <see cref="Drained"/> once every queued script has finished (used before exit, for notify_stop).</summary>
    public sealed record Drain
    {
        public static readonly Drain Instance = new();

        private Drain()
        {
        }
    }

    public sealed record Drained
    {
        public static readonly Drained Instance = new();

        private Drained()
        {
        }
    }

    /// <summary>Global settings: script timeout, default script user, the notify FIFOs of global_defs.</summary>
    public sealed record Settings(TimeSpan ScriptTimeout, ScriptUser? DefaultUser, IReadOnlyList<string> Fifos)
    {
        public static readonly Settings Default = new(TimeSpan.FromSeconds(30), null, []);

        /// <summary>Where smtp_alert mail goes; null when global_defs sets no smtp_server or recipients.</summary>
        public SmtpSettings? Smtp { get; init; }
    }

    private sealed record Job(string Key, string Description, ScriptCommand Command);

    private sealed record JobDone(string Key, string Description, ScriptResult Result);

    private sealed record MailDone(string Subject, SmtpOutcome Outcome);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Settings _settings;
    private readonly Dictionary<string, Queue<Job>> _queues = new(StringComparer.Ordinal);
    private readonly HashSet<string> _running = new(StringComparer.Ordinal);
    private readonly List<IActorRef> _drainWaiters = [];
    private readonly Dictionary<string, int> _fifos = new(StringComparer.Ordinal);
    private int _mailsInFlight;

    public Notifier(Settings settings)
    {
        _settings = settings;
        Receive<Notify>(OnNotify);
        Receive<JobDone>(OnJobDone);
        Receive<MailDone>(m =>
        {
            _mailsInFlight--;
            if (m.Outcome.Connected && _settings.Smtp is { Server: var server })
            {
                _log.Info("{0}", KeepalivedLog.SmtpAlertConnected(server.Address, server.Port));
            }

            if (m.Outcome.Error is null)
            {
                _log.Info("{0}", KeepalivedLog.SmtpAlertSent);
            }
            else
            {
                _log.Warning("Error sending SMTP alert ({0}): {1}", m.Subject, m.Outcome.Error);
            }

            ReleaseDrainWaiters();
        });
        Receive<Drain>(_ =>
        {
            if (_running.Count == 0 && _mailsInFlight == 0)
            {
                Sender.Tell(Drained.Instance);
            }
            else
            {
                _drainWaiters.Add(Sender);
            }
        });
        Receive<ActorTree.DescribeTree>(_ =>
            ActorTree.Reply(Context, string.Create(CultureInfo.InvariantCulture, $"running {_running.Count}, queued {_queues.Values.Sum(q => q.Count)}, fifos {_settings.Fifos.Count}")));
    }

    public static Props Props(Settings settings) => Akka.Actor.Props.Create(() => new Notifier(settings));

    public static string StateWord(State state) => state switch
    {
        State.Master => "MASTER",
        State.Backup => "BACKUP",
        State.Fault => "FAULT",
        State.Stop => "STOP",
        State.Deleted => "DELETED",
        _ => "MASTER_RX_LOWER_PRI",
    };

    /// <summary>keepalived's FIFO line: <c>INSTANCE "VI_1" MASTER 100</c>.</summary>
    public static string FifoLine(Notify n) =>
        string.Create(CultureInfo.InvariantCulture, $"{(n.Target == Target.Instance ? "INSTANCE" : "GROUP")} \"{n.Name}\" {StateWord(n.State)} {n.Priority}\n");

    private void OnNotify(Notify n)
    {
        foreach (var fifo in _settings.Fifos)
        {
            WriteFifo(fifo, FifoLine(n));
        }

        if (n.SmtpAlert && _settings.Smtp is { } smtp && n.State is State.Master or State.Backup or State.Fault)
        {
            var (subject, body) = n.Target == Target.Instance
                ? Scripts.SmtpAlert.InstanceMail(smtp.RouterId, n.Name, StateWord(n.State))
                : Scripts.SmtpAlert.GroupMail(smtp.RouterId, n.Name, StateWord(n.State));
            _mailsInFlight++;
            Scripts.SmtpAlert.SendAsync(smtp, subject, body, DateTimeOffset.Now).PipeTo(Self, success: e => new MailDone(subject, e));
        }

        var specific = n.State switch
        {
            State.Master => n.Scripts.Master,
            State.Backup => n.Scripts.Backup,
            State.Fault => n.Scripts.Fault,
            State.Stop => n.Scripts.Stop,
            State.Deleted => n.Scripts.Deleted,
            _ => n.Scripts.MasterRxLowerPri,
        };
        var key = $"{n.Target}:{n.Name}";
        if (specific is not null)
        {
            Enqueue(new Job(key, $"notify_{StateWord(n.State).ToLowerInvariant()}", Command(specific)));
        }

        // "notify" runs after the state-specific script, with GROUP|INSTANCE, name, state and priority appended.
        if (n.Scripts.Notify is { } generic && n.State != State.MasterRxLowerPri)
        {
            var argv = Command(generic).WithArguments(
                n.Target == Target.Instance ? "INSTANCE" : "GROUP",
                n.Name,
                StateWord(n.State),
                n.Priority.ToString(CultureInfo.InvariantCulture));
            Enqueue(new Job(key, "notify", argv));
        }
    }

    private ScriptCommand Command(NotifyScript script) =>
        ScriptCommand.Parse(script.Command, script.User ?? _settings.DefaultUser?.User, script.User is null ? _settings.DefaultUser?.Group : script.Group);

    private void Enqueue(Job job)
    {
        if (!_queues.TryGetValue(job.Key, out var queue))
        {
            queue = new Queue<Job>();
            _queues[job.Key] = queue;
        }

        queue.Enqueue(job);
        if (!_running.Contains(job.Key))
        {
            StartNext(job.Key);
        }
    }

    private void StartNext(string key)
    {
        if (!_queues.TryGetValue(key, out var queue) || queue.Count == 0)
        {
            _running.Remove(key);
            _queues.Remove(key);
            ReleaseDrainWaiters();
            return;
        }

        var job = queue.Dequeue();
        _running.Add(key);
        _log.Debug("[NOTIFY] {0}: running {1} '{2}'", key, job.Description, job.Command);
        ScriptRunner.RunAsync(job.Command, _settings.ScriptTimeout)
            .PipeTo(Self, success: r => new JobDone(key, job.Description, r));
    }

    private void ReleaseDrainWaiters()
    {
        if (_running.Count > 0 || _mailsInFlight > 0)
        {
            return;
        }

        foreach (var waiter in _drainWaiters)
        {
            waiter.Tell(Drained.Instance);
        }

        _drainWaiters.Clear();
    }

    private void OnJobDone(JobDone done)
    {
        var r = done.Result;
        if (r.StartError is not null)
        {
            _log.Warning("{0} script failed to start: {1}", done.Description, r.StartError);
        }
        else if (r.TimedOut)
        {
            _log.Warning("{0} script timed out after {1:F1}s and was killed", done.Description, r.Duration.TotalSeconds);
        }
        else if (r.ExitCode != 0)
        {
            _log.Debug("[NOTIFY] {0} exited with status {1}", done.Description, r.ExitCode);
        }

        StartNext(done.Key);
    }

    private void WriteFifo(string path, string line)
    {
        if (!_fifos.TryGetValue(path, out var fd))
        {
            if (!File.Exists(path) && Syscall.mkfifo(path, FilePermissions.S_IRUSR | FilePermissions.S_IWUSR) != 0)
            {
                _log.Warning("Unable to create notify fifo {0}: {1}", path, Stdlib.GetLastError());
                return;
            }

            // Read-write, non-blocking: opening never waits for a reader and a full pipe drops the line instead of
            // stalling notifications.
            fd = Syscall.open(path, OpenFlags.O_RDWR | OpenFlags.O_NONBLOCK | OpenFlags.O_CLOEXEC);
            if (fd < 0)
            {
                _log.Warning("Unable to open notify fifo {0}: {1}", path, Stdlib.GetLastError());
                return;
            }

            _fifos[path] = fd;
        }

        var bytes = Encoding.UTF8.GetBytes(line);
        unsafe
        {
            fixed (byte* p = bytes)
            {
                if (Syscall.write(fd, p, (ulong)bytes.Length) < 0)
                {
                    _log.Warning("notify fifo {0} write failed: {1}", path, Stdlib.GetLastError());
                }
            }
        }
    }

    protected override void PostStop()
    {
        foreach (var fd in _fifos.Values)
        {
            Syscall.close(fd);
        }
    }
}
