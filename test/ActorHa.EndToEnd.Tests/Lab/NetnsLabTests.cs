namespace ActorHa.EndToEnd.Tests.Lab;

/// <summary>The lab itself: hosts reach each other over the bridge, and nothing leaks into the root namespace.</summary>
public sealed class NetnsLabTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void Hosts_and_client_share_one_segment_and_dispose_removes_every_namespace()
    {
        string[] namespaces;
        var rootLinksBefore = NetnsLab.Run("ip", ["-o", "link", "show"]);
        using (var lab = NetnsLab.Create(2, output))
        {
            namespaces = [lab.Switch, .. lab.Hosts.Select(h => h.Namespace), lab.Client.Namespace];
            lab.Client.Sh($"ping -c1 -W2 {lab.Hosts[0].IPv4}");
            lab.Hosts[0].Sh($"ping -c1 -W2 {lab.Hosts[1].IPv4}");
            lab.Hosts[1].Sh($"ping -6 -c1 -W2 {lab.Client.IPv6}");
            Assert.True(lab.Hosts[0].HasAddress("192.0.2.11"));
            Assert.Equal(rootLinksBefore, NetnsLab.Run("ip", ["-o", "link", "show"]));
        }

        var left = NetnsLab.Run("ip", ["netns", "list"]);
        Assert.All(namespaces, ns => Assert.DoesNotContain(ns, left, StringComparison.Ordinal));
    }
}
