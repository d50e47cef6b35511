using ActorHa.Node.Cli;

namespace ActorHa.Node.Tests;

/// <summary>Console output is process-wide, so these tests run alone rather than beside other parallel tests.</summary>
[CollectionDefinition(nameof(ConsoleCollection), DisableParallelization = true)]
public sealed class ConsoleCollection;

[Collection(nameof(ConsoleCollection))]
public sealed class DecodeCommandTests
{
    private const string V2Datagram = "45c0002800000000ff701892c0000201e000001221336401010152ffc00002643132333400000000";

    private static (int ExitCode, string Out, string Error) Decode(params string[] args)
    {
        var originalOut = Console.Out;
        var originalError = Console.Error;
        using var output = new StringWriter();
        using var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            var exitCode = ActorHaCommand.Run(["decode", .. args]);
            return (exitCode, output.ToString().TrimEnd(), error.ToString().TrimEnd());
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalError);
        }
    }

    [Fact]
    public void Decode_prints_a_v2_datagram_as_tcpdump_does()
    {
        var (exitCode, output, _) = Decode(V2Datagram);

        Assert.Equal(0, exitCode);
        Assert.Equal(
            "192.0.2.1 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 100, authtype simple, intvl 1s, length 20, addrs: 192.0.2.100 auth \"1234\"",
            output);
    }

    [Fact]
    public void Decode_prints_a_bare_v2_message_with_two_addresses()
    {
        var (exitCode, output, _) = Decode("21 07 fe 02 00 03 f4 52 c0 00 02 64 c6 33 64 07 00 00 00 00 00 00 00 00");

        Assert.Equal(0, exitCode);
        Assert.Equal(
            "VRRPv2, Advertisement, vrid 7, prio 254, authtype none, intvl 3s, length 24, addrs(2): 192.0.2.100,198.51.100.7",
            output);
    }

    [Fact]
    public void Decode_prints_v3_intervals_in_centiseconds()
    {
        var (exitCode, output, _) = Decode("45c0002000000000ff70189ac0000201e00000123133640100640572c0000264");

        Assert.Equal(0, exitCode);
        Assert.Equal("192.0.2.1 > 224.0.0.18: VRRPv3, Advertisement, vrid 51, prio 100, intvl 100cs, length 12, addrs: 192.0.2.100", output);
    }

    [Fact]
    public void Decode_reads_a_bare_v3_IPv6_message()
    {
        var (exitCode, output, _) = Decode("3133640100643d8f20010db8000000000000000000000100");

        Assert.Equal(0, exitCode);
        Assert.Equal("VRRPv3, Advertisement, vrid 51, prio 100, intvl 100cs, length 24, addrs: 2001:db8::100", output);
    }

    [Fact]
    public void Decode_reads_tcpdump_xx_output_with_offsets_and_an_Ethernet_header()
    {
        const string tcpdump = """
                0x0000:  0100 5e00 0012 0000 5e00 0133 0800 45c0
                0x0010:  0028 0000 0000 ff70 1892 c000 0201 e000
                0x0020:  0012 2133 6401 0101 52ff c000 0264 3132
                0x0030:  3334 0000 0000
            """;

        var (exitCode, output, _) = Decode(tcpdump);

        Assert.Equal(0, exitCode);
        Assert.StartsWith("192.0.2.1 > 224.0.0.18: VRRPv2, Advertisement, vrid 51", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_tolerates_colons_and_0x_prefixes()
    {
        var (colons, _, _) = Decode(string.Join(':', Enumerable.Range(0, V2Datagram.Length / 2).Select(i => V2Datagram.Substring(i * 2, 2))));
        var (prefixed, _, _) = Decode(Enumerable.Range(0, V2Datagram.Length / 2).Select(i => "0x" + V2Datagram.Substring(i * 2, 2)).ToArray());

        Assert.Equal(0, colons);
        Assert.Equal(0, prefixed);
    }

    [Fact]
    public void Decode_reports_the_parse_reason_and_exits_1()
    {
        var ttl64 = V2Datagram[..16] + "40" + V2Datagram[18..];

        var (exitCode, output, error) = Decode(ttl64);

        Assert.Equal(1, exitCode);
        Assert.Equal("", output);
        Assert.Equal("invalid: TTL 64, expected 255", error);
    }

    [Fact]
    public void Decode_accepts_v3_checksum_as_v2_when_asked()
    {
        const string asV2 = "45c0002000000000ff70189ac0000201e0000012313364010064a802c0000264";

        Assert.Equal(1, Decode(asV2).ExitCode);
        Assert.Equal(0, Decode("--v3-checksum-as-v2", asV2).ExitCode);
    }

    [Theory]
    [InlineData("4g", "invalid: not hex: 'g' in \"4g\"")]
    [InlineData("213", "invalid: odd number of hex digits (3)")]
    [InlineData("2133", "invalid: too short: 2 bytes, a VRRP header needs 8")]
    public void Decode_reports_bad_input(string hex, string expected)
    {
        var (exitCode, _, error) = Decode(hex);

        Assert.Equal(1, exitCode);
        Assert.Equal(expected, error);
    }
}
