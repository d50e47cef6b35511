using System.Net;
using ActorHa.Protocol.Vrrp;

namespace ActorHa.Protocol.StateMachine;

/// <summary>
/// What the state machine needs from a vrrp_instance block. The config compiler has already validated it:
/// priority 1..255, a positive interval (whole seconds in v2), nopreempt and preempt_delay cleared where keepalived
/// clears them (initial state MASTER, strict mode), garp_lower_prio_* defaulted from garp_master_*.
/// </summary>
public sealed record VrrpInstanceConfig
{
    /// <summary>The vrrp_instance name, as it appears in every log line: <c>(VI_1) ...</c>.</summary>
    public required string Name { get; init; }

    /// <summary>virtual_router_id.</summary>
    public required byte VirtualRouterId { get; init; }

    public VrrpVersion Version { get; init; } = VrrpVersion.V2;

    /// <summary>The configured (base) priority, 1..255; 255 is the address owner.</summary>
    public required byte Priority { get; init; }

    /// <summary>RFC 5798 Advertisement_Interval in centiseconds (advert_int; whole seconds in v2).</summary>
    public int AdvertisementIntervalCs { get; init; } = 100;

    /// <summary>RFC 5798 Preempt_Mode; false is keepalived's nopreempt.</summary>
    public bool Preempt { get; init; } = true;

    /// <summary>keepalived's preempt_delay: how long a lower-priority master is tolerated before we preempt it.</summary>
    public TimeSpan PreemptDelay { get; init; } = TimeSpan.Zero;

    /// <summary>Our primary address on the instance's interface: the source of our adverts and our side of the tie-break.</summary>
    public required IPAddress PrimaryAddress { get; init; }

    /// <summary>
    /// <c>state MASTER</c>. keepalived honours it only for the address owner, which then becomes master at once;
    /// every other instance starts as backup.
    /// </summary>
    public bool InitialStateMaster { get; init; }

    /// <summary>garp_master_delay: when to send the second batch after becoming master; zero sends no second batch.</summary>
    public TimeSpan GarpMasterDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>garp_master_repeat: gratuitous ARPs per batch after becoming master.</summary>
    public int GarpMasterRepeat { get; init; } = 5;

    /// <summary>garp_lower_prio_delay: the second batch after a master answered a lower-priority advert.</summary>
    public TimeSpan GarpLowerPriorityDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>garp_lower_prio_repeat: gratuitous ARPs per batch when a master answers a lower-priority advert.</summary>
    public int GarpLowerPriorityRepeat { get; init; } = 5;

    /// <summary>garp_master_refresh: how often a master repeats its gratuitous ARPs; zero (the default) never.</summary>
    public TimeSpan GarpMasterRefresh { get; init; } = TimeSpan.Zero;

    /// <summary>garp_master_refresh_repeat: gratuitous ARPs per refresh.</summary>
    public int GarpMasterRefreshRepeat { get; init; } = 1;

    /// <summary>lower_prio_no_advert: a master ignores lower-priority adverts as RFC 5798 says, instead of answering.</summary>
    public bool LowerPriorityNoAdvert { get; init; }

    /// <summary>higher_prio_send_advert: a master sends one more advert before yielding to a higher priority.</summary>
    public bool HigherPrioritySendAdvert { get; init; }

    /// <summary>VRRPv3 only: a backup uses the master's advertised interval for its timers (RFC 5798 6.4.2).</summary>
    public bool AdoptMasterAdvertInterval { get; init; } = true;

    /// <summary>RFC 5798 section 1.6: priority 255 is the owner of the virtual addresses.</summary>
    public bool IsAddressOwner => Priority == VrrpPriority.Owner;
}
