using System.Net;
using ActorHa.Protocol.Vrrp;
using ActorHa.Protocol.Logging;

namespace ActorHa.Protocol.StateMachine;

/// <summary>The outcome of one event: the new state and what the node must do, in order.</summary>
public sealed record VrrpStep(VrrpInstanceState State, IReadOnlyList<VrrpEffect> Effects);

/// <summary>
/// The VRRP state machine of RFC 5798 section 6.4 (and RFC 3768 for v2) with keepalived's extensions: FAULT,
/// preempt_delay, nopreempt, answering lower-priority adverts, the two-owners fallback. A pure, total function:
/// no clock, no I/O, no exceptions; an event a state does not expect returns the state unchanged and no effects.
/// </summary>
/// <remarks>
/// Where keepalived and the RFC differ we do what keepalived 2.2.7 does, because its peers and its users' runbooks
/// expect it: a master answers a lower-priority advert (and an equal one from a lower address) with an advert and
/// gratuitous ARPs unless lower_prio_no_advert; two owners are resolved by the receiver dropping to 254 rather
/// than by address; preempt_delay only postpones preempting a lower-priority master that is actually advertising
/// (never the first election, as keepalived has done since reverting its startup variant); only an owner with
/// state MASTER skips the Master_Down_Timer, at startup and when a fault clears.
/// </remarks>
public static class VrrpStateMachine
{
    public static VrrpStep Handle(VrrpInstanceState state, VrrpEvent evt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(evt);
        var fx = new List<VrrpEffect>();
        var next = (state.State, evt) switch
        {
            (VrrpState.Stopped, _) => state,
            (_, Shutdown) => OnShutdown(state, now, fx),
            (_, PriorityChanged p) => OnPriorityChanged(state, p, fx),
            (VrrpState.Initialize, Startup) => OnStartup(state, now, fx),
            (VrrpState.Fault, FaultRaised) => state,
            (_, FaultRaised f) => EnterFault(state, f.Reason, now, fx),
            (VrrpState.Fault, FaultCleared) => OnFaultCleared(state, now, fx),
            (VrrpState.Backup, AdvertReceived a) => OnBackupAdvert(state, a, fx),
            (VrrpState.Backup, MasterDownTimerFired) => OnMasterDownTimer(state, now, fx),
            (VrrpState.Backup, PreemptDelayTimerFired) when state.PreemptDelay == PreemptDelayWindow.Running =>
                state with { PreemptDelay = PreemptDelayWindow.Elapsed },
            (VrrpState.Master, AdvertReceived a) => OnMasterAdvert(state, a, now, fx),
            (VrrpState.Master, AdverTimerFired) => SendAdvertAndRearm(state, fx),
            (VrrpState.Master, Resign) => Emit(state, fx, new SendAdvert(VrrpPriority.Resign)),
            (VrrpState.Backup, SyncToMaster) => EnterMaster(state, TransitionReason.SyncGroup, now, fx),
            (VrrpState.Master, SyncToBackup) =>
                EnterBackup(state, TransitionReason.SyncGroup, KeepalivedLog.EnteringBackupState(state.Config.Name), state.Config.AdvertisementIntervalCs, now, fx),
            (VrrpState.Master, GarpDelayTimerFired) => Emit(state, fx, new SendGratuitousArp(state.GarpDelayRepeat)),
            (VrrpState.Master, GarpRefreshTimerFired) => RefreshGratuitousArps(state, fx),
            _ => state,
        };
        return new VrrpStep(next, fx);
    }

    // RFC 5798 6.4.1. keepalived first clears VIPs a previous run may have left behind, then starts every instance as
    // backup except an address owner configured with state MASTER, which it makes master through an immediate
    // advertisement timeout (hence that log line).
    private static VrrpInstanceState OnStartup(VrrpInstanceState s, DateTimeOffset now, List<VrrpEffect> fx)
    {
        var name = s.Config.Name;
        fx.Add(new Log(LogSeverity.Detail, KeepalivedLog.RemovingVips(name)));
        fx.Add(RemoveVips.Instance);
        if (StartsAsMaster(s.Config))
        {
            fx.Add(new Log(LogSeverity.Detail, KeepalivedLog.ReceiveAdvertisementTimeout(name)));
            return EnterMaster(s, TransitionReason.Startup, now, fx);
        }

        return EnterBackup(s, TransitionReason.Startup, KeepalivedLog.EnteringBackupStateInit(name), s.Config.AdvertisementIntervalCs, now, fx);
    }

    private static bool StartsAsMaster(VrrpInstanceConfig config) => config.IsAddressOwner && config.InitialStateMaster;

    // RFC 5798 6.4.2 (Backup) on receiving an ADVERTISEMENT, with keepalived's preempt_delay window.
    private static VrrpInstanceState OnBackupAdvert(VrrpInstanceState s, AdvertReceived advert, List<VrrpEffect> fx)
    {
        var config = s.Config;
        if (IsIntervalMismatch(config, advert, fx))
        {
            return s;
        }

        if (advert.Priority == VrrpPriority.Resign)
        {
            fx.Add(new Log(LogSeverity.Detail, KeepalivedLog.BackupReceivedPriorityZero(config.Name)));
            fx.Add(new ArmTimer(TimerName.MasterDownTimer, VrrpTimers.SkewTime(config.Version, s.Priority, s.MasterAdverIntervalCs)));
            return s with { PreemptingLiveMaster = false };
        }

        s = ResolveBothOwners(s, advert, fx);
        bool lower = advert.Priority < s.Priority;
        if (lower && config.Preempt)
        {
            s = s with { PreemptingLiveMaster = true };
            if (s.PreemptDelay == PreemptDelayWindow.Closed && config.PreemptDelay > TimeSpan.Zero)
            {
                fx.Add(new ArmTimer(TimerName.PreemptDelayTimer, config.PreemptDelay));
                fx.Add(new Log(LogSeverity.Detail, KeepalivedLog.StartPreemptDelay(config.Name, config.PreemptDelay)));
                s = s with { PreemptDelay = PreemptDelayWindow.Running };
            }
            else if (s.PreemptDelay != PreemptDelayWindow.Running)
            {
                // Discarded: the Master_Down_Timer keeps running and we preempt when it fires.
                fx.Add(new Log(LogSeverity.Info, KeepalivedLog.BackupDiscardingLowerPriority(config.Name, advert.Priority, advert.Sender)));
                return s;
            }
        }
        else if (!lower)
        {
            s = ClosePreemptDelay(s, fx) with { PreemptingLiveMaster = false };
        }

        int masterAdverIntervalCs = AdoptedInterval(s, advert, s.MasterAdverIntervalCs, fx);
        fx.Add(new ArmTimer(TimerName.MasterDownTimer, VrrpTimers.MasterDownInterval(config.Version, s.Priority, masterAdverIntervalCs)));
        return s with { MasterAdverIntervalCs = masterAdverIntervalCs };
    }

    // RFC 5798 6.4.2: the master is gone, or we are preempting a lower-priority one.
    private static VrrpInstanceState OnMasterDownTimer(VrrpInstanceState s, DateTimeOffset now, List<VrrpEffect> fx)
    {
        fx.Add(new Log(LogSeverity.Detail, KeepalivedLog.ReceiveAdvertisementTimeout(s.Config.Name)));
        return EnterMaster(s, TransitionReason.MasterDownTimerExpired, now, fx);
    }

    // RFC 5798 6.4.3 (Master) on receiving an ADVERTISEMENT. keepalived departs from the RFC in two ways: it answers a
    // lower priority with an advert and gratuitous ARPs (unless lower_prio_no_advert), so that a master that missed
    // us backs off and switches learn our MAC again; and it resolves two owners by reducing its own priority.
    private static VrrpInstanceState OnMasterAdvert(VrrpInstanceState s, AdvertReceived advert, DateTimeOffset now, List<VrrpEffect> fx)
    {
        var config = s.Config;
        if (IsIntervalMismatch(config, advert, fx))
        {
            return s;
        }

        if (advert.Priority == VrrpPriority.Resign)
        {
            fx.Add(new Log(LogSeverity.Detail, KeepalivedLog.MasterReceivedPriorityZero(config.Name)));
            return SendAdvertAndRearm(s, fx);
        }

        s = ResolveBothOwners(s, advert, fx);
        if (advert.Priority > s.Priority)
        {
            fx.Add(new Log(LogSeverity.Info, KeepalivedLog.MasterReceivedHigherPriority(config.Name, advert.Sender, advert.Priority, s.Priority)));
            return YieldToHigher(s, advert, TransitionReason.HigherPriorityAdvert, now, fx);
        }

        if (advert.Priority == s.Priority)
        {
            int order = CompareAddresses(advert.Sender, config.PrimaryAddress);
            if (order == 0)
            {
                fx.Add(new Log(LogSeverity.Info, KeepalivedLog.EqualPriorityFromOurAddress(config.Name)));
                return s;
            }

            if (order > 0)
            {
                fx.Add(new Log(LogSeverity.Info, KeepalivedLog.MasterReceivedSamePriorityHigherAddress(config.Name, advert.Sender, advert.Priority)));
                return YieldToHigher(s, advert, TransitionReason.EqualPriorityHigherAddress, now, fx);
            }
        }

        // Lower priority, or equal priority from a lower address: we stay master.
        bool answer = !config.LowerPriorityNoAdvert;
        fx.Add(new Log(LogSeverity.Info, KeepalivedLog.MasterReceivedLowerPriority(config.Name, advert.Sender, advert.Priority, s.Priority, answer)));
        if (!answer)
        {
            return s;
        }

        s = SendAdvertAndRearm(s, fx);
        fx.Add(new SendGratuitousArp(config.GarpLowerPriorityRepeat));
        if (config.GarpLowerPriorityDelay > TimeSpan.Zero)
        {
            fx.Add(new ArmTimer(TimerName.GarpDelayTimer, config.GarpLowerPriorityDelay));
        }

        return s with { GarpDelayRepeat = config.GarpLowerPriorityRepeat };
    }

    private static VrrpInstanceState YieldToHigher(VrrpInstanceState s, AdvertReceived advert, TransitionReason reason, DateTimeOffset now, List<VrrpEffect> fx)
    {
        if (s.Config.HigherPrioritySendAdvert)
        {
            fx.Add(new SendAdvert(s.Priority));
        }

        int masterAdverIntervalCs = AdoptedInterval(s, advert, s.Config.AdvertisementIntervalCs, fx);
        return EnterBackup(s, reason, KeepalivedLog.EnteringBackupState(s.Config.Name), masterAdverIntervalCs, now, fx);
    }

    private static VrrpInstanceState SendAdvertAndRearm(VrrpInstanceState s, List<VrrpEffect> fx)
    {
        fx.Add(new SendAdvert(s.Priority));
        fx.Add(new ArmTimer(TimerName.AdverTimer, VrrpTimers.FromCentiseconds(s.Config.AdvertisementIntervalCs)));
        return s;
    }

    private static VrrpInstanceState RefreshGratuitousArps(VrrpInstanceState s, List<VrrpEffect> fx)
    {
        fx.Add(new SendGratuitousArp(s.Config.GarpMasterRefreshRepeat));
        fx.Add(new ArmTimer(TimerName.GarpRefreshTimer, s.Config.GarpMasterRefresh));
        return s;
    }

    private static VrrpInstanceState Emit(VrrpInstanceState s, List<VrrpEffect> fx, VrrpEffect effect)
    {
        fx.Add(effect);
        return s;
    }

    // keepalived's tracking: the owner is never adjusted; everyone else is clamped to 1..254. A master keeps its role
    // and just advertises the new value; a backup uses it for its next preempt decision.
    private static VrrpInstanceState OnPriorityChanged(VrrpInstanceState s, PriorityChanged change, List<VrrpEffect> fx)
    {
        var config = s.Config;
        s = s with { TrackingWeight = change.TrackingWeight };
        if (config.IsAddressOwner)
        {
            return s;
        }

        byte priority = VrrpPriority.Effective(config.Priority, change.TrackingWeight);
        if (priority == s.Priority)
        {
            return s;
        }

        fx.Add(new Log(LogSeverity.Info, KeepalivedLog.ChangingEffectivePriority(config.Name, s.Priority, priority)));
        return s with { Priority = priority };
    }

    // keepalived's FAULT: leave the election. A master resigns with a priority 0 advert so a backup takes over after
    // Skew_Time instead of Master_Down_Interval.
    private static VrrpInstanceState EnterFault(VrrpInstanceState s, string reason, DateTimeOffset now, List<VrrpEffect> fx)
    {
        var name = s.Config.Name;
        if (s.State == VrrpState.Initialize)
        {
            fx.Add(new Log(LogSeverity.Detail, KeepalivedLog.RemovingVips(name)));
            fx.Add(RemoveVips.Instance);
            fx.Add(new Transition(s.State, VrrpState.Fault, TransitionReason.FaultRaised, KeepalivedLog.EnteringFaultStateInit(name)));
        }
        else
        {
            fx.Add(new Transition(s.State, VrrpState.Fault, TransitionReason.FaultRaised, KeepalivedLog.EnteringFaultState(name)));
            Leave(s, fx);
        }

        fx.Add(new Notify(VrrpState.Fault, TransitionReason.FaultRaised));
        return s with { State = VrrpState.Fault, Since = now, FaultReason = reason, PreemptDelay = PreemptDelayWindow.Closed, PreemptingLiveMaster = false };
    }

    private static VrrpInstanceState OnFaultCleared(VrrpInstanceState s, DateTimeOffset now, List<VrrpEffect> fx)
    {
        s = s with { FaultReason = null };
        return StartsAsMaster(s.Config)
            ? EnterMaster(s, TransitionReason.FaultCleared, now, fx)
            : EnterBackup(s, TransitionReason.FaultCleared, KeepalivedLog.EnteringBackupState(s.Config.Name), s.Config.AdvertisementIntervalCs, now, fx);
    }

    // RFC 5798 6.4.2/6.4.3 Shutdown. keepalived logs no "Entering" line for it.
    private static VrrpInstanceState OnShutdown(VrrpInstanceState s, DateTimeOffset now, List<VrrpEffect> fx)
    {
        fx.Add(new Transition(s.State, VrrpState.Stopped, TransitionReason.Shutdown, null));
        Leave(s, fx);
        fx.Add(new Notify(VrrpState.Stopped, TransitionReason.Shutdown));
        return s with { State = VrrpState.Stopped, Since = now, PreemptDelay = PreemptDelayWindow.Closed };
    }

    // What leaving Backup or Master for Fault or Stopped undoes.
    private static void Leave(VrrpInstanceState s, List<VrrpEffect> fx)
    {
        switch (s.State)
        {
            case VrrpState.Backup:
                fx.Add(new CancelTimer(TimerName.MasterDownTimer));
                CancelPreemptDelayTimer(s, fx);
                break;
            case VrrpState.Master:
                fx.Add(new CancelTimer(TimerName.AdverTimer));
                fx.Add(new CancelTimer(TimerName.GarpDelayTimer));
                fx.Add(new CancelTimer(TimerName.GarpRefreshTimer));
                fx.Add(new SendAdvert(VrrpPriority.Resign));
                fx.Add(new Log(LogSeverity.Detail, KeepalivedLog.SentZeroPriority(s.Config.Name)));
                fx.Add(new Log(LogSeverity.Detail, KeepalivedLog.RemovingVips(s.Config.Name)));
                fx.Add(RemoveVips.Instance);
                break;
        }
    }

    // RFC 5798 6.4.2 "transition to the Master state" and ARCHITECTURE.md's order: advert first so the old master
    // gives up, then VIPs, then gratuitous ARPs (now and after garp_master_delay), notify last.
    private static VrrpInstanceState EnterMaster(VrrpInstanceState s, TransitionReason reason, DateTimeOffset now, List<VrrpEffect> fx)
    {
        var config = s.Config;
        fx.Add(new Transition(s.State, VrrpState.Master, reason, KeepalivedLog.EnteringMasterState(config.Name)));
        if (s.State == VrrpState.Backup)
        {
            fx.Add(new CancelTimer(TimerName.MasterDownTimer));
            CancelPreemptDelayTimer(s, fx);
        }

        if (s.MasterAdverIntervalCs != config.AdvertisementIntervalCs)
        {
            fx.Add(new Log(LogSeverity.Detail, KeepalivedLog.AdvertIntervalBackToConfigured(config.Name, s.MasterAdverIntervalCs * 10, config.AdvertisementIntervalCs * 10)));
        }

        // Make before break when preempting a live master (it drops its VIPs when it hears us): VIPs, then the advert.
        // Otherwise the advert goes first, as keepalived sends it: the group learns of the new master soonest.
        bool vipsFirst = s.State == VrrpState.Backup && s.PreemptingLiveMaster;
        if (!vipsFirst)
        {
            SendAdvertAndRearm(s, fx);
        }

        fx.Add(new Log(LogSeverity.Detail, KeepalivedLog.SettingVips(config.Name)));
        fx.Add(AddVips.Instance);
        if (vipsFirst)
        {
            SendAdvertAndRearm(s, fx);
        }

        fx.Add(new SendGratuitousArp(config.GarpMasterRepeat));
        if (config.GarpMasterDelay > TimeSpan.Zero)
        {
            fx.Add(new ArmTimer(TimerName.GarpDelayTimer, config.GarpMasterDelay));
        }

        if (config.GarpMasterRefresh > TimeSpan.Zero)
        {
            fx.Add(new ArmTimer(TimerName.GarpRefreshTimer, config.GarpMasterRefresh));
        }

        fx.Add(new Notify(VrrpState.Master, reason));
        return s with
        {
            State = VrrpState.Master,
            Since = now,
            MasterAdverIntervalCs = config.AdvertisementIntervalCs,
            PreemptDelay = PreemptDelayWindow.Closed,
            PreemptingLiveMaster = false,
            GarpDelayRepeat = config.GarpMasterRepeat,
        };
    }

    // RFC 5798 6.4.1/6.4.3 "transition to the Backup state": Master_Down_Timer = Master_Down_Interval.
    private static VrrpInstanceState EnterBackup(VrrpInstanceState s, TransitionReason reason, string logLine, int masterAdverIntervalCs, DateTimeOffset now, List<VrrpEffect> fx)
    {
        var config = s.Config;
        fx.Add(new Transition(s.State, VrrpState.Backup, reason, logLine));
        if (s.State == VrrpState.Master)
        {
            fx.Add(new CancelTimer(TimerName.AdverTimer));
            fx.Add(new CancelTimer(TimerName.GarpDelayTimer));
            fx.Add(new CancelTimer(TimerName.GarpRefreshTimer));
            fx.Add(new Log(LogSeverity.Detail, KeepalivedLog.RemovingVips(config.Name)));
            fx.Add(RemoveVips.Instance);
        }

        fx.Add(new ArmTimer(TimerName.MasterDownTimer, VrrpTimers.MasterDownInterval(config.Version, s.Priority, masterAdverIntervalCs)));
        fx.Add(new Notify(VrrpState.Backup, reason));
        return s with
        {
            State = VrrpState.Backup,
            Since = now,
            MasterAdverIntervalCs = masterAdverIntervalCs,
            PreemptDelay = PreemptDelayWindow.Closed,
            PreemptingLiveMaster = false,
        };
    }

    private static VrrpInstanceState ClosePreemptDelay(VrrpInstanceState s, List<VrrpEffect> fx)
    {
        if (s.PreemptDelay == PreemptDelayWindow.Running)
        {
            fx.Add(new Log(LogSeverity.Detail, KeepalivedLog.StopPreemptDelay(s.Config.Name)));
        }

        CancelPreemptDelayTimer(s, fx);
        return s with { PreemptDelay = PreemptDelayWindow.Closed };
    }

    private static void CancelPreemptDelayTimer(VrrpInstanceState s, List<VrrpEffect> fx)
    {
        if (s.PreemptDelay == PreemptDelayWindow.Running)
        {
            fx.Add(new CancelTimer(TimerName.PreemptDelayTimer));
        }
    }

    // RFC 5798 6.4.2/6.4.3: a v3 backup takes the master's Max Advert Interval as Master_Adver_Interval.
    // v2 has no such rule: RFC 3768 makes every router use the same interval and drops adverts that differ.
    private static int AdoptedInterval(VrrpInstanceState s, AdvertReceived advert, int currentCs, List<VrrpEffect> fx)
    {
        var config = s.Config;
        if (config.Version != VrrpVersion.V3 || !config.AdoptMasterAdvertInterval)
        {
            return currentCs;
        }

        int advertisedCs = Math.Clamp(advert.MaxAdvertIntervalCs, 1, VrrpTimers.MaxAdvertIntervalLimitCs);
        if (advertisedCs != currentCs)
        {
            fx.Add(new Log(LogSeverity.Detail, KeepalivedLog.AdvertIntervalUpdatedByMaster(config.Name, currentCs * 10, advertisedCs * 10)));
        }

        return advertisedCs;
    }

    // RFC 3768 7.1: a v2 router MUST discard an advert whose interval differs from its own.
    private static bool IsIntervalMismatch(VrrpInstanceConfig config, AdvertReceived advert, List<VrrpEffect> fx)
    {
        if (config.Version != VrrpVersion.V2 || advert.MaxAdvertIntervalCs == config.AdvertisementIntervalCs)
        {
            return false;
        }

        fx.Add(new Log(LogSeverity.Info, KeepalivedLog.AdvertIntervalMismatch(config.Name, config.AdvertisementIntervalCs / 100, advert.MaxAdvertIntervalCs / 100)));
        return true;
    }

    // RFC 5798 leaves two owners undefined. keepalived logs a configuration error and drops to 254, so the other
    // owner wins; if both did, the ordinary equal-priority tie-break by address decides.
    private static VrrpInstanceState ResolveBothOwners(VrrpInstanceState s, AdvertReceived advert, List<VrrpEffect> fx)
    {
        if (advert.Priority != VrrpPriority.Owner || s.Priority != VrrpPriority.Owner)
        {
            return s;
        }

        fx.Add(new Log(LogSeverity.Info, KeepalivedLog.BothAddressOwners(s.Config.Name)));
        return s with { Priority = VrrpPriority.MaximumBackup };
    }

    // RFC 5798 6.4.3: primary addresses compare as unsigned integers in network byte order.
    private static int CompareAddresses(IPAddress a, IPAddress b)
    {
        var x = a.GetAddressBytes();
        var y = b.GetAddressBytes();
        return x.Length != y.Length ? x.Length.CompareTo(y.Length) : x.AsSpan().SequenceCompareTo(y);
    }
}
