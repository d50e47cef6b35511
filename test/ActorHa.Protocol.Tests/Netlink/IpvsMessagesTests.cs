using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using ActorHa.Protocol.Netlink;

namespace ActorHa.Protocol.Tests.Netlink;

/// <summary>
/// The "IPVS" generic-netlink codec against real bytes: what ipvsadm 1.31 sends and what Debian 12's kernel (6.1)
/// answers, captured in the IPVS VM (Golden/ipvs-genl.txt, deploy/capture-ipvs-golden.sh).
/// </summary>
public sealed class IpvsMessagesTests
{
    private const ushort Family = 0x20;

    private static readonly Dictionary<string, byte[]> Captured = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Golden", "ipvs-genl.txt"))
        .Where(l => l.Length > 0 && l[0] != '#')
        .Select(l => l.Split(' '))
        .ToDictionary(p => p[0], p => Convert.FromHexString(p[1]));

    private static readonly IpvsServiceKey Web = IpvsServiceKey.Of(IpvsServiceKey.Tcp, IPAddress.Parse("192.0.2.10"), 8080);

    private static byte[] Payload(byte[] message)
    {
        Assert.Equal((uint)message.Length, BinaryPrimitives.ReadUInt32LittleEndian(message));
        return message[16..];
    }

    [Fact]
    public void Family_id_is_read_from_the_controllers_reply()
    {
        Assert.True(IpvsMessages.TryParseFamilyId(Captured["ctrl-newfamily-ipvs"], out var id, out var error), error);
        Assert.Equal(0x20, id);
    }

    [Fact]
    public void New_persistent_service_is_byte_for_byte_what_ipvsadm_sends()
    {
        var service = new IpvsService(Web, "rr", IpvsMessages.FlagPersistent, 300, IpvsMessages.Netmask(AddressFamily.InterNetwork, IPAddress.Parse("255.255.255.0")));
        var message = IpvsMessages.Service(true, service, Family, 42);

        Assert.Equal(Family, BinaryPrimitives.ReadUInt16LittleEndian(message.AsSpan(4)));
        Assert.Equal(RtnlMessages.NlmFRequest | RtnlMessages.NlmFAck, BinaryPrimitives.ReadUInt16LittleEndian(message.AsSpan(6)));
        Assert.Equal(42u, BinaryPrimitives.ReadUInt32LittleEndian(message.AsSpan(8)));
        Assert.Equal(Convert.ToHexString(Captured["ipvsadm-new-service-tcp-192.0.2.10-8080-rr-p300-M24"]), Convert.ToHexString(Payload(message)));
    }

    [Fact]
    public void New_fwmark_service_is_byte_for_byte_what_ipvsadm_sends()
    {
        var service = new IpvsService(IpvsServiceKey.OfFwmark(AddressFamily.InterNetwork, 7), "wlc", 0, 0, IpvsService.DefaultNetmask(AddressFamily.InterNetwork));
        Assert.Equal(Convert.ToHexString(Captured["ipvsadm-new-service-fwmark-7-wlc"]), Convert.ToHexString(Payload(IpvsMessages.Service(true, service, Family, 1))));
    }

    [Fact]
    public void Destination_dump_request_is_byte_for_byte_what_ipvsadm_sends()
    {
        var message = IpvsMessages.DumpDestinations(Web, Family, 5);
        Assert.Equal(RtnlMessages.NlmFRequest | IpvsMessages.NlmFDump, BinaryPrimitives.ReadUInt16LittleEndian(message.AsSpan(6)));
        Assert.Equal(Convert.ToHexString(Captured["ipvsadm-get-dest-dump-tcp-192.0.2.10-8080"]), Convert.ToHexString(Payload(message)));
    }

    [Fact]
    public void New_destination_carries_what_ipvsadm_sends_for_the_same_real_server()
    {
        var expected = new IpvsDestination(IPAddress.Parse("198.51.100.2"), 8080, IpvsForward.DirectRoute, 3, 100, 10);
        Assert.True(IpvsMessages.TryParseDestination(Captured["ipvsadm-new-dest-198.51.100.2-8080-dr-w3-x100-y10"], AddressFamily.InterNetwork, out var theirs, out var error), error);
        Assert.Equal(expected, theirs);

        var ours = Payload(IpvsMessages.Destination(true, Web, expected, Family, 9));
        Assert.Equal(IpvsMessages.CmdNewDest, ours[0]);
        Assert.Equal(IpvsMessages.Version, ours[1]);
        Assert.True(IpvsMessages.TryParseDestination(ours, AddressFamily.InterNetwork, out var parsed, out error), error);
        Assert.Equal(expected, parsed);
    }

    [Fact]
    public void Kernel_dump_of_a_persistent_service_reads_back_its_settings()
    {
        Assert.True(IpvsMessages.TryParseService(Captured["kernel-service-tcp-192.0.2.10-8080"], out var service, out var error), error);
        Assert.Equal(Web, service!.Key);
        Assert.Equal("rr", service.Scheduler);
        Assert.Equal(IpvsMessages.FlagPersistent | IpvsMessages.FlagHashed, service.Flags);
        Assert.Equal(300u, service.Timeout);
        Assert.Equal(IpvsMessages.Netmask(AddressFamily.InterNetwork, IPAddress.Parse("255.255.255.0")), service.Netmask);
        Assert.Equal("TCP  192.0.2.10:8080", service.Key.ToString());
    }

    [Fact]
    public void Kernel_dump_of_a_fwmark_service_reads_back_its_mark()
    {
        Assert.True(IpvsMessages.TryParseService(Captured["kernel-service-fwmark-7"], out var service, out var error), error);
        Assert.Equal(IpvsServiceKey.OfFwmark(AddressFamily.InterNetwork, 7), service!.Key);
        Assert.Equal("wlc", service.Scheduler);
        Assert.Equal(IpvsMessages.FlagHashed, service.Flags);
        Assert.Equal("FWM  7", service.Key.ToString());
    }

    [Fact]
    public void Kernel_dump_of_a_destination_reads_back_method_weight_and_thresholds()
    {
        Assert.True(IpvsMessages.TryParseDestination(Captured["kernel-dest-198.51.100.2-8080"], AddressFamily.InterNetwork, out var d, out var error), error);
        Assert.Equal(new IpvsDestination(IPAddress.Parse("198.51.100.2"), 8080, IpvsForward.DirectRoute, 3, 100, 10), d);
    }

    [Fact]
    public void Delete_destination_names_the_service_and_the_destination_only()
    {
        var message = IpvsMessages.DeleteDestination(Web, IPAddress.Parse("198.51.100.2"), 8080, Family, 3);
        var expected =
            "07010000" + // IPVS_CMD_DEL_DEST, version 1
            "30000180" + "0600010002000000" + "0600020006000000" + "14000300C000020A000000000000000000000000" + "06000400" + "1F900000" +
            "28000280" + "14000100C6336402000000000000000000000000" + "06000200" + "1F900000" + "06000B0002000000";
        Assert.Equal(expected, Convert.ToHexString(Payload(message)));
    }

    [Fact]
    public void Delete_service_names_only_the_service()
    {
        var message = IpvsMessages.DeleteService(IpvsServiceKey.OfFwmark(AddressFamily.InterNetworkV6, 9), Family, 3);
        Assert.Equal("03010000" + "1400" + "0180" + "0600010" + "00A000000" + "0800050009000000", Convert.ToHexString(Payload(message)));
    }

    [Fact]
    public void Ipv6_service_carries_its_address_and_prefix_length_granularity()
    {
        var key = IpvsServiceKey.Of(IpvsServiceKey.Udp, IPAddress.Parse("2001:db8::1"), 53);
        var service = new IpvsService(key, "sh", IpvsMessages.FlagSched1, 0, IpvsMessages.Netmask(AddressFamily.InterNetworkV6, IPAddress.Parse("ffff:ffff:ffff:ffff::")));
        Assert.Equal(64u, service.Netmask);
        var payload = Payload(IpvsMessages.Service(true, service, Family, 1));
        Assert.True(IpvsMessages.TryParseService(payload, out var parsed, out var error), error);
        Assert.Equal(service, parsed);
        Assert.Equal("UDP  [2001:db8::1]:53", parsed!.Key.ToString());
    }

    [Fact]
    public void Split_reads_each_message_of_a_dump_datagram()
    {
        var first = IpvsMessages.DumpServices(Family, 11);
        var second = IpvsMessages.DeleteService(Web, Family, 12);
        var datagram = first.Concat(second).ToArray();
        var parts = IpvsMessages.Split(datagram, datagram.Length).ToList();
        Assert.Equal(2, parts.Count);
        Assert.Equal((Family, (ushort)(RtnlMessages.NlmFRequest | IpvsMessages.NlmFDump), 11u), (parts[0].Type, parts[0].Flags, parts[0].Sequence));
        Assert.Equal(12u, parts[1].Sequence);
        Assert.Equal(second[16..], parts[1].Payload);
        Assert.Empty(IpvsMessages.Split(datagram, 10));
    }

    [Fact]
    public void A_message_without_the_service_attribute_is_rejected_with_a_reason()
    {
        Assert.False(IpvsMessages.TryParseService(new byte[] { 1, 1, 0, 0 }, out _, out var error));
        Assert.Equal("message without IPVS_CMD_ATTR_SERVICE", error);
        Assert.False(IpvsMessages.TryParseDestination(new byte[] { 5 }, AddressFamily.InterNetwork, out _, out error));
        Assert.Equal("message shorter than a genl header", error);
    }
}
