using System.Runtime.InteropServices;
using ActorHa.Node.Io;

namespace ActorHa.Node.Hosting;

/// <summary>
/// keepalived's <c>vrrp_priority</c>, <c>vrrp_rt_priority</c> and <c>vrrp_rlimit_rttime</c> for ActorHa's VRRP threads
/// (the event loop and the receivers) rather than a whole process: on a busy host they keep the takeover path from
/// waiting behind other work. Set once at start-up, before the threads exist; each thread applies it to itself.
/// </summary>
internal static unsafe partial class VrrpThreads
{
    private const int PrioProcess = 0;
    private const int SchedRr = 2;
    private const int SchedIdle = 5;
    private const int RlimitRttime = 15;
    private static readonly object Gate = new();
    private static readonly List<string> Outcomes = [];

    public static int? Nice { get; private set; }

    public static int? RealTimePriority { get; private set; }

    public static int? RealTimeLimitMicroseconds { get; private set; }

    /// <summary>What applying the settings did, once per distinct outcome (for the start-up log).</summary>
    public static IReadOnlyList<string> Results
    {
        get
        {
            lock (Gate)
            {
                return Outcomes.ToList();
            }
        }
    }

    public static void Configure(int? nice, int? realTimePriority, int? realTimeLimitMicroseconds)
    {
        Nice = nice;
        RealTimePriority = realTimePriority;
        RealTimeLimitMicroseconds = realTimeLimitMicroseconds;
        if (realTimePriority is not null)
        {
            // A runaway real-time thread must not lock up the host: SIGXCPU after this much CPU without a blocking call.
            // keepalived's default is 10 ms; ActorHa's loop thread also creates the actors at start-up and JIT-compiles
            // what it runs first, which took more than 10 ms here (the node died of SIGXCPU), so the default is 1 s.
            var limit = (ulong)(realTimeLimitMicroseconds ?? 1_000_000);
            var rlimit = stackalloc ulong[2] { limit, limit };
            if (SetRLimit(RlimitRttime, rlimit) != 0)
            {
                Record($"vrrp_rlimit_rttime {limit}: {Libc.LastError()}");
            }
        }
    }

    /// <summary>Applies the settings to the calling thread; <paramref name="what"/> names it in the outcome.</summary>
    public static void ApplyToCurrentThread(string what)
    {
        var tid = GetTid();
        if (RealTimePriority is { } rt)
        {
            var priority = rt;
            Record(SchedSetScheduler(tid, SchedRr, &priority) == 0
                ? $"VRRP threads run SCHED_RR at priority {rt}"
                : $"cannot set SCHED_RR {rt} for {what}: {Libc.LastError()}");
        }
        else if (Nice is { } nice)
        {
            Record(SetPriority(PrioProcess, tid, nice) == 0
                ? $"VRRP threads run at nice {nice}"
                : $"cannot set nice {nice} for {what}: {Libc.LastError()}");
        }
    }

    /// <summary>
    /// For a helper thread woken by the takeover's own work (the rtnetlink listener, which the kernel wakes with the
    /// VIP's RTM_NEWADDR inside the event loop's netlink call): SCHED_IDLE, so that it never preempts the loop on the
    /// loop's CPU, where the kernel tends to wake it. Measured: the first GARP left 0.2 ms (median of 6) after the VIP
    /// with the listener at normal priority, 0.1 ms without it. It runs when a CPU has nothing else to do, which on a
    /// saturated host delays link and address events (keepalived's listener competes within its one thread). Not
    /// with vrrp_rt_priority: the loop is SCHED_RR then, and nothing at normal priority preempts it.
    /// </summary>
    public static void ApplyBackgroundToCurrentThread(string what)
    {
        if (RealTimePriority is not null)
        {
            return;
        }

        var priority = 0;
        if (SchedSetScheduler(GetTid(), SchedIdle, &priority) != 0)
        {
            Record($"cannot set SCHED_IDLE for {what}: {Libc.LastError()}");
        }
    }

    private static void Record(string outcome)
    {
        lock (Gate)
        {
            if (!Outcomes.Contains(outcome))
            {
                Outcomes.Add(outcome);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);

    [LibraryImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    private static partial int SchedSetScheduler(int pid, int policy, int* param);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRLimit(int resource, ulong* limit);
}
