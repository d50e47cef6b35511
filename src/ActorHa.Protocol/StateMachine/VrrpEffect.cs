using ActorHa.Protocol.Logging;
namespace ActorHa.Protocol.StateMachine;

/// <summary>
/// An instruction from <see cref="VrrpStateMachine.Handle"/> to the node. The node executes a step's effects in order;
/// the order is the order of ARCHITECTURE.md (advert, VIPs, gratuitous ARP, notify) and of keepalived's log lines.
/// </summary>
public abstract record VrrpEffect
{
    private protected VrrpEffect()
    {
    }
}

/// <summary>Send one advert with this priority and our configured Advertisement_Interval.</summary>
public sealed record SendAdvert(byte Priority) : VrrpEffect;

/// <summary>Start the timer, replacing it if it is already armed (Akka's StartSingleTimer semantics).</summary>
public sealed record ArmTimer(TimerName Timer, TimeSpan Delay) : VrrpEffect;

/// <summary>Stop the timer if it is armed; a no-op otherwise.</summary>
public sealed record CancelTimer(TimerName Timer) : VrrpEffect;

/// <summary>
/// Install the instance's virtual addresses, routes and rules. When it comes before the step's
/// <see cref="SendAdvert"/> (a takeover that preempts a live master), the step's advert and gratuitous ARPs leave only
/// once the kernel has the addresses.
/// </summary>
public sealed record AddVips : VrrpEffect
{
    private AddVips()
    {
    }

    public static AddVips Instance { get; } = new();
}

/// <summary>Make sure the instance's virtual addresses, routes and rules are absent.</summary>
public sealed record RemoveVips : VrrpEffect
{
    private RemoveVips()
    {
    }

    public static RemoveVips Instance { get; } = new();
}

/// <summary>Send this many gratuitous ARPs (IPv4) / unsolicited NAs (IPv6) for every VIP, now.</summary>
public sealed record SendGratuitousArp(int Repeat) : VrrpEffect;

/// <summary>
/// The state changed. The node's single state-change method logs <see cref="LogLine"/> (when there is one: keepalived
/// logs no "Entering" line on stop), publishes the change and counts it.
/// </summary>
public sealed record Transition(VrrpState From, VrrpState To, TransitionReason Reason, string? LogLine) : VrrpEffect;

/// <summary>Run the notify scripts / FIFO for the new state. Comes last in a step, after VIPs and ARPs.</summary>
public sealed record Notify(VrrpState State, TransitionReason Reason) : VrrpEffect;

/// <summary>A keepalived log line, character for character (see <see cref="KeepalivedLog"/>).</summary>
public sealed record Log(LogSeverity Severity, string Text) : VrrpEffect;

/// <summary>Why the state changed.</summary>
public enum TransitionReason
{
    /// <summary>The Startup event.</summary>
    Startup,

    /// <summary>The Master_Down_Timer expired (no advert, a priority 0 advert, or a lower-priority master preempted).</summary>
    MasterDownTimerExpired,

    /// <summary>A master saw an advert with a higher priority.</summary>
    HigherPriorityAdvert,

    /// <summary>A master saw an advert with its own priority from a higher primary address.</summary>
    EqualPriorityHigherAddress,

    /// <summary>A fault was raised.</summary>
    FaultRaised,

    /// <summary>The last fault cleared.</summary>
    FaultCleared,

    /// <summary>The Shutdown event.</summary>
    Shutdown,

    /// <summary>Another member of the instance's vrrp_sync_group changed state and this one follows.</summary>
    SyncGroup,
}

/// <summary>How keepalived logs a line: always, or only with <c>-D</c> (--log-detail).</summary>
public enum LogSeverity
{
    Info,
    Detail,
}
