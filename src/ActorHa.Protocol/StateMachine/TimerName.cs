namespace ActorHa.Protocol.StateMachine;

/// <summary>The timers an instance arms, named as RFC 5798 and keepalived name them; the node keys its timers by these.</summary>
public enum TimerName
{
    /// <summary>RFC 5798 6.2 Adver_Timer: a master sends an advert when it fires.</summary>
    AdverTimer,

    /// <summary>RFC 5798 6.2 Master_Down_Timer: a backup takes over when it fires.</summary>
    MasterDownTimer,

    /// <summary>keepalived's preempt_delay: how long a lower-priority master is tolerated before we stop refreshing the Master_Down_Timer for it.</summary>
    PreemptDelayTimer,

    /// <summary>keepalived's garp_master_delay / garp_lower_prio_delay: the second batch of gratuitous ARPs.</summary>
    GarpDelayTimer,

    /// <summary>keepalived's garp_master_refresh: a master repeats its gratuitous ARPs so switch caches keep our MAC.</summary>
    GarpRefreshTimer,
}
