using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ActorHa.Config.Model;
using ActorHa.Node.Io;
using ActorHa.Node.Logging;
using ActorHa.Protocol.Frames;
using ActorHa.Protocol.StateMachine;
using ActorHa.Protocol.Vrrp;
using Akka.Actor;
using Akka.Event;
using ModelState = ActorHa.Config.Model.VrrpState;
using VrrpState = ActorHa.Protocol.StateMachine.VrrpState;
using ActorHa.Protocol.Logging;

namespace ActorHa.Node.Actors;

/// <summary>
/// /vrrp/&lt;group&gt;/&lt;instance&gt;: one vrrp_instance. It holds no RFC logic: events (adverts, timers, tracking,
/// faults, stop) go into the pure <see cref="VrrpStateMachine"/> and the returned effects are executed here, in
/// order: adverts through /vrrp-io, VIPs and GARPs through /kernel, scripts through /notify. Every state change
/// goes through <see cref="ChangeState"/>, which logs keepalived's line, publishes <see cref="StateChanged"/> on the
/// event stream and counts it. Adverts that fail this instance's policy (version, auth, VIP list) are dropped and
/// counted by reason, logged at most once per reason every <see cref="VrrpSocketActor.LogWindow"/>.
/// </summary>
internal sealed partial class VrrpInstanceActor : ReceiveActor, IWithTimers
{
    public sealed record Settings(VrrpInstance Config, GlobalDefs Globals, IActorRef VrrpIo, IActorRef Kernel, IActorRef Notifier);

    /// <summary>Published on the event stream for every transition (status, metrics, sync groups).</summary>
    public sealed record StateChanged(string Instance, VrrpState From, VrrpState To, TransitionReason Reason, int Priority, DateTimeOffset At);

    /// <summary>
    /// Stop the protocol's way: priority 0 if master, VIPs removed, notify; answers <see cref="Stopped"/>. An instance
    /// deleted by a reload notifies DELETED when notify_deleted is set, else FAULT, as keepalived does; a node
    /// shutting down notifies STOP.
    /// </summary>
    public sealed record Stop(bool Deleted)
    {
        public static readonly Stop Instance = new(false);

        public static readonly Stop ForDeletion = new(true);
    }

    /// <summary>A reload changed this instance's block; the instance keeps its state, timers and peers.</summary>
    public sealed record Reconfigure(VrrpInstance Config);

    public sealed record Stopped(string Instance);

    /// <summary>
    /// Administrative handover (`actorha switchover` / `maintenance on`): the effective priority drops to 1 and a
    /// master resigns with a priority-0 advert while keeping its VIPs until the new master's advert arrives, so the
    /// VIP always has a holder; the node then stays BACKUP until released (<paramref name="On"/> false).
    /// </summary>
    public sealed record Maintenance(bool On);

    /// <summary>From the instance's vrrp_sync_group: follow another member to MASTER or BACKUP.</summary>
    public sealed record Sync(VrrpEvent Event);

    /// <summary>The sum of the tracking weights (track_script, track_interface, track_file) now in force.</summary>
    public sealed record TrackingChanged(int Weight);

    /// <summary>A fault source (a tracked interface, a script with weight 0) went bad, or recovered when <paramref name="Reason"/> is null.</summary>
    public sealed record FaultChanged(string Source, string? Reason);

    public sealed record GetStatus
    {
        public static readonly GetStatus Instance = new();

        private GetStatus()
        {
        }
    }

    /// <summary>
    /// A takeover on Master_Down_Timer: how late the timer fired and when the VIPs were in the kernel, both from when
    /// Master_Down_Interval ran out, and the garbage collections that ran from its pre-warm to the VIPs.
    /// </summary>
    public sealed record TakeoverTiming(TimeSpan FiredLate, TimeSpan Installed, int Collections, TimeSpan GcPaused);

    /// <summary>What `actorha status` shows for one instance.</summary>
    public sealed record Status(
        string Name,
        VrrpState State,
        int Priority,
        int BasePriority,
        int TrackingWeight,
        string Interface,
        byte VirtualRouterId,
        IPAddress? MasterAddress,
        IReadOnlyList<string> Vips,
        bool VipsHeld,
        long AdvertsSent,
        long AdvertsReceived,
        IReadOnlyDictionary<string, long> InvalidByReason,
        StateChanged? LastTransition,
        IReadOnlyList<string> Faults)
    {
        /// <summary>Transitions since start, by from and to state (metrics).</summary>
        public IReadOnlyList<TransitionCount> Transitions { get; init; } = [];

        /// <summary>
        /// The last takeover on Master_Down_Timer: how late the timer fired and when the VIPs were in the kernel, both
        /// measured from when Master_Down_Interval after the master's last advert (its kernel receive time) ran out.
        /// </summary>
        public TakeoverTiming? LastTakeover { get; init; }

        /// <summary>Every peer this instance has heard advertise, with the priority it last advertised.</summary>
        public IReadOnlyList<PeerSeen> Peers { get; init; } = [];

        /// <summary>This node's own address on the instance's interface (its adverts' source), when known.</summary>
        public IPAddress? SourceAddress { get; init; }
    }

    public sealed record TransitionCount(VrrpState From, VrrpState To, long Count);

    /// <summary>
    /// A peer heard advertising: VRRP backups are silent, so a peer is known only from the times it was master
    /// (or contended for it), and its priority is the one it advertised last.
    /// </summary>
    public sealed record PeerSeen(IPAddress Address, int Priority, DateTimeOffset LastSeen);

    /// <summary>A keyed timer's message; a rehearsal one (<see cref="Rehearse"/>) only exercises the path.</summary>
    private sealed record TimerFired(TimerName Timer)
    {
        public bool Rehearsal { get; init; }

        /// <summary>Master_Down_Timer's last pre-warm (<see cref="RewarmLead"/>): the loop spins from it into the deadline.</summary>
        public bool Last { get; init; }
    }

    private sealed record RetryRegister
    {
        public static readonly RetryRegister Instance = new();

        private RetryRegister()
        {
        }
    }

    private const string InterfaceFault = "interface";
    private static readonly TimeSpan RegisterRetry = TimeSpan.FromSeconds(2);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Settings _settings;
    private VrrpInstance _config;
    private readonly Dictionary<string, string> _faults = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _invalid = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TrackScriptActor.State> _scriptStates = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _scriptWeights = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTime> _invalidLogged = new(StringComparer.Ordinal);
    // Counts by (from, to), indexed by the enums' values: a dictionary keyed by a tuple of enums is a generic
    // instantiation ReadyToRun cannot precompile, and its first use (the first takeover) cost 0.5 ms of JIT.
    private static readonly int StateCount = Enum.GetValues<VrrpState>().Length;
    private readonly long[] _transitions = new long[StateCount * StateCount];
    private readonly Dictionary<IPAddress, PeerSeen> _peers = [];
    private readonly VrrpVersion _version;
    private readonly VrrpAddressFamily _family;
    private IReadOnlyList<KernelRequests.Vip> _vips = [];
    private IReadOnlyList<KernelRequests.VRoute> _routes = [];
    private IReadOnlyList<KernelRequests.VRule> _rules = [];
    private IPAddress[] _advertAddresses = [];
    private VrrpAuth _auth;
    private bool _deleting;
    private bool _maintenance;
    private VrrpInstanceState? _state;
    private InterfaceInfo? _interface;
    private IPAddress? _source;
    private IReadOnlyList<IPAddress> _destinations = [];
    private IPAddress? _masterAddress;
    private StateChanged? _lastTransition;
    private bool _vipsHeld;
    private long _sent;
    private long _received;
    private IActorRef? _stopRequester;
    private KernelRequests.RemoveVips? _stopRemoval;

    public VrrpInstanceActor(Settings settings)
    {
        _settings = settings;
        _config = settings.Config;
        _family = _config.Family == AddressFamily.InterNetworkV6 ? VrrpAddressFamily.IPv6 : VrrpAddressFamily.IPv4;
        _version = _config.Version == 3 ? VrrpVersion.V3 : VrrpVersion.V2;
        _vmac = VmacName(_config);
        _tracking = NewTracking(_config);
        ApplyAddresses(_config);

        Receive<VrrpSocketActor.Registered>(OnRegistered);
        Receive<VrrpSocketActor.RegistrationFailed>(f => OnRegistrationFailed(f.Reason, waitForLink: false));
        Receive<RetryRegister>(_ => Register());
        ReceiveLinkEvents();
        Receive<VrrpSocketActor.AdvertReceived>(OnAdvert);
        Receive<VrrpSocketActor.InvalidAdvertReceived>(m => CountInvalid(m.Reason, KeepalivedLog.StructuralFailure(Name, m.Reason, (int)_version)));
        Receive<TimerFired>(t =>
        {
            if (t.Rehearsal)
            {
                if (t.Timer == TimerName.MasterDownTimer && _state is { State: VrrpState.Backup } && Context.System.Scheduler is Hosting.PreciseScheduler { OnLoop: true } loop)
                {
                    // Master_Down_Timer is about to fire: walk the takeover path so its code and data are back in
                    // memory and the TLB (PrewarmLead before), then again so they are in the CPU's caches (RewarmLead
                    // before: the loop sleeps in between, and a sleeping CPU's caches are refilled by other work),
                    // and have the loop spin (not sleep) from that second walk into the deadline.
                    _gcBeforeTakeover ??= Diagnostics.GcMark.Now();
                    RehearseTakeover(_state);
                    if (t.Last)
                    {
                        loop.SpinUntil(_masterDownDue + (Stopwatch.Frequency / 5000));
                    }
                }
                else if (t.Timer == TimerName.AdverTimer && _state is { State: VrrpState.Master } && !_rehearsedResign)
                {
                    _rehearsedResign = true;
                    RehearseResign();
                }

                return;
            }

            if (t.Timer == TimerName.MasterDownTimer)
            {
                _takeoverFiredLate = Stopwatch.GetElapsedTime(_masterDownDue);
                // Without a pre-warm for this deadline (an interval too short for one), count from here.
                _gcBeforeTakeover ??= Diagnostics.GcMark.Now();
            }

            Handle(VrrpEvent.Fired(t.Timer));
        });
        Receive<TrackingChanged>(t => Handle(new PriorityChanged(t.Weight)));
        Receive<TrackScriptActor.State>(OnScriptState);
        Receive<TrackFileActor.State>(OnFileState);
        Receive<FaultChanged>(OnFaultChanged);
        Receive<KernelRequests.Done>(OnKernelDone);
        Receive<KernelRequests.PathOpened>(opened => _kernelPath = opened.Path);
        Receive<Stop>(s => OnStop(s.Deleted));
        Receive<Reconfigure>(OnReconfigure);
        Receive<Maintenance>(OnMaintenance);
        Receive<Sync>(s =>
        {
            if (s.Event is SyncToMaster or SyncToBackup)
            {
                Handle(s.Event);
            }
        });
        Receive<GetStatus>(_ => Sender.Tell(BuildStatus()));
        Receive<ActorTree.DescribeTree>(_ => ActorTree.Reply(Context, DescribeLine()));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private static readonly TimeSpan MaxEventAge = TimeSpan.FromMilliseconds(100);

    private const string Rehearsal = "rehearsal";
    private const string Prewarm = "prewarm";
    private const string Rewarm = "rewarm";

    /// <summary>
    /// How long before Master_Down_Timer's deadline the takeover path is walked again (see TimerFired). That walk
    /// runs cold (after seconds of idling the CPU's caches and TLB hold other work, and a virtual CPU pays for a TLB
    /// miss twice): traced with ftrace it took 1.1-2.4 ms at first, 3.6-3.8 ms by 2026-12-05 and 4.5 ms on a slow
    /// moment, when a single walk 4 ms ahead overran the deadline and held the takeover back by 1.5 ms.
    /// </summary>
    private static readonly TimeSpan PrewarmLead = TimeSpan.FromMilliseconds(8);

    /// <summary>
    /// The second walk, after which the loop spins into the deadline. Sleeping from the first walk's end to the
    /// deadline left the takeover twice as slow as spinning did (advert 0.19-0.40 ms, VIP 0.30-0.76 past the limit,
    /// v2; the CPU's caches refill while it idles), and spinning all of it is what a waking higher-priority task
    /// preempts at normal priority; the walk after the sleep takes ~0.25 ms (ftrace, v2), leaving ~1.7 ms to spin.
    /// </summary>
    private static readonly TimeSpan RewarmLead = TimeSpan.FromMilliseconds(2);
    private readonly List<Action> _later = [];
    private PrebuiltGarp? _prebuiltGarp;
    private List<VrrpEffect>? _continuation;
    private bool _rehearsing;
    private bool _rehearsedResign;
    private VrrpSocketActor.SendPath? _sendPath;
    private bool _batchLater;
    private bool _rehearsed;
    private long _masterDownDue;
    private TimeSpan? _takeoverFiredLate;
    private KernelRequests.AddVips? _pendingTakeover;
    private KernelRequests.AddVips? _lastAddVips;
    private KernelActor.DirectPath? _kernelPath;

    /// <summary>The step's AddVips ran by call (<see cref="ToKernel"/>): the VIPs are in the kernel already.</summary>
    private bool _vipsInstalledNow;

    /// <summary>A takeover that preempts a live master advertises once /kernel has installed the VIPs.</summary>
    private bool _advertAfterVips;
    private TakeoverTiming? _lastTakeover;

    /// <summary>The runtime's collections when this deadline's pre-warm ran (or its timer fired, without one).</summary>
    private Diagnostics.GcMark? _gcBeforeTakeover;

    /// <summary>While an advert is handled: how long ago the kernel received it, and when (a Stopwatch timestamp).</summary>
    private TimeSpan _eventAge;
    private long _eventAt;

    public static Props Props(Settings settings) => Akka.Actor.Props.Create(() => new VrrpInstanceActor(settings));

    private string Name => _config.Name;

    protected override void PreStart()
    {
        SubscribeScripts(_config.TrackScript.Select(t => t.Name));
        SubscribeFiles(_config.TrackFile.Select(t => t.Name));
        SubscribeLinks();
        Register();
        _settings.Kernel.Tell(KernelRequests.OpenPath.Instance);
    }

    /// <summary>
    /// A request to /kernel: by call when its direct path takes it (see <see cref="KernelActor.DirectPath"/>; the
    /// answer then comes back as the same <see cref="KernelRequests.Done"/> message), else as a message. True when it
    /// ran now. <paramref name="self"/> is this actor (deferred actions run outside its turn). <paramref name="dry"/>:
    /// a rehearsal through the same code (see <see cref="KernelActor.DirectPath.TryApply"/>), never a message.
    /// </summary>
    private bool ToKernel(object request, IActorRef self, bool dry = false)
    {
        if (_kernelPath?.TryApply(request, dry) is { } done)
        {
            if (!dry)
            {
                self.Tell(done, ActorRefs.NoSender);
            }

            return true;
        }

        if (!dry)
        {
            _settings.Kernel.Tell(request, self);
        }

        return false;
    }

    /// <summary>
    /// A tracked vrrp_script changed state: its weight (the track_script entry's, else the script's own) moves the
    /// effective priority, or with weight 0 it faults the instance, by keepalived's rule (<see cref="Tracking"/>).
    /// </summary>
    private void OnScriptState(TrackScriptActor.State state)
    {
        var entry = _config.TrackScript.FirstOrDefault(t => t.Name == state.Script);
        if (entry is null)
        {
            return;
        }

        _scriptStates[state.Script] = state;
        var (weight, fault) = Tracking.Contribution(state.Up, entry.Weight ?? state.Weight, entry.Reverse || (entry.Weight is null && state.WeightReverse));
        _scriptWeights[state.Script] = weight;
        OnFaultChanged(new FaultChanged($"script {state.Script}", fault ? $"VRRP_Script({state.Script}) failed" : null));
        var total = TrackingTotal();
        if (_state is not null && total != _state.TrackingWeight)
        {
            Handle(new PriorityChanged(total));
        }
    }

    private void Register()
    {
        var ifname = _config.Interface ?? "eth0";
        _interface = InterfaceInfo.Find(ifname);
        if (_interface is null)
        {
            // /links reports the interface when it appears; no need to poll.
            OnRegistrationFailed($"interface {ifname} doesn't exist", waitForLink: true);
            return;
        }

        if (!VmacReady())
        {
            return;
        }

        // Adverts go out of the vmac unless vmac_xmit_base; an IPv4 vmac has no address, so they carry the base's.
        var advertInterface = AdvertInterface(_interface);
        if (advertInterface is null)
        {
            OnRegistrationFailed($"vmac {_vmac} doesn't exist", waitForLink: false);
            return;
        }

        var ipv6 = _family == VrrpAddressFamily.IPv6;
        _source = ipv6
            ? advertInterface.LinkLocalIPv6
            : _config.UnicastSrcIp ?? _config.McastSrcIp ?? _interface.PrimaryIPv4;
        if (_source is null)
        {
            OnRegistrationFailed($"interface {advertInterface.Name} has no {(ipv6 ? "IPv6 link-local" : "IPv4")} address to send adverts from", waitForLink: true);
            return;
        }

        var group = _config.McastDstIp ?? (ipv6 ? _settings.Globals.VrrpMcastGroup6 : _settings.Globals.VrrpMcastGroup4);
        _destinations = _config.IsUnicast ? _config.UnicastPeer.Select(p => p.Address).ToList() : [group];
        _settings.VrrpIo.Tell(new VrrpSocketActor.Register(
            Self,
            Name,
            advertInterface.Name,
            advertInterface.Index,
            _config.Family,
            (byte)_config.VirtualRouterId,
            _source,
            group));
    }

    private void OnRegistered(VrrpSocketActor.Registered registered)
    {
        _sendPath = registered.Path;
        _faults.Remove(InterfaceFault);
        _state ??= InitialState();
        if (_state.State == VrrpState.Initialize)
        {
            // A tracker may already have reported a fault (a script with weight 0 failing at start-up).
            Handle(_faults.Count > 0 ? new FaultRaised(_faults.Values.First()) : Startup.Instance);
            Rehearse();
        }
        else if (_faults.Count == 0)
        {
            Handle(FaultCleared.Instance);
            Rehearse();
        }
    }

    /// <summary>
    /// The tracking weight in force: the scripts' and the tracked interfaces' weights, and in maintenance enough below zero that the effective
    /// priority clamps to 1 whatever the scripts add.
    /// </summary>
    private int TrackingTotal() => _scriptWeights.Values.Sum() + _fileWeights.Values.Sum() + _tracking.Weight + (_maintenance ? -(2 * VrrpPriority.Owner) : 0);

    private void OnMaintenance(Maintenance m)
    {
        if (m.On == _maintenance)
        {
            Sender.Tell(new ControlResponse(true, $"({Name}) maintenance already {(m.On ? "on" : "off")}"));
            return;
        }

        _maintenance = m.On;
        _log.Info("({0}) maintenance {1}", Name, m.On ? "on: handing mastership over, staying BACKUP until released" : "off: back to the configured priority");
        if (_config.Priority == VrrpPriority.Owner)
        {
            // The address owner's priority is never adjusted (RFC 5798 5.2.4): only a fault makes it step down.
            OnFaultChanged(new FaultChanged("maintenance", m.On ? "maintenance (actorha maintenance/switchover)" : null));
        }
        else if (_state is not null)
        {
            Handle(new PriorityChanged(TrackingTotal()));
            if (m.On)
            {
                Handle(Resign.Instance);
            }
        }

        Sender.Tell(new ControlResponse(true, $"({Name}) maintenance {(m.On ? "on" : "off")}, state {_state?.State.ToString().ToUpperInvariant() ?? "INIT"}, priority {_state?.Priority}"));
    }

    /// <summary>The machine's first state, with whatever the trackers reported before the socket was ready.</summary>
    private VrrpInstanceState InitialState()
    {
        var machine = BuildMachineConfig();
        var weight = TrackingTotal();
        return VrrpInstanceState.Initial(machine, DateTimeOffset.UtcNow) with
        {
            TrackingWeight = weight,
            Priority = VrrpPriority.Effective(machine.Priority, weight),
        };
    }

    /// <summary>
    /// The instance is in FAULT until it can register. A missing interface or address is waited for through /links;
    /// anything else (a VRID clash, a socket error, the kernel refusing the vmac) is retried every two seconds.
    /// </summary>
    private void OnRegistrationFailed(string reason, bool waitForLink)
    {
        _sendPath = null;
        if (!_faults.ContainsKey(InterfaceFault))
        {
            _log.Warning("({0}) {1}", Name, reason);
        }

        _faults[InterfaceFault] = reason;
        _state ??= InitialState();
        Handle(new FaultRaised(reason));
        if (!waitForLink)
        {
            Timers.StartSingleTimer(nameof(RetryRegister), RetryRegister.Instance, RegisterRetry);
        }
    }

    private VrrpInstanceConfig BuildMachineConfig()
    {
        var c = _config;
        return new VrrpInstanceConfig
        {
            Name = c.Name,
            VirtualRouterId = (byte)c.VirtualRouterId,
            Version = _version,
            Priority = (byte)c.Priority,
            AdvertisementIntervalCs = (int)Math.Round(c.AdvertInt.TotalMilliseconds / 10),
            Preempt = !c.Nopreempt,
            PreemptDelay = c.PreemptDelay,
            PrimaryAddress = _source ?? c.UnicastSrcIp ?? c.McastSrcIp ?? IPAddress.Any,
            InitialStateMaster = c.State == ModelState.Master,
            GarpMasterDelay = c.GarpMasterDelay,
            GarpMasterRepeat = c.GarpMasterRepeat,
            GarpLowerPriorityDelay = c.GarpMasterDelay,
            GarpLowerPriorityRepeat = c.GarpMasterRepeat,
            GarpMasterRefresh = c.GarpMasterRefresh,
            GarpMasterRefreshRepeat = c.GarpMasterRefreshRepeat,
        };
    }

    private void OnAdvert(VrrpSocketActor.AdvertReceived m)
    {
        _rehearsing = m.Rehearsal;
        try
        {
            CheckAndHandle(m);
        }
        finally
        {
            _rehearsing = false;
        }
    }

    private void CheckAndHandle(VrrpSocketActor.AdvertReceived m)
    {
        if (_state is null || m.Source.Equals(_source))
        {
            return;
        }

        var a = m.Advert;
        if (a.Version != _version)
        {
            CountInvalid("wrong version", KeepalivedLog.WrongVersion(Name, (int)a.Version, (int)_version));
            return;
        }

        if (_version == VrrpVersion.V2)
        {
            if (a.AuthType != _auth.Type)
            {
                CountInvalid("wrong auth type", KeepalivedLog.UnexpectedAuth(Name, (int)a.AuthType, (int)_auth.Type));
                return;
            }

            if (_auth.Type == VrrpAuthType.SimpleText && a.AuthData != _auth.Data)
            {
                CountInvalid("wrong password", KeepalivedLog.InvalidPassword(Name));
                return;
            }
        }

        if (_config.IsUnicast && (_settings.Globals.VrrpCheckUnicastSrc || _config.CheckUnicastSrc)
            && !_config.UnicastPeer.Any(p => p.Address.Equals(m.Source)))
        {
            CountInvalid("unicast source not a peer", $"({Name}) unicast advert from {m.Source}, which is not a unicast_peer - ignoring");
            return;
        }

        // keepalived drops an advert whose address list differs from ours (a VRID clash or a misconfigured peer),
        // unless vrrp_skip_check_adv_addr; a priority-0 advert is always taken (the master is leaving).
        if (a.Priority != 0 && !_config.SkipCheckAdvAddr && !_settings.Globals.VrrpSkipCheckAdvAddr)
        {
            var list = a.GetAddresses(m.Packet);
            if (list.Count != _advertAddresses.Length)
            {
                CountInvalid("VIP count mismatch", KeepalivedLog.UnexpectedAddressCount(Name, list.Count, _advertAddresses.Length));
                return;
            }

            foreach (var address in _advertAddresses)
            {
                if (!list.Contains(address))
                {
                    CountInvalid("VIP mismatch", KeepalivedLog.AddressNotInAdvert(Name, _config.VirtualRouterId, address));
                    return;
                }
            }
        }

        if (_rehearsing)
        {
            RehearseEffects(VrrpStateMachine.Handle(_state, new Protocol.StateMachine.AdvertReceived(m.Source, a.Priority, a.AdverIntCentiseconds), DateTimeOffset.UtcNow), DateTimeOffset.UtcNow);
            return;
        }

        _received++;
        if (a.Priority != 0)
        {
            _masterAddress = m.Source;
        }

        _peers[m.Source] = new PeerSeen(m.Source, a.Priority, DateTimeOffset.UtcNow);

        // RFC 5798 6.4.2: Master_Down_Timer restarts when the advert is received, not when this actor got to it; the
        // kernel's receive timestamp takes the receive thread's and the mailbox's latency (~0.5 ms) out of the takeover.
        _eventAt = Stopwatch.GetTimestamp();
        _eventAge = DateTime.UtcNow - m.ReceivedAt;
        _eventAt -= (long)(_eventAge.TotalSeconds * Stopwatch.Frequency);
        try
        {
            Handle(new Protocol.StateMachine.AdvertReceived(m.Source, a.Priority, a.AdverIntCentiseconds));
        }
        finally
        {
            _eventAge = TimeSpan.Zero;
        }
    }

    /// <summary>
    /// Counts a dropped advert under a short reason (for status and metrics) and logs keepalived's line for it, at most
    /// once per reason per window: a misbehaving peer sending ten adverts a second must not flood the log.
    /// </summary>
    private void CountInvalid(string reason, string logLine)
    {
        if (_rehearsing)
        {
            return;
        }

        _invalid[reason] = _invalid.GetValueOrDefault(reason) + 1;
        var now = DateTime.UtcNow;
        if (!_invalidLogged.TryGetValue(reason, out var last) || now - last > VrrpSocketActor.LogWindow)
        {
            _invalidLogged[reason] = now;
            _log.Warning("{0}", logLine);
        }
    }

    private void OnFaultChanged(FaultChanged f)
    {
        if (f.Reason is null)
        {
            if (_faults.Remove(f.Source) && _faults.Count == 0)
            {
                Handle(FaultCleared.Instance);
            }

            return;
        }

        var first = _faults.Count == 0;
        _faults[f.Source] = f.Reason;
        if (first)
        {
            Handle(new FaultRaised(f.Reason));
        }
    }

    private void Handle(VrrpEvent evt)
    {
        if (_state is null)
        {
            return;
        }

        var step = VrrpStateMachine.Handle(_state, evt, DateTimeOffset.UtcNow);
        _state = step.State;
        _batchLater = true;
        _vipsInstalledNow = false;
        try
        {
            // What peers and clients see first: the advert, the VIPs and the gratuitous ARPs leave before the step's
            // bookkeeping (timers, counters, log lines). They depend on none of it: the step's state is in _state.
            var rest = new List<VrrpEffect>(step.Effects.Count);
            var installs = false;
            var vipsFirst = VipsBeforeAdvert(step.Effects);
            foreach (var effect in step.Effects)
            {
                if (vipsFirst && effect is SendAdvert && !_vipsInstalledNow)
                {
                    // Make before break: the advert waits for /kernel's answer to the AddVips (OnKernelDone).
                    _advertAfterVips = true;
                }
                else if (IsUrgent(effect))
                {
                    installs |= effect is AddVips;
                    Execute(effect);
                }
                else
                {
                    rest.Add(effect);
                }
            }

            if (installs && !vipsFirst && step.State.State == VrrpState.Master && Context.System.Scheduler is Hosting.PreciseScheduler { OnLoop: true } loop)
            {
                // A takeover: end this turn now. When /kernel was busy (the VIPs and GARPs went as messages) its
                // mailbox then runs right after the advert left, as keepalived installs; by the direct path they are
                // in already and this only puts the bookkeeping behind the loop's pending work. The bookkeeping runs
                // in the next turn, or first thing in any earlier one (AroundReceive), so no message sees it undone.
                _continuation = rest;
                var self = Self;
                loop.Post(new Deferred([() => self.Tell(ContinueStep.Instance)]));
                return;
            }

            foreach (var effect in rest)
            {
                Execute(effect);
            }
        }
        finally
        {
            _batchLater = false;
            FlushLater();
        }
    }

    private static bool IsUrgent(VrrpEffect effect) => effect is SendAdvert or AddVips or SendGratuitousArp;

    private static bool VipsBeforeAdvert(IReadOnlyList<VrrpEffect> effects)
    {
        foreach (var effect in effects)
        {
            switch (effect)
            {
                case SendAdvert:
                    return false;
                case AddVips:
                    return true;
            }
        }

        return false;
    }

    private sealed record ContinueStep
    {
        public static readonly ContinueStep Instance = new();

        private ContinueStep()
        {
        }
    }

    protected override bool AroundReceive(Receive receive, object message)
    {
        RunContinuation();
        return message is ContinueStep || base.AroundReceive(receive, message);
    }

    /// <summary>The rest of a takeover's step (see <see cref="Handle"/>), once.</summary>
    private void RunContinuation()
    {
        if (_continuation is not { } effects)
        {
            return;
        }

        _continuation = null;
        _batchLater = true;
        try
        {
            foreach (var effect in effects)
            {
                Execute(effect);
            }
        }
        finally
        {
            _batchLater = false;
            FlushLater();
        }
    }

    /// <summary>Master_Down_Timer's two pre-warm walks (see TimerFired), or none when the wait is too short for them.</summary>
    private void ArmWalks(TimeSpan delay, long due)
    {
        if (delay <= PrewarmLead * 2)
        {
            CancelWalks(); // an earlier deadline's walks must not run against this one
            return;
        }

        Walk(Prewarm, PrewarmLead, last: false);
        Walk(Rewarm, RewarmLead, last: true);

        void Walk(string key, TimeSpan lead, bool last) =>
            StartTimerAt(key, new TimerFired(TimerName.MasterDownTimer) { Rehearsal = true, Last = last }, delay - lead, due - (long)(lead.TotalSeconds * Stopwatch.Frequency));
    }

    private void CancelWalks()
    {
        Timers.Cancel(Prewarm);
        Timers.Cancel(Rewarm);
    }

    private void Execute(VrrpEffect effect)
    {
        switch (effect)
        {
            case SendAdvert s:
                SendAdvertisement(s.Priority);
                break;
            case ArmTimer t:
                var (delay, due) = TimerDue(t);
                if (t.Timer == TimerName.MasterDownTimer)
                {
                    _masterDownDue = due;
                    _gcBeforeTakeover = null; // a new deadline: an earlier pre-warm's mark is not its own
                }

                StartTimerAt(t.Timer, new TimerFired(t.Timer), delay, due);
                if (t.Timer == TimerName.MasterDownTimer)
                {
                    ArmWalks(delay, due);
                }

                break;
            case CancelTimer t:
                Timers.Cancel(t.Timer);
                if (t.Timer == TimerName.MasterDownTimer)
                {
                    CancelWalks();
                }

                break;
            case AddVips:
                // keepalived prints these two lines without -D; the state machine marks them Detail, so they are
                // logged here, once, and its copies are skipped below.
                LogLater(KeepalivedLog.SettingVips(Name));
                _vipsHeld = true;
                _pendingTakeover = _takeoverFiredLate is null ? null : new KernelRequests.AddVips(Name, _vips, _routes) { Rules = _rules };
                _lastAddVips = _pendingTakeover ?? new KernelRequests.AddVips(Name, _vips, _routes) { Rules = _rules };
                _vipsInstalledNow = ToKernel(_lastAddVips, Self);
                break;
            case RemoveVips:
                LogLater(KeepalivedLog.RemovingVips(Name));

                _vipsHeld = false;
                var removal = new KernelRequests.RemoveVips(Name, _vips, _routes) { Rules = _rules };
                if (_stopRequester is not null)
                {
                    _stopRemoval = removal;
                }

                ToKernel(removal, Self);
                break;
            case SendGratuitousArp g:
                SendGratuitous(g.Repeat);
                break;
            case Transition t:
                ChangeState(t);
                break;
            case Protocol.StateMachine.Notify n:
                var state = n.State switch
                {
                    VrrpState.Master => Notifier.State.Master,
                    VrrpState.Backup => Notifier.State.Backup,
                    VrrpState.Fault => Notifier.State.Fault,
                    _ when _deleting => _config.Notify.Deleted is not null ? Notifier.State.Deleted : Notifier.State.Fault,
                    _ => Notifier.State.Stop,
                };
                var notify = new Notifier.Notify(Notifier.Target.Instance, Name, state, _state!.Priority, _config.Notify)
                {
                    SmtpAlert = _config.SmtpAlert ?? _settings.Globals.SmtpAlertVrrp ?? _settings.Globals.SmtpAlert ?? false,
                };
                var self = Self;
                Later(() => _settings.Notifier.Tell(notify, self));
                break;
            case Log l when l.Text == KeepalivedLog.SettingVips(Name) || l.Text == KeepalivedLog.RemovingVips(Name):
                break;
            case Log l when l.Severity == LogSeverity.Info:
                LogLater(l.Text);
                break;
            case Log l when _log.IsDebugEnabled:
                LogLater(l.Text, detail: true);
                break;
        }
    }

    /// <summary>
    /// A timer's delay from now and its deadline (a Stopwatch timestamp). A timer armed while handling an advert counts
    /// from the advert's arrival: its deadline is the kernel's receive time plus the delay, whatever the handling took
    /// since (a priority-0 advert's handling, cold, took 0.2-0.3 ms, and a deadline counted from the moment the timer
    /// was armed came that much late). An age outside 0-100 ms means the wall clock stepped between the kernel's stamp
    /// and now: then the stamp is not trusted.
    /// </summary>
    private (TimeSpan Delay, long Due) TimerDue(ArmTimer t)
    {
        var now = Stopwatch.GetTimestamp();
        if (_eventAge <= TimeSpan.Zero || _eventAge > MaxEventAge || t.Delay <= _eventAge)
        {
            return (t.Delay, now + (long)(t.Delay.TotalSeconds * Stopwatch.Frequency));
        }

        var due = _eventAt + (long)(t.Delay.TotalSeconds * Stopwatch.Frequency);
        return (Stopwatch.GetElapsedTime(now, due), due);
    }

    /// <summary>
    /// A keyed timer that fires at <paramref name="due"/> on the event loop: the loop takes the deadline itself, so
    /// that the time Akka's timer code takes before it reaches the scheduler (0.5 ms cold, traced) does not move it.
    /// Off the loop, or with a test kit's scheduler, <paramref name="delay"/> from now (DueOfNextTimer ignores it).
    /// </summary>
    private void StartTimerAt(object key, TimerFired message, TimeSpan delay, long due)
    {
        var loop = Context.System.Scheduler as Hosting.PreciseScheduler;
        loop?.DueOfNextTimer(due);
        try
        {
            Timers.StartSingleTimer(key, message, delay);
        }
        finally
        {
            loop?.DueOfNextTimer(0);
        }
    }

    /// <summary>The one place a state change happens: keepalived's log line, the event stream, the counter.</summary>
    private void ChangeState(Transition t)
    {
        if (t.LogLine is not null)
        {
            LogLater(t.LogLine);
        }

        if (t.To == VrrpState.Master)
        {
            _masterAddress = _source;
            if (!_rehearsedResign && Context.System.Scheduler is Hosting.PreciseScheduler)
            {
                Timers.StartSingleTimer(Rehearsal, new TimerFired(TimerName.AdverTimer) { Rehearsal = true }, TimeSpan.FromMilliseconds(100));
            }
        }

        _lastTransition = new StateChanged(Name, t.From, t.To, t.Reason, _state!.Priority, DateTimeOffset.UtcNow);
        _transitions[((int)t.From * StateCount) + (int)t.To]++;
        var stream = Context.System.EventStream;
        var changed = _lastTransition;
        Later(() => stream.Publish(changed));
        // The sync group decides whether the other members follow (after the advert and the VIPs are on their way).
        var parent = Context.Parent;
        var self = Self;
        Later(() => parent.Tell(changed, self));
    }

    private void SendAdvertisement(byte priority)
    {
        if (BuildAdvertisements(priority) is not { } messages)
        {
            return;
        }

        _sent++;
        if (_sendPath is { IsOpen: true } path && Context.System.Scheduler is Hosting.PreciseScheduler { OnLoop: true })
        {
            try
            {
                path.Send(messages);
            }
            catch (IOException e)
            {
                // As /vrrp-io does: a failed send is what the protocol tolerates (the peers' Master_Down_Timer decides).
                _log.Warning("({0}) {1}", Name, e.Message);
            }

            return;
        }

        _settings.VrrpIo.Tell(new VrrpSocketActor.Send(Self, messages));
    }

    private List<(IPAddress, byte[])>? BuildAdvertisements(byte priority)
    {
        if (_source is null)
        {
            return null;
        }

        var interval = _state!.Config.AdvertisementIntervalCs;
        var spec = new VrrpAdvertSpec(_version, _family, (byte)_config.VirtualRouterId, priority, (ushort)(_version == VrrpVersion.V2 ? interval / 100 : interval))
        {
            Auth = _auth,
        };
        var length = VrrpCodec.MessageLength(_version, _family, _advertAddresses.Length);
        var messages = new List<(IPAddress, byte[])>(_destinations.Count);
        foreach (var destination in _destinations)
        {
            var buffer = new byte[length];
            VrrpCodec.BuildAdvert(buffer, spec, _advertAddresses, _source, destination);
            messages.Add((destination, buffer));
        }

        return messages;
    }

    /// <summary>
    /// On a takeover the frames the pre-warm built a moment ago go to /kernel at once, queued behind the VIPs in
    /// the same mailbox run (the order keepalived sends in: advert, VIPs, gratuitous ARPs); otherwise they are built
    /// after the step.
    /// </summary>
    private void SendGratuitous(int repeat)
    {
        if (_prebuiltGarp is { } p && p.Repeat == repeat && ReferenceEquals(p.Vips, _vips) && Stopwatch.GetElapsedTime(p.BuiltAt) < PrewarmLead * 4)
        {
            _prebuiltGarp = null;
            foreach (var (device, ifIndex, frames) in p.Garp.Frames)
            {
                ToKernel(new KernelRequests.SendFrames(Name, device, frames) { IfIndex = ifIndex }, Self);
            }

            LogGratuitous(p.Garp);
            return;
        }

        SendGratuitousFor(_vips, repeat);
    }

    private void LogGratuitous(Gratuitous garp)
    {
        var log = _log;
        Later(() => WriteLines(log, garp.Lines));
    }

    private static void WriteLines(ILoggingAdapter log, List<LogLine> lines)
    {
        foreach (var line in lines)
        {
            if (!line.Detail)
            {
                log.Info("{0}", line.Text);
            }
            else if (log.IsDebugEnabled)
            {
                log.Debug("{0}", line.Text);
            }
        }
    }

    /// <summary>
    /// The gratuitous ARPs / NAs are built once the advert and the VIPs are on their way: the kernel adds the address
    /// first anyway, and building and logging the frames would otherwise hold both back (~0.3 ms measured).
    /// </summary>
    private void SendGratuitousFor(IReadOnlyList<KernelRequests.Vip> vips, int repeat)
    {
        var self = Self;
        Later(() =>
        {
            var garp = BuildGratuitous(vips, repeat);
            WriteLines(_log, garp.Lines);
            foreach (var (device, _, frames) in garp.Frames)
            {
                ToKernel(new KernelRequests.SendFrames(Name, device, frames), self);
            }
        });
    }

    /// <summary>
    /// Runs <paramref name="action"/> after what this handler sent to /vrrp-io and /kernel (the advert, the VIPs): on
    /// the event loop it is queued behind their mailboxes, so a transition's bookkeeping (the event stream, notify,
    /// gratuitous ARPs) does not delay the takeover; on any other scheduler (unit tests) it runs at once. Actions
    /// queued this way run in order, and must not use Context (they run outside this actor's turn).
    /// </summary>
    private void Later(Action action)
    {
        if (Context.System.Scheduler is not Hosting.PreciseScheduler { OnLoop: true } loop)
        {
            action();
        }
        else if (_batchLater)
        {
            _later.Add(action);
        }
        else
        {
            loop.Post(new Deferred([action]));
        }
    }

    /// <summary>A state machine step's deferred actions go out as one, behind every mailbox the step scheduled.</summary>
    private void FlushLater()
    {
        if (_later.Count > 0 && Context.System.Scheduler is Hosting.PreciseScheduler loop)
        {
            loop.Post(new Deferred([.. _later]));
            _later.Clear();
        }
    }

    /// <summary>
    /// A state machine's log line, written after the advert and the VIPs are on their way (each line cost ~0.1 ms
    /// on the loop: the logger runs on another thread). Lines keep their order.
    /// </summary>
    private void LogLater(string text, bool detail = false)
    {
        var log = _log;
        Later(() =>
        {
            if (detail)
            {
                log.Debug("{0}", text);
            }
            else
            {
                log.Info("{0}", text);
            }
        });
    }

    private sealed class Deferred(Action[] actions) : Akka.Dispatch.IRunnable
    {
        public void Run()
        {
            foreach (var action in actions)
            {
                action();
            }
        }

        public void Execute() => Run();
    }

    /// <summary>Gratuitous ARP / unsolicited NA frames per device, and keepalived's log lines for them (detail: -D only).</summary>
    /// <summary>
    /// Frames built by the pre-warm for the takeover about to happen. A class, not a tuple: a nullable value tuple
    /// is an instantiation ReadyToRun leaves to the JIT (0.4 ms on the first takeover).
    /// </summary>
    private sealed record PrebuiltGarp(int Repeat, IReadOnlyList<KernelRequests.Vip> Vips, Gratuitous Garp, long BuiltAt);

    private sealed record Gratuitous(List<DeviceFrames> Frames, List<LogLine> Lines);

    // Classes, not value tuples, in these lists: List<ValueTuple<..>> is compiled by the JIT at its first use, which
    // was the first takeover (0.2 ms).
    private sealed record DeviceFrames(string Device, int IfIndex, List<byte[]> Frames);

    private sealed record LogLine(string Text, bool Detail);

    private Gratuitous BuildGratuitous(IReadOnlyList<KernelRequests.Vip> vips, int repeat)
    {
        var result = new List<DeviceFrames>();
        var lines = new List<LogLine>();
        if (_interface is null)
        {
            return new Gratuitous(result, lines);
        }

        var byDevice = vips.GroupBy(v => v.Device);
        foreach (var group in byDevice)
        {
            var info = group.Key == _interface.Name ? _interface : InterfaceInfo.Find(group.Key);
            if (info is null)
            {
                continue;
            }

            var mac = info.Mac.GetAddressBytes();
            var frames = new List<byte[]>();
            foreach (var vip in group)
            {
                var ipv6 = vip.Address.Family == AddressFamily.InterNetworkV6;
                var line = KeepalivedLog.SendingGratuitous(Name, group.Key, vip.Address.Address, ipv6);
                var detail = KeepalivedLog.SendingOneGratuitous(group.Key, vip.Address.Address, ipv6);
                lines.Add(new LogLine(line, false));
                for (var i = 0; i < Math.Max(1, repeat); i++)
                {
                    lines.Add(new LogLine(detail, true));

                    var frame = new byte[128];
                    var n = vip.Address.Family == AddressFamily.InterNetwork
                        ? GratuitousArp.Build(frame, mac, vip.Address.Address)
                        : UnsolicitedNeighborAdvertisement.Build(frame, mac, vip.Address.Address, vip.Address.Address, router: false);
                    frames.Add(frame[..n]);
                }
            }

            result.Add(new DeviceFrames(group.Key, info.Index, frames));
        }

        return new Gratuitous(result, lines);
    }

    /// <summary>
    /// A backup runs its takeover path once, dry, as soon as it is BACKUP: the state machine's Backup -> Master step
    /// on a copy of its state, the advert and the gratuitous ARPs built but not sent, the log lines formatted but not
    /// written, and /vrrp-io and /kernel rehearsing their halves (built, not sent). The first real takeover then runs
    /// code that has run before, instead of paying for type loads and first calls (2-3 ms measured here) while the
    /// VIP is unowned. Nothing leaves the process, and the instance's own state is untouched.
    /// </summary>
    private void Rehearse()
    {
        if (_rehearsed || _state is not { State: VrrpState.Backup } state || _source is null)
        {
            return;
        }

        _rehearsed = true;
        var started = Stopwatch.GetTimestamp();
        // The scheduler -> timer message -> handler path, for real: it is a backup's first timer (0.3 ms cold).
        Timers.StartSingleTimer(Rehearsal, new TimerFired(TimerName.AdverTimer) { Rehearsal = true }, TimeSpan.FromMilliseconds(1));
        RehearseTakeover(state);
        _log.Debug("({0}) takeover path rehearsed in {1:F1} ms", Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>The takeover, dry: the state machine on a copy, the advert and frames built, nothing sent or changed.</summary>
    private void RehearseTakeover(VrrpInstanceState state)
    {
        var now = DateTimeOffset.UtcNow;
        var takeover = VrrpStateMachine.Handle(state, MasterDownTimerFired.Instance, now);
        RehearseEffects(takeover, now);

        // And back: a higher-priority advert sends the rehearsed master to BACKUP (preemption by a peer).
        _ = VrrpStateMachine.Handle(takeover.State, new Protocol.StateMachine.AdvertReceived(IPAddress.Any, VrrpPriority.Owner, state.Config.AdvertisementIntervalCs), now);
    }

    /// <summary>A step's effects, dry: adverts and frames built, kernel requests built by /kernel, nothing sent.</summary>
    private void RehearseEffects(VrrpStep step, DateTimeOffset now)
    {
        foreach (var effect in step.Effects)
        {
            switch (effect)
            {
                case SendAdvert a when BuildAdvertisements(a.Priority) is { } messages:
                    if (_sendPath is { IsOpen: true } path)
                    {
                        path.Send(messages, dry: true);
                    }
                    else
                    {
                        _settings.VrrpIo.Tell(new VrrpSocketActor.Rehearse(Self, messages));
                    }

                    break;
                case SendGratuitousArp g:
                    _prebuiltGarp = new PrebuiltGarp(g.Repeat, _vips, BuildGratuitous(_vips, g.Repeat), Stopwatch.GetTimestamp());
                    foreach (var (device, ifIndex, frames) in _prebuiltGarp.Garp.Frames)
                    {
                        ToKernel(new KernelRequests.SendFrames(Name, device, frames) { IfIndex = ifIndex }, Self, dry: true);
                    }

                    break;
                case AddVips or RemoveVips:
                    // By call where /kernel takes it (its direct path, warmed with the very code the takeover runs),
                    // else as a message; both build the takeover's netlink requests for it.
                    object rehearsal = effect is AddVips
                        ? new KernelRequests.AddVips(Name, _vips, _routes) { Rules = _rules }
                        : new KernelRequests.RemoveVips(Name, _vips, _routes) { Rules = _rules };
                    if (!ToKernel(rehearsal, Self, dry: true))
                    {
                        _settings.Kernel.Tell(new KernelRequests.Rehearse(Name, _vips, _routes) { Rules = _rules });
                    }

                    break;
                case Transition t:
                    _ = new StateChanged(Name, t.From, t.To, t.Reason, step.State.Priority, now);
                    break;
            }
        }
    }

    /// <summary>
    /// A new master's first preemption by a peer runs code it never ran: it never received an advert. 100 ms after
    /// it becomes MASTER, once, a synthetic advert at priority 255 (from an address that is not ours) goes through
    /// /vrrp-io's receive path (parsed, checked, routed, not counted) and this actor's checks, and the MASTER ->
    /// BACKUP step runs dry (<see cref="RehearseEffects"/>). Measured before: the old master dropped the VIP ~3 ms
    /// after the new master's advert on a priority drop, keepalived 0.1 ms.
    /// </summary>
    private void RehearseResign()
    {
        if (_state is not { State: VrrpState.Master } || _advertAddresses.Length == 0 || _destinations.Count == 0)
        {
            return;
        }

        var source = _config.IsUnicast && _config.UnicastPeer.Count > 0
            ? _config.UnicastPeer[0].Address
            : _family == VrrpAddressFamily.IPv6 ? IPAddress.Parse("fe80::1") : IPAddress.Any;
        var destination = _destinations[0];
        var interval = _state.Config.AdvertisementIntervalCs;
        var spec = new VrrpAdvertSpec(_version, _family, (byte)_config.VirtualRouterId, VrrpPriority.Owner, (ushort)(_version == VrrpVersion.V2 ? interval / 100 : interval))
        {
            Auth = _auth,
        };
        var payload = new byte[VrrpCodec.MessageLength(_version, _family, _advertAddresses.Length)];
        VrrpCodec.BuildAdvert(payload, spec, _advertAddresses, source, destination);
        byte[] packet = payload;
        if (_family == VrrpAddressFamily.IPv4)
        {
            // What a raw IPv4 socket reads: the IP header too (TTL 255, protocol 112).
            packet = new byte[20 + payload.Length];
            packet[0] = 0x45;
            packet[2] = (byte)(packet.Length >> 8);
            packet[3] = (byte)packet.Length;
            packet[8] = 255;
            packet[9] = 112;
            source.TryWriteBytes(packet.AsSpan(12, 4), out _);
            destination.TryWriteBytes(packet.AsSpan(16, 4), out _);
            payload.CopyTo(packet, 20);
        }

        _settings.VrrpIo.Tell(new VrrpSocketActor.RehearseReceive(Self, packet, source, destination));
    }

    private void ApplyAddresses(VrrpInstance config)
    {
        var device = config.Interface ?? "eth0";
        // virtual_ipaddress_excluded moves with the instance like the VIPs but is left out of the adverts.
        _vips = config.VirtualIpaddress.Concat(config.VirtualIpaddressExcluded).Select(v => VipDevice(KernelRequests.Vip.From(v, device), config)).ToList();
        _routes = config.VirtualRoutes.Select(r => new KernelRequests.VRoute(r, config.Interface)).ToList();
        _rules = config.VirtualRules.Select(r => new KernelRequests.VRule(r)).ToList();
        _advertAddresses = config.VirtualIpaddress.Where(v => v.Address.Family == config.Family).Select(v => v.Address.Address).ToArray();
        _auth = _version == VrrpVersion.V2 && config.Authentication is { Type: AuthType.Pass } a ? VrrpAuth.SimpleText(a.Password) : VrrpAuth.None;
    }

    /// <summary>
    /// A reload changed this block. State, timers and the master we know stay; a master moves only the VIPs and
    /// routes that differ; the new priority and interval go out with the next advert.
    /// </summary>
    private void OnReconfigure(Reconfigure r)
    {
        var oldScripts = _config.TrackScript.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var oldFiles = _config.TrackFile.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var oldVips = _vips;
        var oldRoutes = _routes;
        var oldRules = _rules;
        var oldSource = _source;
        var oldDestinations = _destinations;
        _config = r.Config;
        ApplyAddresses(_config);
        if (_vipsHeld)
        {
            var goneVips = oldVips.Except(_vips).ToList();
            var goneRoutes = oldRoutes.ExceptBy(_routes.Select(x => x.Key), x => x.Key).ToList();
            var newVips = _vips.Except(oldVips).ToList();
            var newRoutes = _routes.ExceptBy(oldRoutes.Select(x => x.Key), x => x.Key).ToList();
            var goneRules = oldRules.ExceptBy(_rules.Select(x => x.Key), x => x.Key).ToList();
            var newRules = _rules.ExceptBy(oldRules.Select(x => x.Key), x => x.Key).ToList();
            if (goneVips.Count + goneRoutes.Count + goneRules.Count > 0)
            {
                _settings.Kernel.Tell(new KernelRequests.RemoveVips(Name, goneVips, goneRoutes) { Rules = goneRules });
            }

            if (newVips.Count + newRoutes.Count + newRules.Count > 0)
            {
                _settings.Kernel.Tell(new KernelRequests.AddVips(Name, newVips, newRoutes) { Rules = newRules });
                SendGratuitousFor(newVips, _config.GarpMasterRepeat);
            }
        }

        // Also before the instance has registered: what it tracks decides its state once it does.
        RetrackScripts(oldScripts);
        RetrackFiles(oldFiles);
        RetrackLinks();
        if (_state is null)
        {
            // Not registered yet: Registered builds the state from the new configuration.
            return;
        }

        var before = _state.Priority;
        var machine = BuildMachineConfig();
        var weight = TrackingTotal();
        _state = _state with { Config = machine, TrackingWeight = weight, Priority = VrrpPriority.Effective(machine.Priority, weight) };
        if (_state.Priority != before)
        {
            _log.Info("{0}", KeepalivedLog.ChangingEffectivePriority(Name, before, _state.Priority));
        }

        // A new unicast source or peer list needs a new send socket; registering again keeps the route by VRID.
        var group = _config.McastDstIp ?? (_family == VrrpAddressFamily.IPv6 ? _settings.Globals.VrrpMcastGroup6 : _settings.Globals.VrrpMcastGroup4);
        var source = _family == VrrpAddressFamily.IPv6 ? _interface?.LinkLocalIPv6 : _config.UnicastSrcIp ?? _config.McastSrcIp ?? _interface?.PrimaryIPv4;
        var destinations = _config.IsUnicast ? _config.UnicastPeer.Select(p => p.Address).ToList() : [group];
        if (!Equals(source, oldSource) || !destinations.SequenceEqual(oldDestinations))
        {
            Register();
        }

        _log.Info("({0}) configuration reloaded", Name);
    }

    private void OnKernelDone(KernelRequests.Done done)
    {
        foreach (var error in done.Errors)
        {
            _log.Error("({0}) {1}", Name, error);
        }

        if (done.Request is KernelRequests.CreateVmac)
        {
            OnVmacCreated(done);
            return;
        }

        if (_advertAfterVips && ReferenceEquals(done.Request, _lastAddVips))
        {
            _advertAfterVips = false;
            if (_state is { State: VrrpState.Master } state)
            {
                SendAdvertisement(state.Priority);
                _log.Debug("({0}) preempting a live master: VIPs installed before the first advert", Name);
            }
        }

        if (_pendingTakeover is not null && ReferenceEquals(done.Request, _pendingTakeover))
        {
            // How far past the protocol's limit this takeover was: the benchmark's figure, from the inside.
            var installed = Stopwatch.GetElapsedTime(_masterDownDue, done.CompletedAt);
            var gc = _gcBeforeTakeover is { } before ? Diagnostics.GcMark.Now().Since(before) : default;
            _gcBeforeTakeover = null;
            _lastTakeover = new TakeoverTiming(_takeoverFiredLate!.Value, installed, gc.Collections, gc.Paused);
            _log.Debug("({0}) takeover: Master_Down_Timer fired {1:F2} ms late, VIPs installed {2:F2} ms after it was due", Name, _takeoverFiredLate.Value.TotalMilliseconds, installed.TotalMilliseconds);
            if (gc.Collections > 0)
            {
                // Not a keepalived line: ActorHa's own account of a takeover it knows was held up.
                _log.Info("({0}) takeover: {1} garbage collection(s) ran in its last milliseconds, {2:F2} ms paused; VIPs installed {3:F2} ms after Master_Down_Interval", Name, gc.Collections, gc.Paused.TotalMilliseconds, installed.TotalMilliseconds);
            }
            _pendingTakeover = null;
            _takeoverFiredLate = null;
        }

        if (_stopRemoval is not null && ReferenceEquals(done.Request, _stopRemoval))
        {
            FinishStop();
        }
    }

    private void OnStop(bool deleted)
    {
        _stopRequester = Sender;
        _deleting = deleted;
        if (_state is null || _state.State is VrrpState.Stopped)
        {
            FinishStop();
            return;
        }

        var wasMaster = _state.State == VrrpState.Master;
        Handle(Shutdown.Instance);
        Timers.CancelAll();
        // A master waits for the kernel to confirm its VIPs are gone before it reports Stopped.
        if (!wasMaster || _stopRemoval is null)
        {
            FinishStop();
        }
    }

    private void FinishStop()
    {
        _settings.VrrpIo.Tell(new VrrpSocketActor.Unregister(Self));
        ReleaseLinks();
        _stopRequester?.Tell(new Stopped(Name));
        _stopRequester = null;
        Context.Stop(Self);
    }

    private Status BuildStatus() =>
        new(
            Name,
            _state?.State ?? VrrpState.Initialize,
            _state?.Priority ?? _config.Priority,
            _config.Priority,
            _state?.TrackingWeight ?? 0,
            _config.Interface ?? "eth0",
            (byte)_config.VirtualRouterId,
            _masterAddress,
            _vips.Select(v => v.Address.ToString()).ToList(),
            _vipsHeld,
            _sent,
            _received,
            new Dictionary<string, long>(_invalid),
            _lastTransition,
            _faults.Values.ToList())
        {
            Transitions = _transitions
                .Select((count, i) => new TransitionCount((VrrpState)(i / StateCount), (VrrpState)(i % StateCount), count))
                .Where(t => t.Count > 0)
                .ToList(),
            Peers = _peers.Values.OrderBy(p => p.Address.ToString(), StringComparer.Ordinal).ToList(),
            SourceAddress = _source,
            LastTakeover = _lastTakeover,
        };

    private string DescribeLine()
    {
        var state = _state?.State.ToString().ToUpperInvariant() ?? "INIT";
        var invalid = _invalid.Values.Sum();
        var tracking = _scriptStates.Count == 0
            ? ""
            : ", scripts: " + string.Join(" ", _scriptStates.Values.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Script} {(s.Up ? "OK" : "KO")} ({_scriptWeights.GetValueOrDefault(s.Script):+0;-0;0})")));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{state} prio {_state?.Priority ?? _config.Priority}{tracking}{DescribeFiles()} vrid {_config.VirtualRouterId} on {_config.Interface}{(_vmac is null ? "" : " vmac " + _vmac)} ({(_config.IsUnicast ? "unicast" : "multicast")}), master {(_masterAddress?.ToString() ?? "unknown")}, sent {_sent}, rcvd {_received}, invalid {invalid}{(_faults.Count > 0 ? ", faults: " + string.Join("; ", _faults.Values) : "")}");
    }
}
