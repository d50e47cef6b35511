using System.Collections.Concurrent;
using System.Diagnostics;
using ActorHa.Node.Hosting;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit.Abstractions;

namespace ActorHa.Node.Tests.Hosting;

/// <summary>The node's scheduler: timers fire in order, cancelled ones never fire, and IWithTimers works on it.</summary>
public sealed class PreciseSchedulerTests(ITestOutputHelper output)
    : TestKit("akka.scheduler.implementation = \"ActorHa.Node.Hosting.PreciseScheduler, actorha\"")
{
    [Fact]
    public void Actor_system_runs_on_the_precise_scheduler()
    {
        Assert.IsType<PreciseScheduler>(Sys.Scheduler);
    }

    [Fact]
    public void Timers_fire_in_deadline_order_and_cancelled_ones_never()
    {
        var fired = new ConcurrentQueue<int>();
        var cancelled = new Cancelable(Sys.Scheduler);
        Sys.Scheduler.Advanced.ScheduleOnce(TimeSpan.FromMilliseconds(60), () => fired.Enqueue(3));
        Sys.Scheduler.Advanced.ScheduleOnce(TimeSpan.FromMilliseconds(20), () => fired.Enqueue(1));
        Sys.Scheduler.Advanced.ScheduleOnce(TimeSpan.FromMilliseconds(40), () => fired.Enqueue(2));
        Sys.Scheduler.Advanced.ScheduleOnce(TimeSpan.FromMilliseconds(30), () => fired.Enqueue(99), cancelled);
        cancelled.Cancel();

        AwaitCondition(() => fired.Count == 3, TimeSpan.FromSeconds(5));
        Thread.Sleep(100);
        Assert.Equal([1, 2, 3], fired);
    }

    [Fact]
    public void Lateness_is_recorded_for_the_benchmark_figures()
    {
        // Not a timing assertion (CI machines are noisy): the bound only catches a scheduler that hangs.
        var lateness = new ConcurrentBag<double>();
        for (var i = 0; i < 50; i++)
        {
            var delay = TimeSpan.FromMilliseconds(5 + (i % 7));
            var start = Stopwatch.GetTimestamp();
            Sys.Scheduler.Advanced.ScheduleOnce(delay, () => lateness.Add((Stopwatch.GetElapsedTime(start) - delay).TotalMilliseconds));
        }

        AwaitCondition(() => lateness.Count == 50, TimeSpan.FromSeconds(10));
        var sorted = lateness.Order().ToList();
        output.WriteLine($"lateness ms: median {sorted[25]:F3}, max {sorted[^1]:F3}");
        Assert.All(sorted, l => Assert.True(l > -0.5, $"fired {l} ms early"));
    }
}
