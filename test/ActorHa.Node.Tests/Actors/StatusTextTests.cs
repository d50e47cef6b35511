using System.Net;
using ActorHa.Node.Actors;
using ActorHa.Protocol.StateMachine;

namespace ActorHa.Node.Tests.Actors;

public sealed class StatusTextTests
{
    [Fact]
    public void Status_text_shows_instances_peers_scripts_and_real_servers_with_their_checkers()
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(1_763_865_600);
        var instance = new VrrpInstanceActor.Status(
            "VI_1", VrrpState.Backup, 90, 100, -10, "eth0", 51, IPAddress.Parse("192.0.2.12"), ["192.0.2.100/24"], false, 1, 40,
            new Dictionary<string, long> { ["wrong password"] = 2 }, null, [])
        {
            Peers = [new VrrpInstanceActor.PeerSeen(IPAddress.Parse("192.0.2.12"), 200, at)],
        };
        var script = new TrackScriptActor.Status("chk", false, -10, 5, 2, 3, 1, null);
        var rs = new RealServerActor.Status("[192.0.2.21]:tcp:80", false, 2, [new RealServerActor.CheckerStatus("TCP_CHECK", false, 0, 7, 4, "connection refused")]);
        var vs = new VirtualServerActor.Status("[192.0.2.100]:tcp:80", false, 0, 1, true, [rs]);
        var node = new NodeStatus.NodeInfo("1.0.0", "/etc/keepalived/keepalived.conf", at, 0, 0, true, null);

        var text = StatusText.Render(new NodeStatus(node, [instance], new Dictionary<string, IReadOnlyList<string>>(), [script], [vs]));

        Assert.Equal(
            """
            VI_1: BACKUP, priority 90 (base 100, tracking -10), VRID 51 on eth0
              master: 192.0.2.12
              VIPs not held: 192.0.2.100/24
              adverts: sent 1, received 40, dropped: wrong password 2
              peers heard: 192.0.2.12 priority 200
            vrrp_script chk: KO, weight -10, runs 5 (succeeded 2, failed 3, timed out 1)
            virtual_server [192.0.2.100]:tcp:80: quorum down (alive weight 0, quorum 1), 0/1 real servers alive, sorry server in
              real_server [192.0.2.21]:tcp:80: DOWN, weight 2
                TCP_CHECK: down, 7 check(s), 4 failed, last error: connection refused
            """.ReplaceLineEndings("\n"),
            text);
    }
}
