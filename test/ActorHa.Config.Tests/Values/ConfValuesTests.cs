using System.Globalization;
using System.Net;
using ActorHa.Config.Binding;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace ActorHa.Config.Tests.Values;

public sealed class ConfValuesTests
{
    [Property]
    public bool Any_dotted_quad_parses_to_itself(byte a, byte b, byte c, byte d)
    {
        var text = $"{a}.{b}.{c}.{d}";
        return ConfValues.TryParseIp(text, out var ip) && ip.ToString() == text;
    }

    [Property]
    public bool Prefix_lengths_up_to_32_parse_and_beyond_do_not(byte length)
    {
        var ok = ConfValues.TryParsePrefix($"192.0.2.1/{length}", out var prefix);
        return length <= 32 ? ok && prefix.PrefixLength == length : !ok;
    }

    [Property]
    public Property Whole_and_fractional_seconds_parse_to_microseconds()
    {
        var gen = Gen.Choose(0, 100_000).Zip(Gen.Choose(0, 999_999));
        return Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var text = string.Create(CultureInfo.InvariantCulture, $"{t.Item1}.{t.Item2:D6}");
            return ConfValues.TryParseSeconds(text, out var value)
                && value == TimeSpan.FromSeconds(t.Item1) + TimeSpan.FromTicks(t.Item2 * 10L);
        });
    }

    [Theory]
    [InlineData("192.168.100.")]
    [InlineData("10.1")]
    [InlineData("1")]
    [InlineData("256.1.1.1")]
    [InlineData("fe80::1%eth0")]
    [InlineData("")]
    [InlineData("a.b.c.d")]
    public void Addresses_inet_pton_rejects_are_rejected(string text) => Assert.False(ConfValues.TryParseIp(text, out _));

    [Theory]
    [InlineData("2001:db8::1")]
    [InlineData("::")]
    [InlineData("ff02::12")]
    public void IPv6_addresses_parse(string text)
    {
        Assert.True(ConfValues.TryParseIp(text, out var ip));
        Assert.Equal(IPAddress.Parse(text), ip);
    }

    [Theory]
    [InlineData("1e3")]
    [InlineData("-1")]
    [InlineData(".5")]
    [InlineData("1.")]
    [InlineData("1,5")]
    public void Seconds_are_plain_decimals(string text) => Assert.False(ConfValues.TryParseSeconds(text, out _));

    [Theory]
    [InlineData("192.0.2.3-2")]
    [InlineData("192.0.2.3-256")]
    [InlineData("192.0.2.3-")]
    public void Ranges_must_go_up_within_the_last_byte(string text) => Assert.False(ConfValues.TryParseRange(text, out _, out _));

    [Theory]
    [InlineData("priorty", "priority", 1)]
    [InlineData("advert_itn", "advert_int", 1)]
    [InlineData("virtual_routerid", "virtual_router_id", 1)]
    [InlineData("abc", "abc", 0)]
    public void Distance_counts_a_transposition_as_one(string a, string b, int distance) =>
        Assert.Equal(distance, BlockKeywords.Distance(a, b));
}
