namespace ActorHa.Protocol.StateMachine;

/// <summary>
/// Everything the state machine remembers about one instance between events. Immutable: every event produces a
/// new value (see <see cref="VrrpStateMachine.Handle"/>).
/// </summary>
public sealed record VrrpInstanceState
{
    public required VrrpInstanceConfig Config { get; init; }

    public required VrrpState State { get; init; }

    /// <summary>When <see cref="State"/> was entered, for status output.</summary>
    public required DateTimeOffset Since { get; init; }

    /// <summary>The effective priority: what our adverts carry and what elections compare.</summary>
    public required byte Priority { get; init; }

    /// <summary>The last <see cref="PriorityChanged.TrackingWeight"/>, kept so the priority can be recomputed.</summary>
    public int TrackingWeight { get; init; }

    /// <summary>RFC 5798 Master_Adver_Interval in centiseconds: the master's interval a v3 backup adopted.</summary>
    public required int MasterAdverIntervalCs { get; init; }

    /// <summary>Where the preempt_delay window stands (backup only).</summary>
    public PreemptDelayWindow PreemptDelay { get; init; }

    /// <summary>How many gratuitous ARPs the armed GarpDelayTimer will send (master or lower-priority repeat).</summary>
    public int GarpDelayRepeat { get; init; }

    /// <summary>
    /// A backup heard a lower-priority master since it last armed Master_Down_Timer: the takeover that follows preempts
    /// a live master, which keeps its VIPs until it hears our advert. So that the VIPs never have no holder, that
    /// takeover installs them before it advertises (see <see cref="AddVips"/>).
    /// </summary>
    public bool PreemptingLiveMaster { get; init; }

    /// <summary>What failed, while in <see cref="VrrpState.Fault"/>.</summary>
    public string? FaultReason { get; init; }

    /// <summary>RFC 5798 6.4.1 Initialize, before Startup.</summary>
    public static VrrpInstanceState Initial(VrrpInstanceConfig config, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new VrrpInstanceState
        {
            Config = config,
            State = VrrpState.Initialize,
            Since = now,
            Priority = config.Priority,
            MasterAdverIntervalCs = config.AdvertisementIntervalCs,
        };
    }
}

/// <summary>
/// keepalived's preempt_delay, seen from a backup: the first lower-priority advert opens a window during which that
/// master is treated as if it were not lower; once the window has elapsed its adverts are discarded and the
/// Master_Down_Timer runs out. A higher or equal priority advert, or leaving Backup, closes the window.
/// </summary>
public enum PreemptDelayWindow
{
    /// <summary>No lower-priority master seen since the window last closed.</summary>
    Closed,

    /// <summary>The PreemptDelayTimer is armed: lower-priority adverts still refresh the Master_Down_Timer.</summary>
    Running,

    /// <summary>The PreemptDelayTimer fired: lower-priority adverts are discarded.</summary>
    Elapsed,
}
