using System.Net;
using ActorHa.Protocol.Vrrp;

namespace ActorHa.Protocol.Tests.Vrrp;

/// <summary>The receive path runs for every advert on the segment: a valid one must not allocate.</summary>
public sealed class VrrpCodecAllocationTests
{
    private const int Rounds = 1000;

    [Fact]
    public void Parse_of_a_valid_IPv4_advert_allocates_nothing()
    {
        var datagram = VrrpGolden.Bytes(VrrpGolden.V2TwoAddresses);
        var options = new VrrpParseOptions { ExpectedAuth = VrrpAuth.None };
        var probe = IPAddress.Parse("198.51.100.7");

        // xunit's Assert.Equal allocates a comparer, so the loop only counts and the asserts come after it.
        var found = 0;
        var allocated = Measure(() =>
        {
            if (!VrrpCodec.TryParseIPv4Datagram(datagram, options, out var advert, out _, out _, out _))
            {
                return;
            }

            foreach (var address in advert.GetAddresses(datagram))
            {
                found += address.Length;
            }

            found += advert.GetAddresses(datagram).Contains(probe) ? 1 : 0;
        });

        Assert.Equal(2 * Rounds * 9, found);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Parse_of_a_valid_IPv6_payload_allocates_nothing()
    {
        var payload = VrrpGolden.Bytes(VrrpGolden.V3IPv6Payload);
        var source = IPAddress.Parse("fe80::1");
        var group = IPAddress.Parse("ff02::12");

        var parsed = 0;
        var allocated = Measure(() =>
            parsed += VrrpCodec.TryParseIPv6Payload(payload, 255, source, group, VrrpParseOptions.Default, out _, out _) ? 1 : 0);

        Assert.Equal(2 * Rounds, parsed);

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Build_allocates_nothing()
    {
        var buffer = new byte[64];
        IPAddress[] addresses = [IPAddress.Parse("192.0.2.100"), IPAddress.Parse("198.51.100.7")];
        var source = IPAddress.Parse("192.0.2.1");
        var group = IPAddress.Parse("224.0.0.18");
        var spec = new VrrpAdvertSpec(VrrpVersion.V3, VrrpAddressFamily.IPv4, 51, 100, 100);

        var allocated = Measure(() => VrrpCodec.BuildAdvert(buffer, spec, addresses, source, group));

        Assert.Equal(0, allocated);
    }

    private static long Measure(Action action)
    {
        // Warm up first so tiering and first-call initialisation are not counted.
        for (var i = 0; i < Rounds; i++)
        {
            action();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Rounds; i++)
        {
            action();
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
