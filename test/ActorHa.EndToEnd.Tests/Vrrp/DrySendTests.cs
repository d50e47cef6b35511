using System.Net;
using System.Net.Sockets;
using ActorHa.EndToEnd.Tests.Lab;
using ActorHa.Node.Io;
using ActorHa.Node.Kernel;
using ActorHa.Protocol.Frames;
using ActorHa.Protocol.Netlink;
using ActorHa.Protocol.Vrrp;
using Xunit.Abstractions;

namespace ActorHa.EndToEnd.Tests.Vrrp;

/// <summary>
/// A backup rehearses its takeover a few milliseconds before Master_Down_Timer runs out by running the very send
/// methods its takeover runs, with <c>dry: true</c> (fd -1 at the syscall). On real sockets in a lab host: a dry
/// advert, a dry gratuitous ARP and a dry RTM_NEWADDR put nothing on the wire and change nothing in the kernel,
/// while the same calls without <c>dry</c> do (the control: the capture and the namespace would have seen them).
/// </summary>
[Collection("lab")]
public sealed class DrySendTests(ITestOutputHelper output)
{
    private static readonly IPAddress Group = IPAddress.Parse("224.0.0.18");
    private static readonly IPAddress Vip = IPAddress.Parse("192.0.2.100");

    [Fact]
    public async Task Dry_sends_run_the_send_code_but_reach_neither_the_wire_nor_the_kernel()
    {
        using var lab = NetnsLab.Create(1, output);
        var host = lab.Hosts[0];
        var mac = Convert.FromHexString(host.Sh("cat /sys/class/net/eth0/address").Trim().Replace(":", "", StringComparison.Ordinal));
        var (vrrp, packets, netlink, ifIndex) = host.InNamespace(() =>
        {
            var index = (int)Libc.IfNameToIndex("eth0");
            return (RawVrrpSocket.Open(AddressFamily.InterNetwork, "eth0", index, IPAddress.Parse(host.IPv4), Group), new PacketSocket(), new RouteNetlinkSocket(), index);
        });
        using var vrrpSocket = vrrp;
        using var packetSocket = packets;
        using var netlinkSocket = netlink;

        var advert = new byte[VrrpCodec.MessageLength(VrrpVersion.V2, VrrpAddressFamily.IPv4, 1)];
        VrrpCodec.BuildAdvert(advert, new VrrpAdvertSpec(VrrpVersion.V2, VrrpAddressFamily.IPv4, 51, 100, 1), [Vip]);
        var garp = new byte[64];
        var garpLength = GratuitousArp.Build(garp, mac, Vip);
        var addVip = RtnlMessages.Address(true, new RtnlAddress(Vip, 32, ifIndex), netlinkSocket.NextSequence());

        using var capture = lab.Capture(lab.Client, "vrrp or arp");
        vrrpSocket.Send(advert, Group, dry: true);
        Assert.Null(packetSocket.Send(ifIndex, garp.AsSpan(0, garpLength), dry: true));
        Assert.Equal(0, netlinkSocket.Request(addVip, BitConverter.ToUInt32(addVip, 8), dry: true));
        await Task.Delay(500);
        Assert.Empty(Packets(capture));
        Assert.False(host.HasAddress("192.0.2.100"), "a dry RTM_NEWADDR added the address");

        // The control: the same calls without dry are seen.
        vrrpSocket.Send(advert, Group);
        Assert.Null(packetSocket.Send(ifIndex, garp.AsSpan(0, garpLength)));
        Assert.Equal(0, netlinkSocket.Request(addVip, BitConverter.ToUInt32(addVip, 8)));
        Assert.True(await NetnsLab.WaitUntilAsync(() => Packets(capture).Count == 2, TimeSpan.FromSeconds(5)), string.Join("\n", capture.Lines));
        Assert.Contains(Packets(capture), l => l.Contains("VRRPv2", StringComparison.Ordinal) && l.Contains("vrid 51", StringComparison.Ordinal));
        Assert.Contains(Packets(capture), l => l.Contains("ARP", StringComparison.Ordinal) && l.Contains("192.0.2.100", StringComparison.Ordinal));
        Assert.True(host.HasAddress("192.0.2.100"));
    }

    private static List<string> Packets(LabProcess capture) =>
        capture.Lines.Where(l => l.Contains(" > ", StringComparison.Ordinal) || l.Contains("ARP", StringComparison.Ordinal)).ToList();
}
