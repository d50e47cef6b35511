using ActorHa.Node.Hosting;
using Akka.Actor;
using Akka.Event;

namespace ActorHa.Node.Actors;

/// <summary>
/// /user/node: owns the running configuration and the children that execute it. At start-up and on SIGUSR1 it
/// logs the actor tree with each actor's state; on Stop it winds everything down the protocol's way and answers
/// <see cref="Stopped"/> once the kernel confirmed that what this node installed is gone.
/// </summary>
internal sealed class NodeSupervisor : ReceiveActor
{
    public sealed record Stop
    {
        public static readonly Stop Instance = new();

        private Stop()
        {
        }
    }

    public sealed record Stopped
    {
        public static readonly Stopped Instance = new();

        private Stopped()
        {
        }
    }

    /// <summary>Reload the configuration (SIGHUP, the CLI, or a watched conf.d change).</summary>
    public sealed record Reload(string Reason)
    {
        public static readonly Reload FromSignal = new("SIGHUP");
    }

    public sealed record LogTree
    {
        public static readonly LogTree Instance = new();

        private LogTree()
        {
        }
    }

    private sealed record TreeReady(ActorTree.TreeNode Root);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly NodeOptions _options;
    private LoadedConfig _loaded;

    public NodeSupervisor(NodeOptions options, LoadedConfig loaded)
    {
        _options = options;
        _loaded = loaded;
        Receive<LogTree>(_ => Self.Ask<ActorTree.TreeNode>(ActorTree.DescribeTree.Instance, TimeSpan.FromSeconds(5)).PipeTo(Self, success: t => new TreeReady(t)));
        Receive<TreeReady>(ready =>
        {
            foreach (var line in ActorTree.Render(ready.Root))
            {
                _log.Info("[TREE] {0}", line);
            }
        });
        Receive<ActorTree.DescribeTree>(_ => ActorTree.Reply(Context, $"config {_options.ConfigFile}, {_loaded.Config.VrrpInstances.Count} vrrp_instance(s), {_loaded.Config.VirtualServers.Count} virtual_server(s)"));
        Receive<Reload>(r => _log.Info("Reloading configuration ({0})", r.Reason));
        Receive<Stop>(_ => OnStop());
        Receive<SyncGroupActor.Stopped>(s =>
        {
            _stoppingGroups.Remove(s.Group);
            if (_stoppingGroups.Count == 0)
            {
                DrainAndReply();
            }
        });
    }

    private readonly HashSet<string> _stoppingGroups = new(StringComparer.Ordinal);
    private IActorRef? _stopRequester;

    private void OnStop()
    {
        _stopRequester = Sender;
        var vrrp = Context.Child("vrrp");
        var groups = vrrp.IsNobody() ? [] : _groupNames;
        foreach (var group in groups)
        {
            _stoppingGroups.Add(group);
        }

        if (_stoppingGroups.Count == 0)
        {
            DrainAndReply();
            return;
        }

        _log.Info("Stopping");
        foreach (var group in groups)
        {
            Context.ActorSelection(vrrp.Path / ActorNames.Safe(group)).Tell(SyncGroupActor.Stop.Instance);
        }
    }

    private void DrainAndReply()
    {
        var replyTo = _stopRequester ?? Context.System.DeadLetters;
        Context.Child("notify").Ask<Notifier.Drained>(Notifier.Drain.Instance, TimeSpan.FromSeconds(10))
            .ContinueWith(_ => Stopped.Instance, TaskScheduler.Default)
            .PipeTo(replyTo);
    }

    private readonly List<string> _groupNames = [];

    /// <summary>Each vrrp_sync_group with its members, then one implicit group per instance outside every group.</summary>
    private static IEnumerable<(string Name, bool Implicit, IReadOnlyList<ActorHa.Config.Model.VrrpInstance> Members)> Groups(ActorHa.Config.Model.KeepalivedConfig config)
    {
        var byName = config.VrrpInstances.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var grouped = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in config.SyncGroups)
        {
            var members = group.Group.Where(byName.ContainsKey).Select(n => byName[n]).ToList();
            grouped.UnionWith(members.Select(m => m.Name));
            yield return (group.Name, false, members);
        }

        foreach (var instance in config.VrrpInstances.Where(i => !grouped.Contains(i.Name)))
        {
            yield return (instance.Name, true, [instance]);
        }
    }

    public static Props Props(NodeOptions options, LoadedConfig loaded) => Akka.Actor.Props.Create(() => new NodeSupervisor(options, loaded));

    protected override void PreStart()
    {
        var g = _loaded.Config.GlobalDefs;
        var notifier = Context.ActorOf(Notifier.Props(Notifier.Settings.Default with
        {
            DefaultUser = g.ScriptUser,
            Fifos = new[] { g.NotifyFifo?.Path, g.VrrpNotifyFifo?.Path }.OfType<string>().ToList(),
        }), "notify");
        var config = _loaded.Config;
        var kernel = Context.ActorOf(KernelActor.Props(new KernelActor.Settings(
            _options.LedgerFile,
            ReleaseOnStop: !_options.DontReleaseVrrp,
            config.StaticAddresses,
            config.StaticRoutes,
            g.DefaultInterface ?? "eth0")), "kernel");
        if (_options.RunVrrp && config.VrrpInstances.Count > 0)
        {
            var io = Context.ActorOf(VrrpSocketActor.Props(), "vrrp-io");
            var vrrp = Context.ActorOf(Akka.Actor.Props.Create(() => new VrrpRoot()), "vrrp");
            foreach (var (name, isImplicit, members) in Groups(config))
            {
                _groupNames.Add(name);
                vrrp.Tell(new VrrpRoot.Create(
                    SyncGroupActor.Props(new SyncGroupActor.Settings(name, isImplicit, members, g, io, kernel, notifier)),
                    ActorNames.Safe(name)));
            }
        }

        _log.Info("Startup complete");
        Self.Tell(LogTree.Instance);
    }

    /// <summary>/vrrp: the parent of the sync groups, so the tree reads /node/vrrp/&lt;group&gt;/&lt;instance&gt;.</summary>
    private sealed class VrrpRoot : ReceiveActor
    {
        public sealed record Create(Props Props, string Name);

        public VrrpRoot()
        {
            Receive<Create>(c => Context.ActorOf(c.Props, c.Name));
            Receive<ActorTree.DescribeTree>(_ => ActorTree.Reply(Context, ""));
        }
    }

    // A child that throws is restarted: the notifier and the I/O actors hold no state worth more than the
    // process staying up. Instance actors override this for themselves (they restart into BACKUP).
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(maxNrOfRetries: 10, withinTimeRange: TimeSpan.FromMinutes(1), localOnlyDecider: _ => Directive.Restart);
}
