using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text;
using ActorHa.Protocol.Frames;
using ActorHa.Protocol.Vrrp;

namespace ActorHa.Node.Cli;

/// <summary>
/// <c>actorha decode HEX</c>: prints a captured advert as one tcpdump -v style line, or <c>invalid: reason</c>
/// with the same reason the node logs when it drops such an advert.
/// </summary>
internal static class DecodeCommand
{
    public static Command Create()
    {
        var hex = new Argument<string[]>("hex")
        {
            Description = "An IPv4/IPv6 datagram, an Ethernet frame (tcpdump -xx) or a bare VRRP message, in hex; "
                + "spaces, colons, 0x prefixes and tcpdump offsets are ignored. '-' reads standard input.",
            Arity = ArgumentArity.OneOrMore,
        };
        var v3ChecksumAsV2 = new Option<bool>("--v3-checksum-as-v2")
        {
            Description = "Expect VRRPv3-over-IPv4 checksums without the pseudo-header (keepalived's v3_checksum_as_v2).",
        };
        var command = new Command("decode", "Decode a VRRP advert from hex, tcpdump style.") { hex, v3ChecksumAsV2 };
        command.SetAction(parseResult =>
        {
            var words = parseResult.GetValue(hex) ?? [];
            var text = words is ["-"] ? Console.In.ReadToEnd() : string.Join(' ', words);
            var options = new VrrpParseOptions { V3ChecksumAsV2 = parseResult.GetValue(v3ChecksumAsV2) };
            var config = parseResult.InvocationConfiguration;
            if (!TryDecode(text, options, out var line))
            {
                config.Error.WriteLine("invalid: " + line);
                return 1;
            }

            config.Output.WriteLine(line);
            return 0;
        });
        return command;
    }

    /// <summary>Decodes <paramref name="hexText"/>; <paramref name="line"/> is the tcpdump-style line, or the reason it is invalid.</summary>
    internal static bool TryDecode(string hexText, VrrpParseOptions options, out string line)
    {
        if (!TryParseHex(hexText, out var bytes, out var hexError))
        {
            line = hexError;
            return false;
        }

        ReadOnlySpan<byte> data = StripEthernet(bytes);
        VrrpAdvert advert;
        string? error;
        string prefix;
        switch (data.IsEmpty ? 0 : data[0] >> 4)
        {
            case 4:
                if (!VrrpCodec.TryParseIPv4Datagram(data, options, out advert, out var src4, out var dst4, out error))
                {
                    line = error;
                    return false;
                }

                prefix = Invariant($"{src4} > {dst4}: ");
                break;
            case 6:
                if (!VrrpCodec.TryParseIPv6Datagram(data, options, out advert, out var src6, out var dst6, out error))
                {
                    line = error;
                    return false;
                }

                prefix = Invariant($"{src6} > {dst6}: ");
                break;
            default:
                if (!VrrpCodec.TryParseMessage(data, GuessFamily(data), options, out advert, out error))
                {
                    line = error;
                    return false;
                }

                prefix = "";
                break;
        }

        line = prefix + Describe(advert, advert.GetAddresses(data));
        return true;
    }

    /// <summary>The advert as tcpdump 4.99 prints it with -v (print-vrrp.c), so the two can be compared by eye.</summary>
    internal static string Describe(in VrrpAdvert advert, VrrpAddressList addresses)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"VRRPv{(int)advert.Version}, Advertisement, vrid {advert.VirtualRouterId}, prio {advert.Priority}");
        if (advert.Version == VrrpVersion.V2)
        {
            text.Append(CultureInfo.InvariantCulture, $", authtype {AuthName(advert.AuthType)}, intvl {advert.AdverInt}s");
        }
        else
        {
            text.Append(CultureInfo.InvariantCulture, $", intvl {advert.AdverInt}cs");
        }

        text.Append(CultureInfo.InvariantCulture, $", length {advert.Length}, addrs");
        if (addresses.Count > 1)
        {
            text.Append(CultureInfo.InvariantCulture, $"({addresses.Count})");
        }

        text.Append(':');
        for (var i = 0; i < addresses.Count; i++)
        {
            text.Append(i == 0 ? ' ' : ',').Append(addresses.GetIPAddress(i));
        }

        if (advert.AuthType == VrrpAuthType.SimpleText)
        {
            text.Append(" auth \"").Append(advert.AuthData).Append('"');
        }

        return text.ToString();
    }

    /// <summary>
    /// Reads hex the way people paste it: "45 c0 00 28", "45:c0:00:28", "0x45 0xc0", or tcpdump -x/-xx lines
    /// whose leading "0x0000:" offsets are dropped.
    /// </summary>
    internal static bool TryParseHex(string text, out byte[] bytes, out string error)
    {
        bytes = [];
        var digits = new StringBuilder();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (line.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && colon > 2 && colon + 1 < line.Length
                && char.IsWhiteSpace(line[colon + 1]) && line[2..colon].All(char.IsAsciiHexDigit))
            {
                line = line[(colon + 1)..];
            }

            foreach (var token in line.Split([' ', '\t', '\r', ':', '-', ','], StringSplitOptions.RemoveEmptyEntries))
            {
                var word = token.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? token[2..] : token;
                var bad = word.FirstOrDefault(c => !char.IsAsciiHexDigit(c));
                if (bad != default)
                {
                    error = Invariant($"not hex: '{bad}' in \"{token}\"");
                    return false;
                }

                digits.Append(word);
            }
        }

        if (digits.Length == 0)
        {
            error = "no hex digits";
            return false;
        }

        if (digits.Length % 2 != 0)
        {
            error = Invariant($"odd number of hex digits ({digits.Length})");
            return false;
        }

        bytes = Convert.FromHexString(digits.ToString());
        error = "";
        return true;
    }

    /// <summary>tcpdump -xx includes the Ethernet header: drop it when an IPv4/IPv6 EtherType announces a matching packet.</summary>
    private static ReadOnlySpan<byte> StripEthernet(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length <= Ethernet.HeaderLength)
        {
            return bytes;
        }

        var etherType = (bytes[12] << 8) | bytes[13];
        var ipVersion = bytes[Ethernet.HeaderLength] >> 4;
        return (etherType, ipVersion) is (Ethernet.EtherTypeIPv4, 4) or (Ethernet.EtherTypeIPv6, 6)
            ? bytes[Ethernet.HeaderLength..]
            : bytes;
    }

    /// <summary>A bare VRRPv3 message does not say its family: IPv6 when its length fits 16-byte addresses.</summary>
    private static VrrpAddressFamily GuessFamily(ReadOnlySpan<byte> message) =>
        message.Length >= VrrpCodec.HeaderLength
        && message[0] >> 4 == (int)VrrpVersion.V3
        && message.Length == VrrpCodec.MessageLength(VrrpVersion.V3, VrrpAddressFamily.IPv6, message[3])
        && message[3] > 0
            ? VrrpAddressFamily.IPv6
            : VrrpAddressFamily.IPv4;

    private static string AuthName(VrrpAuthType type) => type switch
    {
        VrrpAuthType.None => "none",
        VrrpAuthType.SimpleText => "simple",
        _ => "ah",
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
