using System.Globalization;
using ActorHa.Config.Model;
using ActorHa.Node.Checks;
using ActorHa.Node.Logging;
using ActorHa.Node.Scripts;
using Akka.Actor;
using Akka.Event;
using ActorHa.Protocol.Logging;

namespace ActorHa.Node.Actors;

/// <summary>
/// /check/&lt;vs&gt;: one virtual_server. Its RealServerActor children say when a real server lives, dies or
/// changes weight; this actor owns what follows from that: keepalived's log lines, the quorum (with hysteresis,
/// quorum_up/quorum_down, the sorry_server standing in while quorum is lost), inhibit_on_failure, and the IPVS
/// state it wants, sent as <see cref="IpvsDesired"/> messages to the kernel side. The pool it last asked for is
/// kept, so every change is sent as the difference from it.
/// </summary>
internal sealed class VirtualServerActor : ReceiveActor
{
    /// <summary>
    /// Settings shared by the checkers: the script timeout and default script_user of global_defs, and how checkers
    /// are built (tests may substitute them).
    /// </summary>
    public sealed record Settings(TimeSpan ScriptTimeout, ScriptUser? DefaultUser, Func<CheckerSettings, IHealthChecker> CheckerFactory)
    {
        public static readonly Settings Default = new(TimeSpan.FromSeconds(30), null, HealthCheckers.Create);

        public ScriptCommand Command(NotifyScript script) =>
            ScriptCommand.Parse(script.Command, script.User ?? DefaultUser?.User, script.User is null ? DefaultUser?.Group : script.Group);
    }

    private sealed record ScriptDone(string What, ScriptResult Result);

    public sealed record GetStatus
    {
        public static readonly GetStatus Instance = new();

        private GetStatus()
        {
        }
    }

    /// <summary>A virtual server as status and metrics show it, with its real servers in configuration order.</summary>
    public sealed record Status(string Name, bool QuorumUp, long AliveWeight, long Quorum, bool SorryServerIn, IReadOnlyList<RealServerActor.Status> RealServers);

    private sealed class Member(RealServer config, string name, IpvsDesired.Destination destination, bool inhibit, bool alive)
    {
        public RealServer Config { get; } = config;

        public string Name { get; } = name;

        public IpvsDesired.Destination Destination { get; } = destination;

        public bool Inhibit { get; } = inhibit;

        public bool Alive { get; set; } = alive;

        public int Weight { get; set; } = config.Weight;
    }

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly VirtualServer _vs;
    private readonly IActorRef _ipvs;
    private readonly Settings _settings;
    private readonly IpvsDesired.ServiceKey _key;
    private readonly string _name;
    private readonly Dictionary<IActorRef, Member> _members = [];
    private readonly List<Member> _order = [];
    private readonly Dictionary<IpvsDesired.Destination, int> _pool = [];
    private readonly IpvsDesired.Destination? _sorry;
    private readonly string _sorryName = "";
    private bool _quorumUp;

    public VirtualServerActor(VirtualServer vs, IActorRef ipvs, Settings settings)
    {
        _vs = vs;
        _ipvs = ipvs;
        _settings = settings;
        _key = IpvsDesired.ServiceKey.Of(vs);
        _name = CheckerSettings.VirtualServerName(vs);
        if (vs.SorryServer is { } sorry)
        {
            var port = sorry.Port ?? vs.Port ?? 0;
            _sorry = new IpvsDesired.Destination(sorry.Address, port, sorry.LvsMethod ?? vs.LvsMethod);
            _sorryName = CheckerSettings.ServiceName(sorry.Address, vs.Protocol, port);
        }

        Receive<RealServerActor.StateChanged>(OnStateChanged);
        Receive<ScriptDone>(done => LogScript(_log, done.What, done.Result));
        Receive<GetStatus>(_ => ReplyStatus());
        Receive<ActorTree.DescribeTree>(_ => ActorTree.Reply(Context, Describe()));
    }

    public static Props Props(VirtualServer vs, IActorRef ipvs, Settings settings) =>
        Akka.Actor.Props.Create(() => new VirtualServerActor(vs, ipvs, settings));

    /// <summary>The alive weight keepalived compares with the quorum.</summary>
    public long AliveWeight => _order.Where(m => m.Alive).Sum(m => (long)m.Weight);

    internal static void LogScript(ILoggingAdapter log, string what, ScriptResult result)
    {
        if (result.StartError is not null)
        {
            log.Warning("{0} script failed to start: {1}", what, result.StartError);
        }
        else if (result.TimedOut)
        {
            log.Warning("{0} script timed out after {1:F1}s and was killed", what, result.Duration.TotalSeconds);
        }
    }

    protected override void PreStart()
    {
        _ipvs.Tell(new IpvsDesired.AddService(_key, _vs));
        var children = new List<(Member Member, IReadOnlyList<CheckerSettings> Checkers)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rs in _vs.RealServers)
        {
            var port = rs.Port ?? _vs.Port ?? 0;
            var name = CheckerSettings.ServiceName(rs.Address, _vs.Protocol, port);
            var checkers = new List<CheckerSettings>();
            foreach (var checker in rs.Checkers)
            {
                if (CheckerSettings.IsSupported(checker.Kind))
                {
                    var settings = CheckerSettings.Resolve(_vs, rs, checker);

                    // A misc_path without its own user runs as global_defs' script_user, like every other script.
                    if (settings.MiscPath is { User: null } misc && _settings.DefaultUser is { } user)
                    {
                        settings = settings with { MiscPath = misc with { User = user.User, Group = user.Group } };
                    }

                    checkers.Add(settings);
                }
                else
                {
                    _log.Warning("{0}: {1} is not supported, service {2} is checked without it", checker.Location, checker.Kind, name);
                }
            }

            var member = new Member(
                rs,
                name,
                new IpvsDesired.Destination(rs.Address, port, rs.LvsMethod ?? _vs.LvsMethod),
                rs.InhibitOnFailure ?? _vs.InhibitOnFailure ?? false,
                RealServerActor.InitiallyAlive(checkers));
            _order.Add(member);
            children.Add((member, checkers));
        }

        // keepalived decides the quorum before the checkers start, so a pool that starts alive gains it at once.
        Evaluate();
        if (!_quorumUp)
        {
            _ipvs.Tell(new IpvsDesired.ServiceQuorum(_key, false));
            if (_sorry is not null)
            {
                _log.Info("{0}", KeepalivedLog.AddingSorryServer(_sorryName, _name));
            }
        }

        SyncPool();
        _ipvs.Tell(new IpvsDesired.InitialPoolSent(_key));
        foreach (var (member, checkers) in children)
        {
            var actorName = ActorName(member.Destination, names);
            var child = Context.ActorOf(RealServerActor.Props(member.Config, member.Name, _name, checkers, Self, _settings), actorName);
            _members[child] = member;
            _log.Info("{0}", KeepalivedLog.ActivatingHealthchecker(member.Name, _name));
        }
    }

    protected override void PostStop()
    {
        foreach (var member in _order)
        {
            _log.Info("{0}", KeepalivedLog.ShuttingDown(member.Name, _name));
        }

        _ipvs.Tell(new IpvsDesired.RemoveService(_key));

        // omega: on shutdown the servers and the quorum go down, and their scripts say so. Nobody waits for them.
        if (_vs.Omega)
        {
            foreach (var member in _order.Where(m => m.Alive && m.Config.NotifyDown is not null))
            {
                _ = ScriptRunner.RunAsync(_settings.Command(member.Config.NotifyDown!), _settings.ScriptTimeout);
            }

            if (_vs.QuorumDown is { } quorumDown)
            {
                _ = ScriptRunner.RunAsync(_settings.Command(quorumDown), _settings.ScriptTimeout);
            }
        }
    }

    private void OnStateChanged(RealServerActor.StateChanged changed)
    {
        if (!_members.TryGetValue(Sender, out var member))
        {
            return;
        }

        if (changed.Alive != member.Alive)
        {
            _log.Info("{0}", (changed.Alive, member.Inhibit) switch
            {
                (true, true) => KeepalivedLog.EnablingService(member.Name, _name),
                (true, false) => KeepalivedLog.AddingService(member.Name, _name),
                (false, true) => KeepalivedLog.DisablingService(member.Name, _name),
                (false, false) => KeepalivedLog.RemovingService(member.Name, _name),
            });
        }

        member.Alive = changed.Alive;
        member.Weight = changed.Weight;
        Evaluate();
        SyncPool();
    }

    /// <summary>Applies <see cref="QuorumRule"/>; a change logs keepalived's line, runs the script and swaps the sorry server.</summary>
    private void Evaluate()
    {
        var weight = AliveWeight;
        var up = QuorumRule.Next(_quorumUp, weight, _vs.Quorum, _vs.Hysteresis);
        if (up == _quorumUp)
        {
            return;
        }

        _quorumUp = up;
        if (up)
        {
            _log.Info("{0}", KeepalivedLog.GainedQuorum(_vs.Quorum, _vs.Hysteresis, weight, _name));
        }
        else
        {
            _log.Info("{0}", KeepalivedLog.LostQuorum(_vs.Quorum, _vs.Hysteresis, weight, _name));
        }

        RunScript(up ? "quorum_up" : "quorum_down", up ? _vs.QuorumUp : _vs.QuorumDown);
        if (_sorry is not null)
        {
            _log.Info("{0}", up ? KeepalivedLog.RemovingSorryServer(_sorryName, _name) : KeepalivedLog.AddingSorryServer(_sorryName, _name));
            _log.Info("{0}", up ? KeepalivedLog.AddingAliveServers(_name) : KeepalivedLog.RemovingAliveServers(_name));
        }

        _ipvs.Tell(new IpvsDesired.ServiceQuorum(_key, up));
    }

    private void RunScript(string what, NotifyScript? script)
    {
        if (script is not null)
        {
            ScriptRunner.RunAsync(_settings.Command(script), _settings.ScriptTimeout).PipeTo(Self, success: r => new ScriptDone(what, r));
        }
    }

    /// <summary>
    /// The pool keepalived would have in IPVS now: alive servers at their weight, failed inhibit_on_failure servers
    /// at 0; while quorum is lost and a sorry server is set, the sorry server alone (inhibited servers stay at 0).
    /// </summary>
    private Dictionary<IpvsDesired.Destination, int> DesiredPool()
    {
        var sorryActive = !_quorumUp && _sorry is not null;
        var pool = new Dictionary<IpvsDesired.Destination, int>();
        foreach (var m in _order)
        {
            if (m.Alive && !sorryActive)
            {
                pool[m.Destination] = m.Weight;
            }
            else if (m.Inhibit)
            {
                pool[m.Destination] = 0;
            }
        }

        if (_sorry is not null && (sorryActive || _vs.SorryServer!.Inhibit))
        {
            pool[_sorry] = sorryActive ? 1 : 0;
        }

        return pool;
    }

    private void SyncPool()
    {
        var desired = DesiredPool();
        foreach (var (destination, _) in _pool.Where(p => !desired.ContainsKey(p.Key)).ToList())
        {
            _pool.Remove(destination);
            _ipvs.Tell(new IpvsDesired.RemoveDestination(_key, destination));
        }

        foreach (var (destination, weight) in desired)
        {
            if (!_pool.TryGetValue(destination, out var current))
            {
                var config = _order.FirstOrDefault(m => m.Destination == destination)?.Config;
                _ipvs.Tell(new IpvsDesired.AddDestination(_key, destination, weight, config?.Uthreshold, config?.Lthreshold));
            }
            else if (current != weight)
            {
                _ipvs.Tell(new IpvsDesired.EditWeight(_key, destination, weight));
            }

            _pool[destination] = weight;
        }
    }

    private static string ActorName(IpvsDesired.Destination destination, HashSet<string> taken)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"{destination.Address}:{destination.Port}");
        var unique = name;
        for (var n = 2; !taken.Add(unique); n++)
        {
            unique = string.Create(CultureInfo.InvariantCulture, $"{name}-{n}");
        }

        return unique;
    }

    /// <summary>Asks every real server for its checkers' state and answers once all did, never blocking this actor.</summary>
    private void ReplyStatus()
    {
        var head = new Status(_name, _quorumUp, AliveWeight, _vs.Quorum, _sorry is not null && !_quorumUp, []);
        var byActor = _members.ToList();
        var asks = byActor.Select(kv => kv.Key.Ask<RealServerActor.Status>(RealServerActor.GetStatus.Instance, TimeSpan.FromSeconds(3))).ToList();
        var order = _order.ToList();
        Task.WhenAll(asks).ContinueWith(
            t =>
            {
                // A real server that did not answer is shown from what this actor knows of it.
                var answers = byActor.Select((kv, i) => (kv.Value, Status: asks[i].IsCompletedSuccessfully
                    ? asks[i].Result
                    : new RealServerActor.Status(kv.Value.Name, kv.Value.Alive, kv.Value.Weight, []))).ToDictionary(a => a.Value, a => a.Status);
                return head with { RealServers = order.Select(m => answers[m]).ToList() };
            },
            TaskScheduler.Default).PipeTo(Sender);
    }

    private string Describe() =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{_name} quorum {(_quorumUp ? "up" : "down")} (alive weight {AliveWeight}, quorum {_vs.Quorum}, hysteresis {_vs.Hysteresis}), {_order.Count(m => m.Alive)}/{_order.Count} alive{(_sorry is not null && !_quorumUp ? ", sorry server in" : "")}");
}
