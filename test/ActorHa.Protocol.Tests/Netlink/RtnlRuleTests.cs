using System.Buffers.Binary;
using System.Net;
using ActorHa.Protocol.Netlink;

namespace ActorHa.Protocol.Tests.Netlink;

/// <summary>
/// RTM_NEWRULE / RTM_DELRULE requests (linux/fib_rules.h): the 12-byte fib_rule_hdr, then FRA_* attributes. That the
/// kernel accepts them is shown end to end (KernelStateTests: `ip rule show` in the namespace).
/// </summary>
public sealed class RtnlRuleTests
{
    private static Dictionary<ushort, byte[]> Attributes(byte[] message)
    {
        var attributes = new Dictionary<ushort, byte[]>();
        var offset = 16 + 12;
        while (offset + 4 <= message.Length)
        {
            var length = BinaryPrimitives.ReadUInt16LittleEndian(message.AsSpan(offset));
            var type = BinaryPrimitives.ReadUInt16LittleEndian(message.AsSpan(offset + 2));
            attributes[type] = message.AsSpan(offset + 4, length - 4).ToArray();
            offset += (length + 3) & ~3;
        }

        return attributes;
    }

    [Fact]
    public void Add_rule_from_a_vip_to_a_table_with_preference()
    {
        var rule = new RtnlRule(2, IPAddress.Parse("192.0.2.100"), 32, Table: 100, Preference: 1000);
        var m = RtnlMessages.Rule(add: true, rule, 7);

        Assert.Equal(m.Length, BinaryPrimitives.ReadInt32LittleEndian(m));
        Assert.Equal(RtnlMessages.RtmNewRule, BinaryPrimitives.ReadUInt16LittleEndian(m.AsSpan(4)));
        // NLM_F_REQUEST | NLM_F_ACK | NLM_F_EXCL | NLM_F_CREATE, as `ip rule add` sends.
        Assert.Equal(0x605, BinaryPrimitives.ReadUInt16LittleEndian(m.AsSpan(6)));
        Assert.Equal(7u, BinaryPrimitives.ReadUInt32LittleEndian(m.AsSpan(8)));
        // family AF_INET, dst_len 0, src_len 32, tos 0, table 100, res, res, action FR_ACT_TO_TBL; flags 0.
        Assert.Equal(new byte[] { 2, 0, 32, 0, 100, 0, 0, 1, 0, 0, 0, 0 }, m.AsSpan(16, 12).ToArray());
        var a = Attributes(m);
        Assert.Equal(new byte[] { 192, 0, 2, 100 }, a[2]); // FRA_SRC
        Assert.Equal(1000u, BinaryPrimitives.ReadUInt32LittleEndian(a[6])); // FRA_PRIORITY
        Assert.Equal(100u, BinaryPrimitives.ReadUInt32LittleEndian(a[15])); // FRA_TABLE
        Assert.False(a.ContainsKey(1));
    }

    [Fact]
    public void Delete_rule_with_destination_interfaces_fwmark_and_a_table_above_255()
    {
        var rule = new RtnlRule(10, To: IPAddress.Parse("2001:db8::"), ToLength: 32, Table: 1000, InputInterface: "eth0", OutputInterface: "eth1", FwMark: 0x10, FwMask: 0xff);
        var m = RtnlMessages.Rule(add: false, rule, 1);

        Assert.Equal(RtnlMessages.RtmDelRule, BinaryPrimitives.ReadUInt16LittleEndian(m.AsSpan(4)));
        Assert.Equal(0x5, BinaryPrimitives.ReadUInt16LittleEndian(m.AsSpan(6)));
        // A table number above 255 only fits FRA_TABLE: the header's byte is RT_TABLE_UNSPEC.
        Assert.Equal(new byte[] { 10, 32, 0, 0, 0, 0, 0, 1 }, m.AsSpan(16, 8).ToArray());
        var a = Attributes(m);
        Assert.Equal(IPAddress.Parse("2001:db8::").GetAddressBytes(), a[1]); // FRA_DST
        Assert.Equal("eth0\0"u8.ToArray(), a[3]); // FRA_IIFNAME
        Assert.Equal("eth1\0"u8.ToArray(), a[17]); // FRA_OIFNAME
        Assert.Equal(0x10u, BinaryPrimitives.ReadUInt32LittleEndian(a[10])); // FRA_FWMARK
        Assert.Equal(0xffu, BinaryPrimitives.ReadUInt32LittleEndian(a[16])); // FRA_FWMASK
        Assert.Equal(1000u, BinaryPrimitives.ReadUInt32LittleEndian(a[15])); // FRA_TABLE
    }

    [Fact]
    public void Family_follows_the_addresses_and_defaults_to_ipv4()
    {
        Assert.Equal(10, RtnlMessages.RuleFamily(null, IPAddress.Parse("2001:db8::1")));
        Assert.Equal(2, RtnlMessages.RuleFamily(IPAddress.Parse("192.0.2.1"), null));
        Assert.Equal(2, RtnlMessages.RuleFamily(null, null));
    }
}
