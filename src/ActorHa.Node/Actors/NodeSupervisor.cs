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
        Receive<Stop>(_ =>
        {
            var replyTo = Sender;
            Context.Child("notify").Ask<Notifier.Drained>(Notifier.Drain.Instance, TimeSpan.FromSeconds(10))
                .ContinueWith(_ => Stopped.Instance, TaskScheduler.Default)
                .PipeTo(replyTo);
        });
    }

    public static Props Props(NodeOptions options, LoadedConfig loaded) => Akka.Actor.Props.Create(() => new NodeSupervisor(options, loaded));

    protected override void PreStart()
    {
        var g = _loaded.Config.GlobalDefs;
        Context.ActorOf(Notifier.Props(Notifier.Settings.Default with
        {
            DefaultUser = g.ScriptUser,
            Fifos = new[] { g.NotifyFifo?.Path, g.VrrpNotifyFifo?.Path }.OfType<string>().ToList(),
        }), "notify");
        _log.Info("Startup complete");
        Self.Tell(LogTree.Instance);
    }

    // A child that throws is restarted: the notifier and the I/O actors hold no state worth more than the
    // process staying up. Instance actors override this for themselves (they restart into BACKUP).
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(maxNrOfRetries: 10, withinTimeRange: TimeSpan.FromMinutes(1), localOnlyDecider: _ => Directive.Restart);
}
