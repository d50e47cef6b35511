using ActorHa.Config.Model;
using Akka.Actor;
using Akka.Event;

namespace ActorHa.Node.Actors;

/// <summary>
/// /vrrp/&lt;group&gt;: a vrrp_sync_group, or the implicit group of one for an instance outside any group. It
/// creates and supervises its member instances and keeps them together, as keepalived does: a member becoming
/// MASTER takes the backups with it, a master falling back to BACKUP takes the other masters with it, and a
/// member in FAULT puts the whole group in FAULT until it recovers - so an inside and an outside address never
/// end up on different hosts. Group notify scripts run on the group's own transitions.
/// </summary>
internal sealed class SyncGroupActor : ReceiveActor
{
    public sealed record Settings(string Name, bool Implicit, IReadOnlyList<VrrpInstance> Members, GlobalDefs Globals, IActorRef VrrpIo, IActorRef Kernel, IActorRef Notifier)
    {
        /// <summary>The vrrp_sync_group's own notify scripts.</summary>
        public NotifyScripts GroupNotify { get; init; } = NotifyScripts.None;

        /// <summary>The group's smtp_alert, resolved against global_defs.</summary>
        public bool SmtpAlert { get; init; }
    }

    public sealed record Stop
    {
        public static readonly Stop Instance = new();

        private Stop()
        {
        }
    }

    public sealed record Stopped(string Group);

    /// <summary>A reload added an instance to this group: it starts as BACKUP.</summary>
    public sealed record AddMember(VrrpInstance Instance, string ActorName);

    /// <summary>A reload deleted the member running as actor <paramref name="ActorName"/>; answers <see cref="MemberRemoved"/>.</summary>
    public sealed record RemoveMember(string ActorName);

    public sealed record MemberRemoved(string Group, string ActorName);

    /// <summary>A reload changed the block of the member running as actor <paramref name="ActorName"/>.</summary>
    public sealed record ReconfigureMember(string ActorName, VrrpInstance Instance);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Settings _settings;
    private readonly HashSet<string> _stopping = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IActorRef> _removals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Protocol.StateMachine.VrrpState> _states = new(StringComparer.Ordinal);
    private readonly HashSet<string> _faultOrigins = new(StringComparer.Ordinal);
    private Protocol.StateMachine.VrrpState _groupState = Protocol.StateMachine.VrrpState.Backup;
    private IActorRef? _stopRequester;

    public SyncGroupActor(Settings settings)
    {
        _settings = settings;
        Receive<Stop>(_ => OnStop());
        Receive<VrrpInstanceActor.Stopped>(_ =>
        {
            var name = Sender.Path.Name;
            if (_removals.Remove(name, out var requester))
            {
                requester.Tell(new MemberRemoved(_settings.Name, name));
                return;
            }

            _stopping.Remove(name);
            if (_stopping.Count == 0)
            {
                FinishStop();
            }
        });
        Receive<AddMember>(a => StartMember(a.Instance, a.ActorName));
        Receive<VrrpInstanceActor.StateChanged>(OnMemberChanged);
        Receive<RemoveMember>(r =>
        {
            var child = Context.Child(r.ActorName);
            if (child.IsNobody())
            {
                Sender.Tell(new MemberRemoved(_settings.Name, r.ActorName));
                return;
            }

            _removals[r.ActorName] = Sender;
            child.Tell(VrrpInstanceActor.Stop.ForDeletion);
        });
        Receive<ReconfigureMember>(r => Context.Child(r.ActorName).Tell(new VrrpInstanceActor.Reconfigure(r.Instance)));
        Receive<ActorTree.DescribeTree>(_ => ActorTree.Reply(
            Context,
            _settings.Implicit ? "(instance without sync group)" : $"vrrp_sync_group {_groupState.ToString().ToUpperInvariant()}, {Context.GetChildren().Count()} member(s)"));
    }

    public static Props Props(Settings settings) => Akka.Actor.Props.Create(() => new SyncGroupActor(settings));

    protected override void PreStart()
    {
        foreach (var member in _settings.Members)
        {
            StartMember(member, ActorNames.Safe(member.Name));
        }
    }

    private void StartMember(VrrpInstance member, string actorName) =>
        Context.ActorOf(
            VrrpInstanceActor.Props(new VrrpInstanceActor.Settings(member, _settings.Globals, _settings.VrrpIo, _settings.Kernel, _settings.Notifier)),
            actorName);

    private string FaultSource => $"sync group {_settings.Name}";

    private void OnMemberChanged(VrrpInstanceActor.StateChanged change)
    {
        var member = Sender.Path.Name;
        _states[member] = change.To;
        if (_settings.Implicit || _stopRequester is not null || change.Reason == Protocol.StateMachine.TransitionReason.Shutdown)
        {
            return;
        }

        var others = Context.GetChildren().Where(c => c.Path.Name != member).ToList();
        switch (change.To)
        {
            case Protocol.StateMachine.VrrpState.Fault when _groupState != Protocol.StateMachine.VrrpState.Fault:
                _faultOrigins.Add(member);
                EnterGroupState(Protocol.StateMachine.VrrpState.Fault);
                foreach (var other in others)
                {
                    other.Tell(new VrrpInstanceActor.FaultChanged(FaultSource, $"VRRP_Group({_settings.Name}) member {change.Instance} is in FAULT"));
                }

                break;

            case Protocol.StateMachine.VrrpState.Backup when _groupState == Protocol.StateMachine.VrrpState.Fault && _faultOrigins.Remove(member):
                if (_faultOrigins.Count == 0)
                {
                    EnterGroupState(Protocol.StateMachine.VrrpState.Backup);
                    foreach (var other in others)
                    {
                        other.Tell(new VrrpInstanceActor.FaultChanged(FaultSource, null));
                    }
                }

                break;

            case Protocol.StateMachine.VrrpState.Master when _groupState == Protocol.StateMachine.VrrpState.Backup:
                EnterGroupState(Protocol.StateMachine.VrrpState.Master);
                foreach (var other in others)
                {
                    other.Tell(new VrrpInstanceActor.Sync(Protocol.StateMachine.SyncToMaster.Instance));
                }

                break;

            case Protocol.StateMachine.VrrpState.Backup when _groupState == Protocol.StateMachine.VrrpState.Master && change.From == Protocol.StateMachine.VrrpState.Master:
                EnterGroupState(Protocol.StateMachine.VrrpState.Backup);
                foreach (var other in others)
                {
                    other.Tell(new VrrpInstanceActor.Sync(Protocol.StateMachine.SyncToBackup.Instance));
                }

                break;
        }
    }

    private void EnterGroupState(Protocol.StateMachine.VrrpState state)
    {
        _groupState = state;
        var word = state.ToString().ToUpperInvariant();
        _log.Info("VRRP_Group({0}) Syncing instances to {1} state", _settings.Name, word);
        _settings.Notifier.Tell(new Notifier.Notify(
            Notifier.Target.Group,
            _settings.Name,
            state switch
            {
                Protocol.StateMachine.VrrpState.Master => Notifier.State.Master,
                Protocol.StateMachine.VrrpState.Fault => Notifier.State.Fault,
                _ => Notifier.State.Backup,
            },
            0,
            _settings.GroupNotify)
        {
            SmtpAlert = _settings.SmtpAlert,
        });
    }

    private void OnStop()
    {
        _stopRequester = Sender;
        foreach (var child in Context.GetChildren().Where(c => !_removals.ContainsKey(c.Path.Name)))
        {
            _stopping.Add(child.Path.Name);
            child.Tell(VrrpInstanceActor.Stop.Instance);
        }

        if (_stopping.Count == 0)
        {
            FinishStop();
        }
    }

    private void FinishStop()
    {
        _stopRequester?.Tell(new Stopped(_settings.Name));
        _stopRequester = null;
    }

    // An instance that throws restarts: its state machine starts over in BACKUP (never MASTER), as after a crash
    // keepalived's instance would re-elect. Ten failures a minute means something is broken; then it stops.
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(10, TimeSpan.FromMinutes(1), ex =>
        {
            _log.Error(ex, "instance actor failed; restarting it as BACKUP");
            return Directive.Restart;
        });
}
