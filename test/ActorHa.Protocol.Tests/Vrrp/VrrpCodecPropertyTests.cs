using System.Net;
using ActorHa.Protocol.Vrrp;
using FsCheck.Xunit;

namespace ActorHa.Protocol.Tests.Vrrp;

public sealed class VrrpCodecPropertyTests
{
    private static readonly IPAddress Source4 = IPAddress.Parse("192.0.2.1");
    private static readonly IPAddress Group4 = IPAddress.Parse("224.0.0.18");
    private static readonly IPAddress Source6 = IPAddress.Parse("fe80::1");
    private static readonly IPAddress Group6 = IPAddress.Parse("ff02::12");

    [Property(MaxTest = 1000)]
    public void Parse_never_throws_on_arbitrary_bytes(byte[] bytes, byte ttl, bool asV2, bool expectAuth)
    {
        bytes ??= [];
        var options = new VrrpParseOptions { V3ChecksumAsV2 = asV2, ExpectedAuth = expectAuth ? VrrpAuth.SimpleText("1234") : null };

        Parse(bytes, ttl, options);

        // Random bytes rarely get past the IP header; make them look like one so the VRRP checks run too.
        if (bytes.Length >= 20)
        {
            bytes[0] = 0x45;
            bytes[2] = 0;
            bytes[3] = (byte)bytes.Length;
            bytes[9] = 112;
            bytes[8] = 255;
            Parse(bytes, ttl, options);
        }
    }

    [Property(MaxTest = 1000)]
    public void Parse_never_throws_on_mutated_adverts(byte index, byte value, bool golden3)
    {
        var bytes = VrrpGolden.Bytes(golden3 ? VrrpGolden.V3IPv6Packet : VrrpGolden.V2TwoAddresses);
        bytes[index % bytes.Length] = value;

        Parse(bytes, 255, VrrpParseOptions.Default);
    }

    [Property(MaxTest = 500)]
    public bool Build_then_parse_is_the_identity(
        bool v3, bool ipv6, byte vrid, byte priority, ushort interval, int seed, byte count, bool asV2, string? password)
    {
        var family = ipv6 ? VrrpAddressFamily.IPv6 : VrrpAddressFamily.IPv4;
        var version = v3 || ipv6 ? VrrpVersion.V3 : VrrpVersion.V2;
        var adverInt = version == VrrpVersion.V2 ? (ushort)(interval & 0xFF) : (ushort)(interval & VrrpCodec.MaxAdverIntV3);
        var auth = version == VrrpVersion.V2 && password is not null ? VrrpAuth.SimpleText(password) : VrrpAuth.None;
        var addresses = RandomAddresses(family, count % 40, seed);
        var spec = new VrrpAdvertSpec(version, family, vrid, priority, adverInt) { Auth = auth, V3ChecksumAsV2 = asV2 };
        var options = new VrrpParseOptions { V3ChecksumAsV2 = asV2, ExpectedAuth = auth };
        var buffer = new byte[VrrpCodec.Ipv4HeaderLength + VrrpCodec.MessageLength(version, family, addresses.Length)];

        VrrpAdvert advert;
        string? error;
        bool parsed;
        if (ipv6)
        {
            var length = VrrpCodec.BuildAdvert(buffer, spec, addresses, Source6, Group6);
            parsed = VrrpCodec.TryParseIPv6Payload(buffer.AsSpan(0, length), 255, Source6, Group6, options, out advert, out error);
        }
        else
        {
            var length = VrrpCodec.BuildIPv4Datagram(buffer, spec, addresses, Source4, Group4);
            parsed = VrrpCodec.TryParseIPv4Datagram(buffer.AsSpan(0, length), options, out advert, out _, out _, out error);
        }

        Assert.True(parsed, error);
        return advert.Version == version
            && advert.Family == family
            && advert.VirtualRouterId == vrid
            && advert.Priority == priority
            && advert.AdverInt == adverInt
            && advert.CountIPAddrs == addresses.Length
            && advert.AuthType == auth.Type
            && advert.AuthData == auth.Data
            && advert.GetAddresses(buffer).ToArray().SequenceEqual(addresses);
    }

    private static IPAddress[] RandomAddresses(VrrpAddressFamily family, int count, int seed)
    {
        var random = new Random(seed);
        var result = new IPAddress[count];
        var bytes = new byte[VrrpCodec.AddressLength(family)];
        for (var i = 0; i < count; i++)
        {
            random.NextBytes(bytes);
            result[i] = new IPAddress(bytes);
        }

        return result;
    }

    private static void Parse(byte[] bytes, byte ttl, VrrpParseOptions options)
    {
        if (VrrpCodec.TryParseIPv4Datagram(bytes, options, out var advert, out _, out _, out _))
        {
            _ = advert.GetAddresses(bytes).ToArray();
        }

        if (VrrpCodec.TryParseIPv6Payload(bytes, ttl, Source6, Group6, options, out advert, out _))
        {
            _ = advert.GetAddresses(bytes).ToArray();
        }

        _ = VrrpCodec.TryParseIPv6Datagram(bytes, options, out _, out _, out _, out _);
        _ = VrrpCodec.TryParseMessage(bytes, VrrpAddressFamily.IPv4, options, out _, out _);
        _ = VrrpCodec.TryParseMessage(bytes, VrrpAddressFamily.IPv6, options, out _, out _);
    }
}
