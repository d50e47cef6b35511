using System.Collections.Concurrent;
using System.Diagnostics;
using ActorHa.Node.Io;
using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace ActorHa.Node.Hosting;

/// <summary>
/// The node's event loop: one thread that owns the timer heap and also runs the mailboxes of the actors on the
/// <c>actorha.vrrp-loop</c> dispatcher (/vrrp-io, the VRRP instances and sync groups, /kernel). It is keepalived's
/// single-threaded scheduler in actor form: when a Master_Down_Timer expires, the instance's mailbox, the advert
/// to /vrrp-io and the VIP to /kernel all run on this thread in one pass, with no wake-up of another thread in
/// between (on a VM each such hop cost 0.3-0.5 ms).
/// <para>
/// It replaces Akka's scheduler, a hashed wheel with a 10 ms tick (its minimum), under which a timer fires up to
/// 10 ms late. The loop sleeps in poll(2) on a timerfd armed for the earliest deadline and an eventfd through which
/// other threads wake it (only when it sleeps). Not poll's own timeout: Linux lets a poll timeout expire late by
/// 0.1 % of its length (3.6 ms on a 3.6 s Master_Down_Interval); a timerfd is an hrtimer, late by ~0.1 ms here.
/// Scheduled actions and the loop's actors must be short (Tells, netlink requests): anything slow (scripts, files,
/// checkers, logging) lives on the default dispatcher.
/// </para>
/// </summary>
public sealed unsafe class PreciseScheduler : SchedulerBase, IDateTimeOffsetNowTimeProvider, IDisposable
{
    /// <summary>The dispatcher id whose mailboxes run on this loop (configured by <see cref="NodeHost"/>).</summary>
    public const string LoopDispatcher = "actorha.vrrp-loop";

    private sealed record Entry(long Due, TimeSpan Interval, Action Run, ICancelable? Cancelable);

    private readonly PriorityQueue<Entry, long> _queue = new();
    private readonly ConcurrentQueue<IRunnable> _runs = new();
    private readonly object _lock = new();
    private readonly Thread _thread;
    private readonly ILoggingAdapter _log;
    private readonly int _wakeFd;
    private readonly int _timerFd;
    private long _armedFor = long.MaxValue;
    private int _sleeping;
    private long _wakes;
    private long _waitUntil = long.MaxValue;
    private volatile bool _stopped;

    public PreciseScheduler(Akka.Configuration.Config scheduler, ILoggingAdapter log)
        : base(scheduler, log)
    {
        _log = log;
        _wakeFd = Libc.EventFd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (_wakeFd < 0)
        {
            throw new InvalidOperationException($"eventfd: {Libc.LastError()}");
        }

        _timerFd = Libc.TimerFdCreate(Libc.CLOCK_MONOTONIC, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (_timerFd < 0)
        {
            throw new InvalidOperationException($"timerfd_create: {Libc.LastError()}");
        }

        _thread = new Thread(Loop) { IsBackground = true, Name = "actorha-loop", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    /// <summary>Timers run, and their lateness; for the tree line and the tests.</summary>
    public long TimersRun { get; private set; }

    /// <summary>Times the loop spun into a timer rather than sleep to it (see <see cref="SpinUntil"/>).</summary>
    public long Spins => Volatile.Read(ref _spins);

    private long _spins;

    protected override DateTimeOffset TimeNow => DateTimeOffset.UtcNow;

    public override TimeSpan MonotonicClock => Stopwatch.GetElapsedTime(0);

    public override TimeSpan HighResMonotonicClock => Stopwatch.GetElapsedTime(0);

    /// <summary>
    /// True while the loop runs a pass (timers, mailboxes) or spins towards a deadline, false while it sleeps in
    /// poll(2). A helper thread that the loop's own work wakes (the rtnetlink listener, woken by the VIP the loop
    /// just added) can wait for false before doing its work, rather than take the loop's CPU mid-takeover.
    /// </summary>
    public bool Busy => Volatile.Read(ref _sleeping) == 0 && !_stopped;

    /// <summary>
    /// 0 while the loop sleeps in poll(2) (or has stopped); otherwise a number that names this busy spell: it changes
    /// each time the loop wakes from poll, so a helper that gave up waiting for one spell can tell the next one apart
    /// without having seen the sleep between them.
    /// </summary>
    public long BusySpell => Busy ? Volatile.Read(ref _wakes) + 1 : 0;

    /// <summary>True on the loop's own thread.</summary>
    public bool OnLoop => Thread.CurrentThread == _thread;

    /// <summary>Runs a mailbox (or any runnable) on the loop, after what is already queued.</summary>
    public void Post(IRunnable run)
    {
        if (_stopped)
        {
            // The system is going down; let the last messages run somewhere.
            ThreadPool.UnsafeQueueUserWorkItem(static r => r.Run(), run, preferLocal: false);
            return;
        }

        _runs.Enqueue(run);
        if (!OnLoop)
        {
            Interlocked.MemoryBarrier();
            if (Volatile.Read(ref _sleeping) == 1)
            {
                Wake();
            }
        }
    }

    protected override void InternalScheduleTellOnce(TimeSpan delay, ICanTell receiver, object message, IActorRef sender, ICancelable cancelable) =>
        Add(delay, TimeSpan.Zero, () => receiver.Tell(message, sender), cancelable);

    protected override void InternalScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, ICanTell receiver, object message, IActorRef sender, ICancelable cancelable) =>
        Add(initialDelay, interval, () => receiver.Tell(message, sender), cancelable);

    protected override void InternalScheduleOnce(TimeSpan delay, Action action, ICancelable cancelable) =>
        Add(delay, TimeSpan.Zero, action, cancelable);

    protected override void InternalScheduleOnce(TimeSpan delay, IRunnable action, ICancelable cancelable) =>
        Add(delay, TimeSpan.Zero, action.Run, cancelable);

    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action, ICancelable cancelable) =>
        Add(initialDelay, interval, action, cancelable);

    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, IRunnable action, ICancelable cancelable) =>
        Add(initialDelay, interval, action.Run, cancelable);

    /// <summary>
    /// On the loop: the next timer scheduled from the loop (by the caller, in this same call) is due at
    /// <paramref name="stopwatchDeadline"/> rather than at now plus its delay; 0 clears it. For a timer whose deadline
    /// is already known (counted from a packet's kernel receive time) and whose scheduling goes through code that
    /// takes its own time first.
    /// </summary>
    public void DueOfNextTimer(long stopwatchDeadline)
    {
        if (OnLoop)
        {
            _nextDue = stopwatchDeadline;
        }
    }

    private long _nextDue;

    private void Add(TimeSpan delay, TimeSpan interval, Action run, ICancelable? cancelable)
    {
        var due = Stopwatch.GetTimestamp() + Ticks(delay < TimeSpan.Zero ? TimeSpan.Zero : delay);
        if (OnLoop && _nextDue != 0)
        {
            due = _nextDue;
            _nextDue = 0;
        }

        bool wake;
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            _queue.Enqueue(new Entry(due, interval, run, cancelable), due);
            wake = _sleeping == 1 && due < _waitUntil && !OnLoop;
        }

        if (wake)
        {
            Wake();
        }
    }

    private void Wake()
    {
        ulong one = 1;
        _ = Libc.Write(_wakeFd, &one, sizeof(ulong));
    }

    private static long Ticks(TimeSpan t) => (long)(t.Ticks * (Stopwatch.Frequency / (double)TimeSpan.TicksPerSecond));

    private void Loop()
    {
        // A sleeping thread's timers may expire up to its slack (50 µs by default) late; ask for 1 µs.
        _ = Libc.PrCtl(Libc.PR_SET_TIMERSLACK, 1, 0, 0, 0);
        VrrpThreads.ApplyToCurrentThread("the event loop");
        var due = new List<Entry>();
        while (!_stopped)
        {
            RunDueTimers(due);

            // Mailboxes, a bounded batch so a busy actor cannot hold the timers back.
            for (var i = 0; i < 256 && _runs.TryDequeue(out var run); i++)
            {
                Run(run.Run);
            }

            Sleep();
        }
    }

    private void RunDueTimers(List<Entry> due)
    {
        var now = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            while (_queue.TryPeek(out var entry, out var at) && at <= now)
            {
                _queue.Dequeue();
                due.Add(entry);
            }
        }

        foreach (var entry in due)
        {
            if (entry.Cancelable is { IsCancellationRequested: true })
            {
                continue;
            }

            TimersRun++;
            Run(entry.Run);
            if (entry.Interval > TimeSpan.Zero)
            {
                lock (_lock)
                {
                    var next = entry.Due + Ticks(entry.Interval);
                    _queue.Enqueue(entry with { Due = next }, next);
                }
            }
        }

        due.Clear();
    }

    private void Run(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            _log.Error(e, "action on the event loop failed");
        }
    }

    /// <summary>
    /// Asks the loop (from the loop) to spin rather than sleep if it would go to sleep less than
    /// <see cref="MaxSpin"/> before <paramref name="deadline"/> (a Stopwatch timestamp): waking a sleeping thread
    /// costs 0.1-0.3 ms on a virtual CPU, which a takeover should not pay. Spinning also stops for any posted work.
    /// </summary>
    public void SpinUntil(long deadline) => _spinUntil = deadline;

    /// <summary>The longest the loop spins for <see cref="SpinUntil"/>.</summary>
    public static readonly TimeSpan MaxSpin = TimeSpan.FromMilliseconds(4.5);

    private long _spinUntil;

    private void Sleep()
    {
        long timeoutTicks;
        long spinTo = 0;
        lock (_lock)
        {
            // Announce the sleep before the last look at both queues: a producer either sees _sleeping and
            // writes the eventfd, or its item is seen here (both sides pass a full fence).
            Volatile.Write(ref _sleeping, 1);
            Interlocked.MemoryBarrier();
            var now = Stopwatch.GetTimestamp();
            if (!_runs.IsEmpty || _stopped)
            {
                _sleeping = 0;
                return;
            }

            if (_queue.TryPeek(out _, out var next))
            {
                if (next <= now)
                {
                    _sleeping = 0;
                    return;
                }

                _waitUntil = next;
                timeoutTicks = next - now;
                if (next <= _spinUntil && timeoutTicks <= Ticks(MaxSpin))
                {
                    _sleeping = 0;
                    _waitUntil = long.MaxValue;
                    spinTo = next;
                }
            }
            else
            {
                _waitUntil = long.MaxValue;
                timeoutTicks = -1;
            }
        }

        if (spinTo != 0)
        {
            Interlocked.Increment(ref _spins);
            // A bare loop on the clock, no PAUSE (Thread.SpinWait): a hypervisor may take a vCPU that pauses in a
            // loop away from it (pause-loop exiting), which is the wake-up cost this avoids.
            while (Stopwatch.GetTimestamp() < spinTo && _runs.IsEmpty && !_stopped)
            {
            }

            return;
        }

        // The timerfd is re-armed only when the earliest deadline changed since it was last armed.
        var deadline = timeoutTicks < 0 ? long.MaxValue : _waitUntil;
        if (deadline != _armedFor)
        {
            var spec = default(Libc.ITimerSpec);
            if (timeoutTicks >= 0)
            {
                var ns = Math.Max(1, (long)(timeoutTicks * (1_000_000_000.0 / Stopwatch.Frequency)));
                spec.Value = new Libc.TimeSpec { Seconds = ns / 1_000_000_000, Nanoseconds = ns % 1_000_000_000 };
            }

            _ = Libc.TimerFdSetTime(_timerFd, 0, &spec, null);
            _armedFor = deadline;
        }

        var fds = stackalloc Libc.PollFd[2];
        fds[0] = new Libc.PollFd { Fd = _wakeFd, Events = Libc.POLLIN };
        fds[1] = new Libc.PollFd { Fd = _timerFd, Events = Libc.POLLIN };
        _ = Libc.PPoll(fds, 2, null, null);

        lock (_lock)
        {
            Volatile.Write(ref _wakes, _wakes + 1);
            _sleeping = 0;
            _waitUntil = long.MaxValue;
        }

        ulong count;
        if ((fds[0].Revents & Libc.POLLIN) != 0)
        {
            _ = Libc.Read(_wakeFd, &count, sizeof(ulong));
        }

        if ((fds[1].Revents & Libc.POLLIN) != 0)
        {
            _ = Libc.Read(_timerFd, &count, sizeof(ulong));
            _armedFor = long.MaxValue;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _stopped = true;
        }

        Wake();
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join(TimeSpan.FromSeconds(2));
        }

        // Whatever was still queued runs elsewhere rather than being lost.
        while (_runs.TryDequeue(out var run))
        {
            ThreadPool.UnsafeQueueUserWorkItem(static r => r.Run(), run, preferLocal: false);
        }

        _ = Libc.Close(_wakeFd);
        _ = Libc.Close(_timerFd);
    }
}

/// <summary>
/// <c>executor = "ActorHa.Node.Hosting.LoopExecutorConfigurator, actorha"</c>: mailboxes of a dispatcher run on the
/// <see cref="PreciseScheduler"/>'s loop thread. With any other scheduler (a test kit's) they run on the thread pool.
/// </summary>
public sealed class LoopExecutorConfigurator(Akka.Configuration.Config config, IDispatcherPrerequisites prerequisites)
    : ExecutorServiceConfigurator(config, prerequisites)
{
    public override ExecutorService Produce(string id) => new LoopExecutor(id, Prerequisites.Scheduler as PreciseScheduler);

    private sealed class LoopExecutor(string id, PreciseScheduler? loop) : ExecutorService(id)
    {
        public override void Execute(IRunnable run)
        {
            if (loop is null)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static r => r.Run(), run, preferLocal: false);
                return;
            }

            loop.Post(run);
        }

        public override void Shutdown()
        {
        }
    }
}
