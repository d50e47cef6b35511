using System.Net;
using System.Net.Sockets;
using ActorHa.Config.Model;

namespace ActorHa.Node.Diagnostics;

/// <summary>
/// <c>actorha doctor</c>'s checks in order: interfaces, sysctls, firewall (nftables, and iptables when it is the
/// legacy one), then a listen window on the configured interfaces (VRID collisions, peers never heard).
/// </summary>
internal static class Doctor
{
    /// <summary>The interfaces to check and, per interface, the adverts' families and destinations.</summary>
    public static IReadOnlyList<VrrpPacket> Packets(KeepalivedConfig? config, IHostProbe host)
    {
        var packets = new List<VrrpPacket>();
        if (config is null || config.VrrpInstances.Count == 0)
        {
            foreach (var facts in host.Interfaces().Where(f => f.Up && f.Multicast && f.Name != "lo"))
            {
                packets.AddRange(Multicast(facts.Name, false, Peer(facts, false)));
                packets.AddRange(Multicast(facts.Name, true, Peer(facts, true)));
            }

            return packets;
        }

        foreach (var instance in config.VrrpInstances.Where(i => i.Interface is not null))
        {
            var ipv6 = instance.Family == AddressFamily.InterNetworkV6;
            var facts = host.Interface(instance.Interface!);
            if (instance.IsUnicast)
            {
                var local = instance.UnicastSrcIp
                    ?? facts?.Addresses.Select(a => a.Address).FirstOrDefault(a => a.AddressFamily == instance.Family && !a.IsIPv6LinkLocal)
                    ?? (ipv6 ? IPAddress.IPv6Loopback : IPAddress.Loopback);
                foreach (var peer in instance.UnicastPeer)
                {
                    packets.Add(new VrrpPacket(true, ipv6, instance.Interface!, local, peer.Address));
                    packets.Add(new VrrpPacket(false, ipv6, instance.Interface!, peer.Address, local));
                }
            }
            else
            {
                packets.AddRange(Multicast(instance.Interface!, ipv6, facts is null ? null : Peer(facts, ipv6)));
            }
        }

        return packets.Distinct().ToList();
    }

    private static IEnumerable<VrrpPacket> Multicast(string name, bool ipv6, IPAddress? peer)
    {
        var group = IPAddress.Parse(ipv6 ? "ff02::12" : "224.0.0.18");
        yield return new VrrpPacket(true, ipv6, name, group, peer);
        yield return new VrrpPacket(false, ipv6, name, group, peer);
    }

    /// <summary>Peers on a segment send from an address of the interface's subnet (IPv6: link-local): stand in with ours.</summary>
    private static IPAddress? Peer(InterfaceFacts facts, bool ipv6) =>
        facts.Addresses.Select(a => a.Address).FirstOrDefault(a => ipv6 ? a.IsIPv6LinkLocal : a.AddressFamily == AddressFamily.InterNetwork);

    /// <summary>Reads the rulesets through nft and, when iptables is the legacy one (not nf_tables, whose rules nft already lists), iptables-save.</summary>
    public static IEnumerable<Finding> Firewall(IReadOnlyList<VrrpPacket> packets)
    {
        var findings = new List<Finding>();
        var (jsonExit, json) = Tool.Run("nft", ["-j", "list", "ruleset"]);
        if (jsonExit == 0)
        {
            var (_, listing) = Tool.Run("nft", ["-a", "list", "ruleset"]);
            findings.AddRange(FirewallRuleset.ParseNft(json, listing).Check(packets));
        }
        else if (jsonExit > 0)
        {
            findings.Add(new Finding(Severity.Warning, "firewall", "cannot read the nftables ruleset, so it was not checked", $"nft -j list ruleset: {json.Trim()}", "run actorha doctor as root"));
        }

        var (versionExit, version) = Tool.Run("iptables", ["-V"]);
        if (versionExit == 0 && !version.Contains("nf_tables", StringComparison.Ordinal))
        {
            foreach (var (save, ipv6) in new[] { ("iptables-save", false), ("ip6tables-save", true) })
            {
                var (exit, text) = Tool.Run(save, []);
                if (exit == 0)
                {
                    findings.AddRange(FirewallRuleset.ParseIptablesSave(text, ipv6).Check(packets.Where(p => p.IPv6 == ipv6).ToList()));
                }
            }
        }

        return findings;
    }

    /// <summary>After the listen window: instances whose VRID nobody advertised (their peers are silent or blocked).</summary>
    public static IEnumerable<Finding> Silence(KeepalivedConfig config, string interfaceName, IReadOnlyList<SegmentSender> table, TimeSpan window)
    {
        foreach (var instance in config.VrrpInstances.Where(i => i.Interface == interfaceName))
        {
            var family = instance.Family == AddressFamily.InterNetworkV6 ? Protocol.Vrrp.VrrpAddressFamily.IPv6 : Protocol.Vrrp.VrrpAddressFamily.IPv4;
            var heard = table.Where(r => r.VirtualRouterId == instance.VirtualRouterId && r.Family == family && r.Adverts > 0).ToList();
            var peers = instance.UnicastPeer.Select(p => p.Address).ToList();
            if (heard.Count == 0)
            {
                yield return new Finding(Severity.Warning, "peer",
                    $"no advert for {instance.Name} (VRID {instance.VirtualRouterId}) heard on {interfaceName} in {window.TotalSeconds:0.#} s"
                    + (peers.Count > 0 ? $" from unicast_peer {string.Join(',', peers)}" : "")
                    + ": no master is up, a firewall on the way drops its adverts, or this host is the master (its own adverts are not looped back)",
                    table.Count == 0 ? $"no adverts at all on {interfaceName}" : $"heard on {interfaceName}: VRID(s) {string.Join(',', table.Select(r => r.VirtualRouterId).Distinct().Order())}",
                    $"run `actorha doctor` on the peer(s) too; `actorha watch {interfaceName}` there shows whether it sends");
            }
            else if (peers.Count > 0)
            {
                var strangers = heard.Where(r => !peers.Contains(r.Source)).Select(r => r.Source).ToList();
                if (strangers.Count > 0)
                {
                    yield return new Finding(Severity.Warning, "peer",
                        $"{instance.Name} (VRID {instance.VirtualRouterId}) hears adverts from {string.Join(',', strangers)}, which is not one of its unicast_peer {string.Join(',', peers)}",
                        string.Join('\n', heard.Select(r => $"{r.Source} prio {r.Priority}")),
                        "add the sender to unicast_peer, or give the other group another virtual_router_id");
                }
            }
        }
    }
}
