using System.Net;

namespace ActorHa.Protocol.StateMachine;

/// <summary>An input to <see cref="VrrpStateMachine.Handle"/>. Parameterless events are singletons.</summary>
public abstract record VrrpEvent
{
    private protected VrrpEvent()
    {
    }

    /// <summary>The event a timer delivers when it fires, so the node and the test driver map names the same way.</summary>
    public static VrrpEvent Fired(TimerName timer) => timer switch
    {
        TimerName.AdverTimer => AdverTimerFired.Instance,
        TimerName.MasterDownTimer => MasterDownTimerFired.Instance,
        TimerName.PreemptDelayTimer => PreemptDelayTimerFired.Instance,
        TimerName.GarpDelayTimer => GarpDelayTimerFired.Instance,
        TimerName.GarpRefreshTimer => GarpRefreshTimerFired.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(timer), timer, "not a timer this machine arms"),
    };
}

/// <summary>RFC 5798 6.4.1 Startup: the instance is configured and its interface is usable.</summary>
public sealed record Startup : VrrpEvent
{
    private Startup()
    {
    }

    public static Startup Instance { get; } = new();
}

/// <summary>
/// An advert for our VRID that passed the receive checks of RFC 5798 7.1 (TTL, checksum, version, VRID, addresses).
/// </summary>
/// <param name="Sender">The sender's primary IP address (the IP source address), used for the tie-break.</param>
/// <param name="Priority">The advertised priority; 0 means the master is giving up.</param>
/// <param name="MaxAdvertIntervalCs">The advert interval in centiseconds (a v2 advert's seconds times 100).</param>
public sealed record AdvertReceived(IPAddress Sender, byte Priority, int MaxAdvertIntervalCs) : VrrpEvent;

/// <summary>The Master_Down_Timer expired.</summary>
public sealed record MasterDownTimerFired : VrrpEvent
{
    private MasterDownTimerFired()
    {
    }

    public static MasterDownTimerFired Instance { get; } = new();
}

/// <summary>The Adver_Timer expired.</summary>
public sealed record AdverTimerFired : VrrpEvent
{
    private AdverTimerFired()
    {
    }

    public static AdverTimerFired Instance { get; } = new();
}

/// <summary>The preempt_delay window that started when a lower-priority master was first seen has elapsed.</summary>
public sealed record PreemptDelayTimerFired : VrrpEvent
{
    private PreemptDelayTimerFired()
    {
    }

    public static PreemptDelayTimerFired Instance { get; } = new();
}

/// <summary>Time for the second batch of gratuitous ARPs / unsolicited NAs.</summary>
public sealed record GarpDelayTimerFired : VrrpEvent
{
    private GarpDelayTimerFired()
    {
    }

    public static GarpDelayTimerFired Instance { get; } = new();
}

/// <summary>Time for a master's periodic gratuitous ARPs (garp_master_refresh).</summary>
public sealed record GarpRefreshTimerFired : VrrpEvent
{
    private GarpRefreshTimerFired()
    {
    }

    public static GarpRefreshTimerFired Instance { get; } = new();
}

/// <summary>
/// The tracked objects (scripts, interfaces, files) changed what they add to the base priority.
/// The machine adds it to the configured priority and clamps the result (see <see cref="VrrpPriority.Effective"/>).
/// </summary>
/// <param name="TrackingWeight">The sum of the weights the tracked objects currently contribute; may be negative.</param>
public sealed record PriorityChanged(int TrackingWeight) : VrrpEvent;

/// <summary>A tracked object with weight 0 failed. The node raises this once when the first fault appears.</summary>
/// <param name="Reason">What failed, for status output; keepalived's tracker logs its own line for it.</param>
public sealed record FaultRaised(string Reason) : VrrpEvent;

/// <summary>The last fault cleared.</summary>
public sealed record FaultCleared : VrrpEvent
{
    private FaultCleared()
    {
    }

    public static FaultCleared Instance { get; } = new();
}

/// <summary>RFC 5798 6.4.2/6.4.3 Shutdown: the instance is being removed or the daemon stops.</summary>
public sealed record Shutdown : VrrpEvent
{
    private Shutdown()
    {
    }

    public static Shutdown Instance { get; } = new();
}

/// <summary>
/// keepalived's vrrp_sync_group: another member became master, so this backup follows at once ("Syncing
/// instances to MASTER state") instead of waiting for its own Master_Down_Timer.
/// </summary>
public sealed record SyncToMaster : VrrpEvent
{
    private SyncToMaster()
    {
    }

    public static SyncToMaster Instance { get; } = new();
}

/// <summary>Another member of the sync group left MASTER, so this master steps down with it ("Syncing instances to BACKUP state").</summary>
public sealed record SyncToBackup : VrrpEvent
{
    private SyncToBackup()
    {
    }

    public static SyncToBackup Instance { get; } = new();
}

/// <summary>
/// An administrative handover (ActorHa's switchover/maintenance): a master sends one priority-0 advert so the
/// backups take over after Skew_Time, but keeps its VIPs until the new master's advert arrives, so the VIP is never
/// without a holder. The caller lowers the effective priority first, so the machine then yields to that advert.
/// </summary>
public sealed record Resign : VrrpEvent
{
    private Resign()
    {
    }

    public static Resign Instance { get; } = new();
}
