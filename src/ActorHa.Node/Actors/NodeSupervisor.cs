using ActorHa.Config;
using ActorHa.Config.Diagnostics;
using ActorHa.Config.Model;
using ActorHa.Config.Reload;
using ActorHa.Node.Hosting;
using Akka.Actor;
using System.Net.Sockets;
using System.Text.Json;
using Akka.Event;

namespace ActorHa.Node.Actors;

/// <summary>
/// /user/node: owns the running configuration and the children that execute it. At start-up and on SIGUSR1 it
/// logs the actor tree with each actor's state. A reload (SIGHUP, a conf.d change) compiles the files again and
/// applies the difference: unchanged instances are not touched, changed ones are reconfigured in place, deleted
/// ones stop the protocol's way, new ones start as BACKUP; a configuration with errors is rejected whole and the
/// running one stays. On Stop it winds everything down and answers <see cref="Stopped"/> once the kernel
/// confirmed that what this node installed is gone.
/// </summary>
internal sealed class NodeSupervisor : ReceiveActor, IWithTimers
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

    /// <summary>Reload the configuration (SIGHUP, the CLI, or a watched conf.d change); answers <see cref="ReloadResult"/>.</summary>
    public sealed record Reload(string Reason)
    {
        public static readonly Reload FromSignal = new("SIGHUP");
    }

    /// <summary>What a reload did: applied or rejected, the diagnostics, and a one-line summary.</summary>
    public sealed record ReloadResult(bool Applied, IReadOnlyList<Diagnostic> Diagnostics, string Summary);

    /// <summary>A file under the configuration changed; reloads are debounced so an editor's burst is one reload.</summary>
    public sealed record ConfigFileChanged(string Path);

    public sealed record LogTree
    {
        public static readonly LogTree Instance = new();

        private LogTree()
        {
        }
    }

    /// <summary>Answers <see cref="NodeStatus"/>: everything status and the metrics endpoint show.</summary>
    public sealed record CollectStatus
    {
        public static readonly CollectStatus Instance = new();

        private CollectStatus()
        {
        }
    }

    private sealed record TreeReady(ActorTree.TreeNode Root);

    private sealed record Compiled(CompileResult Result, IActorRef Requester, string Reason);

    private sealed record RemovalsDone(ReloadPlan Plan, KeepalivedConfig Next, IActorRef Requester, IReadOnlyList<Diagnostic> Diagnostics);

    private sealed record DebouncedReload
    {
        public static readonly DebouncedReload Instance = new();

        private DebouncedReload()
        {
        }
    }

    private static readonly TimeSpan Debounce = TimeSpan.FromSeconds(1);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly NodeOptions _options;
    private readonly SystemdNotify? _systemd;
    private readonly HashSet<string> _stoppingGroups = new(StringComparer.Ordinal);

    /// <summary>Which actor runs each VRRP router: its group and the actor's name (kept when a reload renames it).</summary>
    private readonly Dictionary<InstanceKey, (string Group, string ActorName)> _running = [];

    private LoadedConfig _loaded;
    private IActorRef _kernel = ActorRefs.Nobody;
    private IActorRef _ipvs = ActorRefs.Nobody;
    private IActorRef _notifier = ActorRefs.Nobody;
    private IActorRef _io = ActorRefs.Nobody;
    private IActorRef _vrrp = ActorRefs.Nobody;
    private IActorRef _scripts = ActorRefs.Nobody;
    private IActorRef _trackFiles = ActorRefs.Nobody;
    private DateTime _reloadReadAt;
    private IActorRef _check = ActorRefs.Nobody;
    private readonly List<string> _virtualServers = [];
    private readonly Dictionary<string, string> _virtualServerKeys = new(StringComparer.Ordinal);
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;
    private long _reloads;
    private long _reloadsFailed;
    private bool _lastReloadSucceeded = true;
    private DateTimeOffset? _lastReloadAt;
    private IActorRef? _stopRequester;
    private ConfigWatcher? _watcher;
    private bool _reloading;
    private string? _pendingChange;

    public NodeSupervisor(NodeOptions options, LoadedConfig loaded, SystemdNotify? systemd = null)
    {
        _options = options;
        _systemd = systemd;
        _loaded = loaded;
        Receive<LogTree>(_ => Self.Ask<ActorTree.TreeNode>(ActorTree.DescribeTree.Instance, TimeSpan.FromSeconds(5)).PipeTo(Self, success: t => new TreeReady(t)));
        Receive<TreeReady>(ready =>
        {
            foreach (var line in ActorTree.Render(ready.Root))
            {
                _log.Info("[TREE] {0}", line);
            }
        });
        Receive<ActorTree.DescribeTree>(_ => ActorTree.Reply(
            Context,
            $"config {_options.ConfigFile}, {_loaded.Config.VrrpInstances.Count} vrrp_instance(s), {_loaded.Config.VirtualServers.Count} virtual_server(s)"));
        Receive<Reload>(OnReload);
        Receive<Compiled>(OnCompiled);
        Receive<RemovalsDone>(OnRemovalsDone);
        Receive<ConfigFileChanged>(c =>
        {
            _pendingChange = c.Path;
            Timers.StartSingleTimer(nameof(DebouncedReload), DebouncedReload.Instance, Debounce);
        });
        Receive<DebouncedReload>(_ => Self.Tell(new Reload($"{_pendingChange} changed")));
        Receive<ReloadResult>(_ => { });
        Receive<Stop>(_ => OnStop());
        Receive<ControlRequest>(OnControl);
        Receive<CollectStatus>(_ => GatherStatus().PipeTo(Sender));
        Receive<SyncGroupActor.Stopped>(s =>
        {
            _stoppingGroups.Remove(s.Group);
            if (_stoppingGroups.Count == 0)
            {
                DrainAndReply();
            }
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(NodeOptions options, LoadedConfig loaded, SystemdNotify? systemd = null) =>
        Akka.Actor.Props.Create(() => new NodeSupervisor(options, loaded, systemd));

    protected override void PreStart()
    {
        var config = _loaded.Config;
        var g = config.GlobalDefs;
        _notifier = Context.ActorOf(Notifier.Props(Notifier.Settings.Default with
        {
            DefaultUser = g.ScriptUser,
            Fifos = new[] { g.NotifyFifo?.Path, g.VrrpNotifyFifo?.Path }.OfType<string>().ToList(),
            Smtp = Scripts.SmtpSettings.FromGlobals(g),
        }), "notify");
        _kernel = Context.ActorOf(KernelActor.Props(new KernelActor.Settings(
            _options.LedgerFile,
            ReleaseOnStop: !_options.DontReleaseVrrp,
            config.StaticAddresses,
            config.StaticRoutes,
            g.DefaultInterface ?? "eth0")
        {
            StaticRules = config.StaticRules,
        }), "kernel");
        if (_options.RunVrrp)
        {
            // Scripts before instances: an instance subscribes to its tracked scripts when it starts.
            _scripts = Context.ActorOf(ActorContainer.Props(), "scripts");
            foreach (var script in config.VrrpScripts)
            {
                _scripts.Tell(new ActorContainer.Create(ScriptProps(script, g), ActorNames.Safe(script.Name)));
            }

            _trackFiles = Context.ActorOf(ActorContainer.Props(), "track-files");
            foreach (var file in config.TrackFiles)
            {
                _trackFiles.Tell(new ActorContainer.Create(TrackFileProps(file), ActorNames.Safe(file.Name)));
            }

            // Links before instances: an instance subscribes to its interfaces when it starts.
            Context.ActorOf(LinkMonitor.Props(), "links");
            _io = Context.ActorOf(VrrpSocketActor.Props(), "vrrp-io");
            _vrrp = Context.ActorOf(ActorContainer.Props(), "vrrp");
            foreach (var (name, isImplicit, members) in Groups(config))
            {
                foreach (var member in members)
                {
                    _running[InstanceKey.Of(member)] = (name, ActorNames.Safe(member.Name));
                }

                _vrrp.Tell(new ActorContainer.Create(GroupProps(name, isImplicit, members, g, config), ActorNames.Safe(name)));
            }
        }

        if (_options.RunCheckers && config.VirtualServers.Count > 0)
        {
            // Health checking runs whether or not the kernel has IPVS; /ipvs says which.
            _ipvs = Context.ActorOf(IpvsActor.Props(new IpvsActor.Settings(!_options.DontReleaseIpvs, config.VirtualServerGroups)), "ipvs");
            var ipvs = _ipvs;
            var check = _check = Context.ActorOf(ActorContainer.Props(), "check");
            var settings = VirtualServerActor.Settings.Default with { DefaultUser = g.ScriptUser };
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var vs in config.VirtualServers)
            {
                var name = ActorNames.Safe(VirtualServerName(vs));
                while (!names.Add(name))
                {
                    name += "_";
                }

                _virtualServers.Add(name);
                _virtualServerKeys[name] = ConfigDiff.VirtualServerKey(vs, config);
                check.Tell(new ActorContainer.Create(VirtualServerActor.Props(vs, ipvs, settings), name));
            }
        }

        _watcher = ConfigWatcher.Start(_loaded.Files.Count > 0 ? _loaded.Files : [_options.ConfigFile], Self, _loaded.ReadAt);
        try
        {
            Context.ActorOf(ControlActor.Props(_options.EffectiveControlSocket, Self), "control");
        }
        catch (Exception e) when (e is IOException or SocketException or UnauthorizedAccessException)
        {
            // The node runs without its CLI rather than not at all.
            _log.Error("control socket {0} unavailable: {1}", _options.EffectiveControlSocket, e.Message);
        }
        if (_options.MetricsAddress is { } metrics && MetricsActor.ParseAddress(metrics) is { } endpoint)
        {
            try
            {
                Context.ActorOf(MetricsActor.Props(MetricsActor.Listen(endpoint), Self), "metrics");
            }
            catch (SocketException e)
            {
                // Like the control socket: the node runs without its metrics rather than not at all, and says so.
                _log.Error("metrics address {0} unavailable: {1}", metrics, e.Message);
            }
        }

        _log.Debug("[NODE] scheduler {0}", Context.System.Scheduler.GetType().Name);
        foreach (var outcome in Hosting.VrrpThreads.Results)
        {
            _log.Info("{0}", outcome);
        }

        _log.Info("Startup complete");
        Self.Tell(LogTree.Instance);
    }

    protected override void PostStop() => _watcher?.Dispose();

    /// <summary>
    /// A reload's virtual_servers, by name (address:port, fwmark-N or group-NAME): a new one starts checking, a
    /// removed one stops (its service leaves IPVS), a changed one is replaced (service removed, then added as now
    /// written); an unchanged one keeps its checkers' state.
    /// </summary>
    private void ReloadVirtualServers(KeepalivedConfig next)
    {
        if (!_options.RunCheckers)
        {
            return;
        }

        var wanted = new List<(string Name, VirtualServer Vs, string Key)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var vs in next.VirtualServers)
        {
            var name = ActorNames.Safe(VirtualServerName(vs));
            while (!names.Add(name))
            {
                name += "_";
            }

            wanted.Add((name, vs, ConfigDiff.VirtualServerKey(vs, next)));
        }

        if (wanted.Count > 0 && _check.IsNobody())
        {
            _ipvs = Context.ActorOf(IpvsActor.Props(new IpvsActor.Settings(!_options.DontReleaseIpvs, next.VirtualServerGroups)), "ipvs");
            _check = Context.ActorOf(ActorContainer.Props(), "check");
        }
        else if (!_ipvs.IsNobody())
        {
            _ipvs.Tell(new IpvsDesired.UpdateGroups(next.VirtualServerGroups));
        }

        var settings = VirtualServerActor.Settings.Default with { DefaultUser = next.GlobalDefs.ScriptUser };
        foreach (var gone in _virtualServerKeys.Keys.Except(names).ToList())
        {
            _log.Info("virtual_server {0} removed by the reload", gone);
            _check.Tell(new ActorContainer.StopChild(gone));
            _virtualServerKeys.Remove(gone);
        }

        foreach (var (name, vs, key) in wanted)
        {
            if (_virtualServerKeys.TryGetValue(name, out var old) && old == key)
            {
                continue;
            }

            _log.Info("virtual_server {0} {1} by the reload", name, _virtualServerKeys.ContainsKey(name) ? "changed" : "added");
            _virtualServerKeys[name] = key;
            _check.Tell(new ActorContainer.Replace(VirtualServerActor.Props(vs, _ipvs, settings), name));
        }

        _virtualServers.Clear();
        _virtualServers.AddRange(wanted.Select(w => w.Name));
    }

    private static string VirtualServerName(VirtualServer vs) =>
        vs.Group is { } group ? $"group-{group}" : vs.Fwmark is { } mark ? $"fwmark-{mark}" : $"{vs.Address}:{vs.Port}";

    private static Props ScriptProps(VrrpScript script, GlobalDefs globals) =>
        TrackScriptActor.Props(script, globals.EnableScriptSecurity, globals.ScriptUser);

    private static Props TrackFileProps(VrrpTrackFile file) =>
        TrackFileActor.Props(new TrackFileActor.Settings(file, TrackFileActor.Settings.DefaultReread));

    private Props GroupProps(string name, bool isImplicit, IReadOnlyList<VrrpInstance> members, GlobalDefs globals, KeepalivedConfig config) =>
        SyncGroupActor.Props(new SyncGroupActor.Settings(name, isImplicit, members, globals, _io, _kernel, _notifier)
        {
            GroupNotify = config.SyncGroups.FirstOrDefault(g => g.Name == name)?.Notify ?? NotifyScripts.None,
            SmtpAlert = config.SyncGroups.FirstOrDefault(g => g.Name == name)?.SmtpAlert ?? globals.SmtpAlertVrrp ?? globals.SmtpAlert ?? false,
        });

    /// <summary>Each vrrp_sync_group with its members, then one implicit group per instance outside every group.</summary>
    private static IEnumerable<(string Name, bool Implicit, IReadOnlyList<VrrpInstance> Members)> Groups(KeepalivedConfig config)
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

    private void OnReload(Reload r)
    {
        var requester = Sender;
        if (_reloading || _stopRequester is not null)
        {
            requester.Tell(new ReloadResult(false, [], "a reload or stop is already in progress; try again"));
            return;
        }

        _reloading = true;
        _systemd?.Reloading($"reloading ({r.Reason})");
        _log.Info("Reloading configuration ({0})", r.Reason);
        var file = _options.ConfigFile;
        var id = _options.EffectiveConfigId;
        _reloadReadAt = DateTime.UtcNow;
        // Compiling a large configuration takes a few hundred milliseconds: off the actor thread.
        Task.Run(() => ConfigCompiler.Compile(file, new ConfigCompileOptions(ConfigId: id)))
            .PipeTo(Self, success: result => new Compiled(result, requester, r.Reason));
    }

    private void OnCompiled(Compiled c)
    {
        var result = c.Result;
        foreach (var d in result.Diagnostics)
        {
            if (d.Severity == Severity.Warning)
            {
                _log.Warning("{0}", d.ToString());
            }
            else
            {
                _log.Error("{0}", d.ToString());
            }
        }

        if (result.ExitCode != 0)
        {
            var errors = result.Diagnostics.Count(d => d.Severity != Severity.Warning);
            var summary = $"reload rejected: {errors} error(s) in the new configuration; the running configuration stays";
            _log.Error("{0}", summary);
            _reloading = false;
            CountReload(false);
            c.Requester.Tell(new ReloadResult(false, result.Diagnostics, summary));
            return;
        }

        var plan = ConfigDiff.Compute(_loaded.Config, result.Config);
        foreach (var line in plan.Restarted)
        {
            _log.Warning("{0}", line);
        }

        ReloadVirtualServers(result.Config);
        if (plan.StaticChanged)
        {
            _log.Warning("static_ipaddress / static_routes changed: they are applied at the next start, not by a reload");
        }

        _watcher?.Dispose();
        _watcher = ConfigWatcher.Start(result.Files, Self, _reloadReadAt);
        var next = result.Config;
        var removals = plan.Removed
            .Where(r => _running.ContainsKey(InstanceKey.Of(r.Instance)))
            .Select(r =>
            {
                var (group, actor) = _running[InstanceKey.Of(r.Instance)];
                return _vrrp.Ask<SyncGroupActor.MemberRemoved>(new ActorContainer.Forward(ActorNames.Safe(group), new SyncGroupActor.RemoveMember(actor)), TimeSpan.FromSeconds(15));
            })
            .ToList();
        // New instances may reuse a VRID on the same link as a removed one: add them only once the removals are done.
        Task.WhenAll(removals)
            .ContinueWith(_ => new RemovalsDone(plan, next, c.Requester, result.Diagnostics), TaskScheduler.Default)
            .PipeTo(Self);
    }

    private void OnRemovalsDone(RemovalsDone done)
    {
        var plan = done.Plan;
        ApplyScripts(_loaded.Config, done.Next);
        ApplyTrackFiles(_loaded.Config, done.Next);
        foreach (var (instance, _) in plan.Removed)
        {
            if (_running.Remove(InstanceKey.Of(instance), out var where) && !_running.Values.Any(v => v.Group == where.Group))
            {
                // The group has no member left (an implicit group, or a sync group emptied by the reload).
                _vrrp.Tell(new ActorContainer.StopChild(ActorNames.Safe(where.Group)));
            }
        }

        foreach (var kept in plan.Kept.Where(k => k.Changed))
        {
            if (_running.TryGetValue(InstanceKey.Of(kept.New), out var where))
            {
                _vrrp.Tell(new ActorContainer.Forward(ActorNames.Safe(where.Group), new SyncGroupActor.ReconfigureMember(where.ActorName, kept.New)));
            }
        }

        foreach (var (instance, group) in plan.Added)
        {
            var actorName = ActorNames.Safe(instance.Name);
            while (_running.Values.Any(v => v.Group == group && v.ActorName == actorName))
            {
                actorName += "_";
            }

            var groupExists = _running.Values.Any(v => v.Group == group);
            _running[InstanceKey.Of(instance)] = (group, actorName);
            var isImplicit = !done.Next.SyncGroups.Any(s => s.Name == group);
            // A group created by the reload starts empty and gets its members like any added member.
            _vrrp.Tell(new ActorContainer.EnsureAndForward(
                groupExists ? null : GroupProps(group, isImplicit, [], done.Next.GlobalDefs, done.Next),
                ActorNames.Safe(group),
                new SyncGroupActor.AddMember(instance, actorName)));
        }

        _loaded = new LoadedConfig(done.Next, done.Diagnostics, _loaded.Files);
        _reloading = false;
        CountReload(true);
        var summary = $"configuration reloaded: {plan}";
        _log.Info("{0}", summary);
        done.Requester.Tell(new ReloadResult(true, done.Diagnostics, summary));
    }

    private void CountReload(bool applied)
    {
        _systemd?.Ready(applied ? "running, configuration reloaded" : "running, last reload rejected (the previous configuration stays)");
        _reloads++;
        _reloadsFailed += applied ? 0 : 1;
        _lastReloadSucceeded = applied;
        _lastReloadAt = DateTimeOffset.UtcNow;
    }

    /// <summary>vrrp_script changes: a changed script keeps its actor (and its trackers), new ones start, deleted ones stop.</summary>
    private void ApplyScripts(KeepalivedConfig running, KeepalivedConfig next)
    {
        if (_scripts.IsNobody())
        {
            return;
        }

        var old = running.VrrpScripts.ToDictionary(s => s.Name, StringComparer.Ordinal);
        foreach (var script in next.VrrpScripts)
        {
            if (!old.Remove(script.Name, out var before))
            {
                _scripts.Tell(new ActorContainer.Create(ScriptProps(script, next.GlobalDefs), ActorNames.Safe(script.Name)));
            }
            else if (before with { Location = SourceLocation.None } != script with { Location = SourceLocation.None })
            {
                _scripts.Tell(new ActorContainer.Forward(ActorNames.Safe(script.Name), new TrackScriptActor.Reconfigure(script)));
            }
        }

        foreach (var gone in old.Keys)
        {
            _scripts.Tell(new ActorContainer.StopChild(ActorNames.Safe(gone)));
        }
    }

    /// <summary>track_file changes, as for vrrp_script: a changed block keeps its actor and trackers.</summary>
    private void ApplyTrackFiles(KeepalivedConfig running, KeepalivedConfig next)
    {
        if (_trackFiles.IsNobody())
        {
            return;
        }

        var old = running.TrackFiles.ToDictionary(s => s.Name, StringComparer.Ordinal);
        foreach (var file in next.TrackFiles)
        {
            if (!old.Remove(file.Name, out var before))
            {
                _trackFiles.Tell(new ActorContainer.Create(TrackFileProps(file), ActorNames.Safe(file.Name)));
            }
            else if (before with { Location = SourceLocation.None } != file with { Location = SourceLocation.None })
            {
                _trackFiles.Tell(new ActorContainer.Forward(ActorNames.Safe(file.Name), new TrackFileActor.Reconfigure(file)));
            }
        }

        foreach (var gone in old.Keys)
        {
            _trackFiles.Tell(new ActorContainer.StopChild(ActorNames.Safe(gone)));
        }
    }

    /// <summary>The CLI's verbs (status, tree, reload), answered without blocking this actor.</summary>
    private void OnControl(ControlRequest request)
    {
        var replyTo = Sender;
        switch (request.Verb)
        {
            case "status":
                StatusResponse().PipeTo(replyTo);
                break;
            case "tree":
                Self.Ask<ActorTree.TreeNode>(ActorTree.DescribeTree.Instance, TimeSpan.FromSeconds(5))
                    .ContinueWith(t => t.IsCompletedSuccessfully
                        ? new ControlResponse(true, string.Join('\n', ActorTree.Render(t.Result)))
                        : new ControlResponse(false, "the actor tree did not answer in 5 s"), TaskScheduler.Default)
                    .PipeTo(replyTo);
                break;
            case "reload":
                Self.Ask<ReloadResult>(new Reload("actorha reload"), TimeSpan.FromSeconds(60))
                    .ContinueWith(t => t.IsCompletedSuccessfully
                        ? new ControlResponse(t.Result.Applied, string.Join('\n', t.Result.Diagnostics.Select(d => d.ToString()).Append(t.Result.Summary)))
                        : new ControlResponse(false, "reload did not finish in 60 s"), TaskScheduler.Default)
                    .PipeTo(replyTo);
                break;
            case "switchover":
            case "maintenance":
                Maintenance(request, replyTo);
                break;
            default:
                replyTo.Tell(new ControlResponse(false, $"unknown request '{request.Verb}'"));
                break;
        }
    }

    /// <summary>
    /// switchover NAME [release]: the instance's whole sync group hands over (or is released); maintenance on|off:
    /// every instance of this node. Each instance answers with its new state.
    /// </summary>
    private void Maintenance(ControlRequest request, IActorRef replyTo)
    {
        var args = request.Args ?? [];
        IEnumerable<KeyValuePair<InstanceKey, (string Group, string ActorName)>> targets;
        bool on;
        if (request.Verb == "maintenance")
        {
            if (args.Count != 1 || args[0] is not ("on" or "off"))
            {
                replyTo.Tell(new ControlResponse(false, "usage: actorha maintenance on|off"));
                return;
            }

            on = args[0] == "on";
            targets = _running;
        }
        else
        {
            var instance = args.Count > 0 ? _loaded.Config.VrrpInstances.FirstOrDefault(i => i.Name == args[0]) : null;
            if (instance is null || !_running.TryGetValue(InstanceKey.Of(instance), out var where))
            {
                replyTo.Tell(new ControlResponse(false, $"no vrrp_instance '{(args.Count > 0 ? args[0] : "")}' on this node; instances: {string.Join(", ", _loaded.Config.VrrpInstances.Select(i => i.Name))}"));
                return;
            }

            if (args.Count == 3 && args[1] == "to")
            {
                SwitchoverTo(instance, where.Group, where.ActorName, args[2], replyTo);
                return;
            }

            on = !(args.Count > 1 && args[1] == "release");
            targets = _running.Where(kv => kv.Value.Group == where.Group);
        }

        var asks = targets
            .Select(kv => Context.ActorSelection(_vrrp.Path / ActorNames.Safe(kv.Value.Group) / kv.Value.ActorName)
                .Ask<ControlResponse>(new VrrpInstanceActor.Maintenance(on), TimeSpan.FromSeconds(5)))
            .ToList();
        Task.WhenAll(asks)
            .ContinueWith(t => t.IsCompletedSuccessfully
                ? new ControlResponse(true, string.Join('\n', t.Result.Select(r => r.Text)))
                : new ControlResponse(false, "an instance did not answer in 5 s"), TaskScheduler.Default)
            .PipeTo(replyTo);
    }

    /// <summary>
    /// switchover NAME --to PEER: asks the instance what it knows of its peers, hands over (the whole sync group) only
    /// when <see cref="SwitchoverTarget"/> says PEER wins the election that follows, then waits for the new master's
    /// adverts and reports who took over. Everything after the first ask runs off this actor's thread.
    /// </summary>
    private void SwitchoverTo(Config.Model.VrrpInstance instance, string group, string actorName, string peer, IActorRef replyTo)
    {
        if (!System.Net.IPAddress.TryParse(peer, out var target))
        {
            replyTo.Tell(new ControlResponse(false, $"--to {peer}: not an IP address (name the peer by the address it advertises from)"));
            return;
        }

        var subject = Context.ActorSelection(_vrrp.Path / ActorNames.Safe(group) / actorName);
        var members = _running.Where(kv => kv.Value.Group == group)
            .Select(kv => Context.ActorSelection(_vrrp.Path / ActorNames.Safe(kv.Value.Group) / kv.Value.ActorName))
            .ToList();
        var unicastPeers = instance.UnicastPeer.Select(p => p.Address).ToList();
        // The new master's first adverts arrive within Skew_Time plus an interval or two of the resignation.
        var patience = TimeSpan.FromSeconds(2) + (3 * instance.AdvertInt);
        SwitchoverToAsync(instance.Name, subject, members, unicastPeers, target, patience).PipeTo(replyTo);
    }

    private static async Task<ControlResponse> SwitchoverToAsync(
        string name, ActorSelection subject, IReadOnlyList<ActorSelection> members, IReadOnlyList<System.Net.IPAddress> unicastPeers, System.Net.IPAddress target, TimeSpan patience)
    {
        var ask = TimeSpan.FromSeconds(5);
        try
        {
            var before = await subject.Ask<VrrpInstanceActor.Status>(VrrpInstanceActor.GetStatus.Instance, ask).ConfigureAwait(false);
            var decision = SwitchoverTarget.Decide(name, before.State, before.SourceAddress, before.MasterAddress, before.Peers, unicastPeers, target, DateTimeOffset.UtcNow);
            if (decision.Verdict != SwitchoverTarget.Verdict.Proceed)
            {
                return new ControlResponse(decision.Verdict == SwitchoverTarget.Verdict.AlreadyMaster, decision.Text);
            }

            var answers = await Task.WhenAll(members.Select(m => m.Ask<ControlResponse>(new VrrpInstanceActor.Maintenance(true), ask))).ConfigureAwait(false);
            var lines = new List<string> { decision.Text };
            lines.AddRange(answers.Select(a => a.Text));
            var deadline = DateTime.UtcNow + patience;
            while (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100).ConfigureAwait(false);
                var now = await subject.Ask<VrrpInstanceActor.Status>(VrrpInstanceActor.GetStatus.Instance, ask).ConfigureAwait(false);
                if (now.MasterAddress is { } master && !master.Equals(now.SourceAddress) && now.State != Protocol.StateMachine.VrrpState.Master)
                {
                    var ok = master.Equals(target);
                    lines.Add(ok
                        ? $"({name}) {master} took over"
                        : $"({name}) {master} took over, not {target}: a peer this node had not heard outranks {target}. This node stays BACKUP until `actorha switchover {name} --release`");
                    return new ControlResponse(ok, string.Join('\n', lines));
                }
            }

            lines.Add($"({name}) no new master heard within {patience.TotalSeconds:F0} s; this node stays BACKUP until `actorha switchover {name} --release`");
            return new ControlResponse(false, string.Join('\n', lines));
        }
        catch (AskTimeoutException)
        {
            return new ControlResponse(false, $"({name}) the instance did not answer in {ask.TotalSeconds:F0} s");
        }
    }

    private Task<ControlResponse> StatusResponse() =>
        GatherStatus().ContinueWith(
            t => t.IsCompletedSuccessfully
                ? new ControlResponse(true, StatusText.Render(t.Result), JsonSerializer.SerializeToElement(t.Result, ControlActor.Json))
                : new ControlResponse(false, $"status incomplete: {t.Exception?.GetBaseException().Message}"),
            TaskScheduler.Default);

    /// <summary>
    /// Asks every instance, script and virtual server for its status (5 s each) and assembles the answers off this
    /// actor's thread. A script or virtual server that does not answer is left out rather than failing the whole.
    /// </summary>
    private Task<NodeStatus> GatherStatus()
    {
        var instances = _running
            .Select(kv => Context.ActorSelection(_vrrp.Path / ActorNames.Safe(kv.Value.Group) / kv.Value.ActorName)
                .Ask<VrrpInstanceActor.Status>(VrrpInstanceActor.GetStatus.Instance, TimeSpan.FromSeconds(5)))
            .ToList();
        var scripts = _scripts.IsNobody()
            ? []
            : _loaded.Config.VrrpScripts
                .Select(s => Context.ActorSelection(_scripts.Path / ActorNames.Safe(s.Name)).Ask<TrackScriptActor.Status>(TrackScriptActor.GetStatus.Instance, TimeSpan.FromSeconds(5)))
                .ToList();
        var virtualServers = _virtualServers
            .Select(n => Context.ActorSelection(_check.Path / n).Ask<VirtualServerActor.Status>(VirtualServerActor.GetStatus.Instance, TimeSpan.FromSeconds(5)))
            .ToList();
        var explicitGroups = _loaded.Config.SyncGroups.Select(g => g.Name).ToHashSet(StringComparer.Ordinal);
        var groups = _running.GroupBy(kv => kv.Value.Group)
            .Where(g => explicitGroups.Contains(g.Key))
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(kv => kv.Value.ActorName).ToList(), StringComparer.Ordinal);
        var node = new NodeStatus.NodeInfo(
            typeof(NodeSupervisor).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
            _options.ConfigFile,
            _startedAt,
            _reloads,
            _reloadsFailed,
            _lastReloadSucceeded,
            _lastReloadAt);
        var sockets = _io.IsNobody()
            ? Task.FromResult<IReadOnlyList<VrrpSocketActor.SocketStatus>>([])
            : _io.Ask<IReadOnlyList<VrrpSocketActor.SocketStatus>>(VrrpSocketActor.GetStatus.Instance, TimeSpan.FromSeconds(5));
        return Task.WhenAll(instances.Cast<Task>().Concat(scripts).Concat(virtualServers).Append(sockets)).ContinueWith(
            _ =>
            {
                if (instances.FirstOrDefault(t => !t.IsCompletedSuccessfully) is not null)
                {
                    throw new TimeoutException("an instance did not answer in 5 s");
                }

                return new NodeStatus(
                    node,
                    instances.Select(t => t.Result).OrderBy(s => s.Name, StringComparer.Ordinal).ToList(),
                    groups,
                    scripts.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result).ToList(),
                    virtualServers.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result).ToList())
                {
                    Sockets = sockets.IsCompletedSuccessfully ? sockets.Result : [],
                };
            },
            TaskScheduler.Default);
    }

    private void OnStop()
    {
        _stopRequester = Sender;

        // The virtual servers' shutdown must not empty the table before /ipvs decides (release, or keep with -I).
        _ipvs.Tell(IpvsActor.Freeze.Instance);
        var groups = _running.Values.Select(v => v.Group).Distinct().ToList();
        if (_vrrp.IsNobody() || groups.Count == 0)
        {
            DrainAndReply();
            return;
        }

        _log.Info("Stopping");
        foreach (var group in groups)
        {
            _stoppingGroups.Add(group);
            Context.ActorSelection(_vrrp.Path / ActorNames.Safe(group)).Tell(SyncGroupActor.Stop.Instance);
        }
    }

    private void DrainAndReply()
    {
        var replyTo = _stopRequester ?? Context.System.DeadLetters;
        _notifier.Ask<Notifier.Drained>(Notifier.Drain.Instance, TimeSpan.FromSeconds(10))
            .ContinueWith(_ => Stopped.Instance, TaskScheduler.Default)
            .PipeTo(replyTo);
    }

    // A child that throws is restarted: the notifier and the I/O actors hold no state worth more than the
    // process staying up. Instance actors are supervised by their group (they restart into BACKUP).
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(maxNrOfRetries: 10, withinTimeRange: TimeSpan.FromMinutes(1), localOnlyDecider: _ => Directive.Restart);
}
