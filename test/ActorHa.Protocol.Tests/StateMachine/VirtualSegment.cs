using System.Net;
using ActorHa.Protocol.StateMachine;

namespace ActorHa.Protocol.Tests.StateMachine;

/// <summary>
/// A LAN segment on virtual time: routers run the pure state machine, a priority queue holds their armed timers and
/// adverts in flight, and every advert a router sends reaches every other connected router after <see cref="Latency"/>.
/// Deterministic: equal times run in the order they were scheduled.
/// </summary>
internal sealed class VirtualSegment
{
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(1);

    private readonly PriorityQueue<Action, (TimeSpan At, long Order)> queue = new();
    private readonly List<SimulatedRouter> routers = [];
    private long order;

    public TimeSpan Now { get; private set; }

    public SimulatedRouter Add(string host, VrrpInstanceConfig config)
    {
        var router = new SimulatedRouter(this, host, config);
        routers.Add(router);
        return router;
    }

    /// <summary>Runs something (start a router, raise a fault...) at a virtual time.</summary>
    public void At(TimeSpan at, Action action) => Schedule(at, action);

    public void RunUntil(TimeSpan end)
    {
        while (queue.TryPeek(out _, out var key) && key.At <= end)
        {
            var action = queue.Dequeue();
            Now = key.At;
            action();
        }

        Now = end;
    }

    public IEnumerable<SimulatedRouter> Masters => routers.Where(r => r.State.State == VrrpState.Master);

    internal void Schedule(TimeSpan at, Action action) => queue.Enqueue(action, (at, order++));

    internal void Broadcast(SimulatedRouter sender, byte priority)
    {
        if (!sender.Connected)
        {
            return;
        }

        var advert = new AdvertReceived(sender.Config.PrimaryAddress, priority, sender.Config.AdvertisementIntervalCs);
        foreach (var receiver in routers.Where(r => r != sender))
        {
            Schedule(Now + Latency, () =>
            {
                if (receiver.Connected)
                {
                    receiver.Deliver(advert);
                }
            });
        }
    }
}

/// <summary>One router on a <see cref="VirtualSegment"/>: the machine's state plus what its effects did.</summary>
internal sealed class SimulatedRouter
{
    private readonly VirtualSegment segment;
    private readonly Dictionary<TimerName, long> timerGenerations = [];

    public SimulatedRouter(VirtualSegment segment, string host, VrrpInstanceConfig config)
    {
        this.segment = segment;
        Host = host;
        State = VrrpInstanceState.Initial(config, VirtualSegment.Epoch);
    }

    public string Host { get; }

    public VrrpInstanceConfig Config => State.Config;

    public VrrpInstanceState State { get; private set; }

    public bool VipsAdded { get; private set; }

    /// <summary>Unplugged routers neither send nor receive adverts.</summary>
    public bool Connected { get; set; } = true;

    public List<(TimeSpan At, string Line)> LogLines { get; } = [];

    public List<(TimeSpan At, VrrpState To)> Transitions { get; } = [];

    public List<(TimeSpan At, byte Priority)> AdvertsSent { get; } = [];

    public List<(TimeSpan At, int Repeat)> GarpsSent { get; } = [];

    /// <summary>When this router last became master, or null.</summary>
    public TimeSpan? BecameMasterAt => Transitions.LastOrDefault(t => t.To == VrrpState.Master) is { To: VrrpState.Master } t ? t.At : null;

    public void Deliver(VrrpEvent evt)
    {
        var step = VrrpStateMachine.Handle(State, evt, VirtualSegment.Epoch + segment.Now);
        State = step.State;
        foreach (var effect in step.Effects)
        {
            Apply(effect);
        }

        // Holds after every step, so every multi-router test checks it too.
        if ((State.State == VrrpState.Master) != VipsAdded)
        {
            throw new InvalidOperationException($"{Host} is {State.State} with VIPs added={VipsAdded} after {evt}");
        }
    }

    public void StartAt(TimeSpan at) => segment.At(at, () => Deliver(Startup.Instance));

    public void ShutdownAt(TimeSpan at) => segment.At(at, () => Deliver(Shutdown.Instance));

    private void Apply(VrrpEffect effect)
    {
        switch (effect)
        {
            case SendAdvert send:
                AdvertsSent.Add((segment.Now, send.Priority));
                segment.Broadcast(this, send.Priority);
                break;
            case ArmTimer arm:
                long generation = NextGeneration(arm.Timer);
                segment.Schedule(segment.Now + arm.Delay, () =>
                {
                    if (timerGenerations[arm.Timer] == generation)
                    {
                        Deliver(VrrpEvent.Fired(arm.Timer));
                    }
                });
                break;
            case CancelTimer cancel:
                NextGeneration(cancel.Timer);
                break;
            case AddVips:
                VipsAdded = true;
                break;
            case RemoveVips:
                VipsAdded = false;
                break;
            case SendGratuitousArp garp:
                GarpsSent.Add((segment.Now, garp.Repeat));
                break;
            case Transition transition:
                Transitions.Add((segment.Now, transition.To));
                if (transition.LogLine is { } line)
                {
                    LogLines.Add((segment.Now, line));
                }

                break;
            case Log log:
                LogLines.Add((segment.Now, log.Text));
                break;
        }
    }

    private long NextGeneration(TimerName timer)
    {
        long generation = timerGenerations.GetValueOrDefault(timer) + 1;
        timerGenerations[timer] = generation;
        return generation;
    }

    public override string ToString() => $"{Host} {State.State} {State.Priority}";
}

/// <summary>Configurations for tests: VI_1, VRID 51, v2, advert_int 1, addresses in 192.0.2.0/24.</summary>
internal static class TestConfig
{
    public static VrrpInstanceConfig Instance(byte priority, string address = "192.0.2.1") => new()
    {
        Name = "VI_1",
        VirtualRouterId = 51,
        Priority = priority,
        PrimaryAddress = IPAddress.Parse(address),
    };

    public static TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(seconds);
}
