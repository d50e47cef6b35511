using System.Net;
using ActorHa.Node.Actors;
using ActorHa.Protocol.StateMachine;
using static ActorHa.Node.Actors.SwitchoverTarget;

namespace ActorHa.Node.Tests.Actors;

public sealed class SwitchoverTargetTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_763_865_600);
    private static readonly IPAddress Self = IPAddress.Parse("192.0.2.12");
    private static readonly IPAddress A = IPAddress.Parse("192.0.2.11");
    private static readonly IPAddress B = IPAddress.Parse("192.0.2.13");

    private static VrrpInstanceActor.PeerSeen Peer(IPAddress address, int priority) => new(address, priority, Now.AddSeconds(-30));

    private static Decision Decide(IPAddress target, VrrpInstanceActor.PeerSeen[] peers, IPAddress[]? unicast = null, VrrpState state = VrrpState.Master, IPAddress? master = null) =>
        SwitchoverTarget.Decide("VI_1", state, Self, master ?? (state == VrrpState.Master ? Self : null), peers, unicast ?? [], target, Now);

    [Fact]
    public void A_peer_heard_with_the_highest_priority_is_handed_the_instance()
    {
        var d = Decide(A, [Peer(A, 150), Peer(B, 100)]);
        Assert.Equal(Verdict.Proceed, d.Verdict);
        Assert.Equal("(VI_1) 192.0.2.11 last advertised priority 150, the highest heard (peers heard: 192.0.2.11 priority 150 30 s ago, 192.0.2.13 priority 100 30 s ago); a peer never heard advertising is not accounted for", d.Text);
    }

    [Fact]
    public void A_peer_outranked_by_another_heard_peer_is_refused_naming_the_one_that_would_win()
    {
        var d = Decide(A, [Peer(A, 100), Peer(B, 150)]);
        Assert.Equal(Verdict.Refused, d.Verdict);
        Assert.StartsWith("(VI_1) refused: 192.0.2.13 (priority 150) would take over, not 192.0.2.11 (priority 100): VRRP elects the highest priority.", d.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void On_equal_priority_the_higher_address_wins_as_in_rfc_5798()
    {
        Assert.Equal(Verdict.Refused, Decide(A, [Peer(A, 100), Peer(B, 100)]).Verdict);
        Assert.Equal(Verdict.Proceed, Decide(B, [Peer(A, 100), Peer(B, 100)]).Verdict);
    }

    [Fact]
    public void A_peer_never_heard_cannot_be_confirmed_because_backups_are_silent()
    {
        var d = Decide(A, [Peer(B, 100)]);
        Assert.Equal(Verdict.Refused, d.Verdict);
        Assert.Contains("cannot confirm that 192.0.2.11 would take over: backups do not advertise", d.Text, StringComparison.Ordinal);
        Assert.Contains("peers heard: 192.0.2.13 priority 100 30 s ago", d.Text, StringComparison.Ordinal);
        Assert.Contains("`actorha switchover VI_1` without --to", d.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_peer_whose_last_advert_was_a_resignation_has_no_known_priority()
    {
        Assert.Equal(Verdict.Refused, Decide(A, [Peer(A, 0)]).Verdict);
    }

    [Fact]
    public void The_only_unicast_peer_is_the_winner_and_an_address_outside_unicast_peer_is_refused()
    {
        Assert.Equal(Verdict.Proceed, Decide(A, [], unicast: [A]).Verdict);
        var d = Decide(B, [Peer(B, 200)], unicast: [A]);
        Assert.Equal(Verdict.Refused, d.Verdict);
        Assert.Equal("(VI_1) 192.0.2.13 is not a unicast_peer of this instance (unicast_peer: 192.0.2.11)", d.Text);
        Assert.Equal(Verdict.Refused, Decide(A, [Peer(A, 100), Peer(B, 150)], unicast: [A, B]).Verdict);
    }

    [Fact]
    public void Only_the_master_hands_over_and_a_backup_whose_master_is_the_target_has_nothing_to_do()
    {
        var d = Decide(A, [Peer(A, 150)], state: VrrpState.Backup, master: B);
        Assert.Equal(Verdict.Refused, d.Verdict);
        Assert.Equal("(VI_1) this node is BACKUP, not MASTER: run the switchover on the master (192.0.2.13)", d.Text);
        Assert.Equal(Verdict.AlreadyMaster, Decide(A, [Peer(A, 150)], state: VrrpState.Backup, master: A).Verdict);
        Assert.Equal(Verdict.Refused, Decide(Self, [Peer(A, 150)]).Verdict);
    }
}
