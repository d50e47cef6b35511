using System.Net;
using ActorHa.Protocol.StateMachine;
using ActorHa.Protocol.Vrrp;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace ActorHa.Protocol.Tests.StateMachine;

/// <summary>Invariants over random configurations and random event sequences.</summary>
public sealed class VrrpStateMachineProperties
{
    // Weighted so that runs reach Master and Fault often and Shutdown (after which nothing happens) rarely.
    private static readonly Gen<VrrpEvent> Events = Gen.Frequency(
        (10, Gen.Constant<VrrpEvent>(Startup.Instance)),
        (80, from priority in Gen.Choose(0, 255)
             from sender in Gen.Elements("192.0.2.1", "192.0.2.2", "192.0.2.9")
             from intervalCs in Gen.Elements(0, 50, 100, 200, 5000)
             select (VrrpEvent)new AdvertReceived(IPAddress.Parse(sender), (byte)priority, intervalCs)),
        (30, Gen.Elements<VrrpEvent>(
            MasterDownTimerFired.Instance, AdverTimerFired.Instance, PreemptDelayTimerFired.Instance, GarpDelayTimerFired.Instance,
            GarpRefreshTimerFired.Instance)),
        (20, Gen.Choose(-300, 300).Select(weight => (VrrpEvent)new PriorityChanged(weight))),
        (10, Gen.Constant<VrrpEvent>(new FaultRaised("tracked script chk"))),
        (10, Gen.Constant<VrrpEvent>(FaultCleared.Instance)),
        (1, Gen.Constant<VrrpEvent>(Shutdown.Instance)));

    private static readonly Gen<VrrpInstanceConfig> Configs =
        from priority in Gen.Choose(1, 255)
        from version in Gen.Elements(VrrpVersion.V2, VrrpVersion.V3)
        from intervalCs in Gen.Elements(100, 200)
        from flags in Gen.Choose(0, 127)
        select new VrrpInstanceConfig
        {
            Name = "VI_1",
            VirtualRouterId = 51,
            Version = version,
            Priority = (byte)priority,
            AdvertisementIntervalCs = intervalCs,
            PrimaryAddress = IPAddress.Parse("192.0.2.2"),
            Preempt = (flags & 1) != 0,
            PreemptDelay = (flags & 2) != 0 ? TimeSpan.FromSeconds(2) : TimeSpan.Zero,
            InitialStateMaster = (flags & 4) != 0,
            LowerPriorityNoAdvert = (flags & 8) != 0,
            HigherPrioritySendAdvert = (flags & 16) != 0,
            AdoptMasterAdvertInterval = (flags & 32) != 0,
            GarpMasterRefresh = (flags & 64) != 0 ? TimeSpan.FromSeconds(60) : TimeSpan.Zero,
        };

    private static readonly Arbitrary<(VrrpInstanceConfig Config, List<VrrpEvent> Events)> Scenarios =
        Configs.Zip(Events.ListOf().Select(e => e.ToList())).ToArbitrary();

    [Property(MaxTest = 500)]
    public Property Machine_is_total_and_keeps_its_invariants() => Prop.ForAll(Scenarios, scenario =>
    {
        var now = VirtualSegment.Epoch;
        var state = VrrpInstanceState.Initial(scenario.Config, now);
        bool vipsAdded = false;
        foreach (var evt in scenario.Events)
        {
            now += TimeSpan.FromMilliseconds(100);
            var step = VrrpStateMachine.Handle(state, evt, now);
            var transitions = step.Effects.OfType<Transition>().ToList();

            if (state.State == VrrpState.Stopped)
            {
                Assert.Empty(step.Effects);
            }

            if (state.State == VrrpState.Fault && step.State.State == VrrpState.Fault)
            {
                Assert.DoesNotContain(step.Effects, e => e is SendAdvert);
            }

            Assert.True(transitions.Count <= 1, "one transition per step");
            if (transitions is [var t])
            {
                Assert.Equal(state.State, t.From);
                Assert.Equal(step.State.State, t.To);
                Assert.Equal(new Notify(t.To, t.Reason), step.Effects[^1]);
            }
            else
            {
                Assert.Equal(state.State, step.State.State);
            }

            foreach (var effect in step.Effects)
            {
                vipsAdded = effect switch
                {
                    AddVips => true,
                    RemoveVips => false,
                    _ => vipsAdded,
                };
            }

            Assert.Equal(step.State.State == VrrpState.Master, vipsAdded);
            Assert.InRange(step.State.Priority, VrrpPriority.Minimum, scenario.Config.IsAddressOwner ? VrrpPriority.Owner : VrrpPriority.MaximumBackup);
            Assert.All(step.Effects.OfType<ArmTimer>(), arm => Assert.True(arm.Delay >= TimeSpan.Zero));
            state = step.State;
        }
    });
}
