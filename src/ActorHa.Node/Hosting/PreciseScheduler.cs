using System.Diagnostics;
using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace ActorHa.Node.Hosting;

/// <summary>
/// Akka's default scheduler is a hashed wheel with a 10 ms tick (its minimum), so a Master_Down_Timer would fire
/// up to 10 ms late. VRRP takeover time is the protocol's own limit plus that lateness, so ActorHa replaces it
/// with this one: a dedicated thread, a min-heap of deadlines on the monotonic clock, and a timed wait to the
/// next deadline (about 1 ms of lateness on Linux). Scheduled actions run on this thread and must be short: in
/// ActorHa they are Tells (IWithTimers) and a few Akka internals.
/// </summary>
public sealed class PreciseScheduler : SchedulerBase, IDateTimeOffsetNowTimeProvider, IDisposable
{
    private sealed record Entry(long Due, TimeSpan Interval, Action Run, ICancelable? Cancelable);

    private readonly PriorityQueue<Entry, long> _queue = new();
    private readonly object _lock = new();
    private readonly Thread _thread;
    private readonly ILoggingAdapter _log;
    private bool _stopped;

    public PreciseScheduler(Akka.Configuration.Config scheduler, ILoggingAdapter log)
        : base(scheduler, log)
    {
        _log = log;
        _thread = new Thread(Loop) { IsBackground = true, Name = "actorha-scheduler", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    protected override DateTimeOffset TimeNow => DateTimeOffset.UtcNow;

    public override TimeSpan MonotonicClock => Stopwatch.GetElapsedTime(0);

    public override TimeSpan HighResMonotonicClock => Stopwatch.GetElapsedTime(0);

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

    private void Add(TimeSpan delay, TimeSpan interval, Action run, ICancelable? cancelable)
    {
        var due = Stopwatch.GetTimestamp() + Ticks(delay < TimeSpan.Zero ? TimeSpan.Zero : delay);
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            var wakeNeeded = !_queue.TryPeek(out _, out var earliest) || due < earliest;
            _queue.Enqueue(new Entry(due, interval, run, cancelable), due);
            if (wakeNeeded)
            {
                Monitor.Pulse(_lock);
            }
        }
    }

    private static long Ticks(TimeSpan t) => (long)(t.Ticks * (Stopwatch.Frequency / (double)TimeSpan.TicksPerSecond));

    private void Loop()
    {
        while (true)
        {
            Entry entry;
            lock (_lock)
            {
                while (true)
                {
                    if (_stopped)
                    {
                        return;
                    }

                    if (!_queue.TryPeek(out _, out var due))
                    {
                        Monitor.Wait(_lock);
                        continue;
                    }

                    var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                    if (remaining <= TimeSpan.Zero)
                    {
                        entry = _queue.Dequeue();
                        break;
                    }

                    // Round up: waking early would only loop; the kernel's timer slack is the remaining lateness.
                    Monitor.Wait(_lock, (int)Math.Ceiling(remaining.TotalMilliseconds));
                }
            }

            if (entry.Cancelable is { IsCancellationRequested: true })
            {
                continue;
            }

            try
            {
                entry.Run();
            }
            catch (Exception e)
            {
                _log.Error(e, "scheduled action failed");
            }

            if (entry.Interval > TimeSpan.Zero)
            {
                lock (_lock)
                {
                    var due = entry.Due + Ticks(entry.Interval);
                    _queue.Enqueue(entry with { Due = due }, due);
                }
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _stopped = true;
            Monitor.PulseAll(_lock);
        }

        if (Thread.CurrentThread != _thread)
        {
            _thread.Join(TimeSpan.FromSeconds(2));
        }
    }
}
