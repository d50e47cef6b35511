using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ActorHa.Config.Model;

namespace ActorHa.Config.Binding;

/// <summary>
/// The value syntaxes of keepalived.conf, parsed strictly (no diagnostics here; the binder words them).
/// Stricter than .NET where keepalived is: IPv4 must be four dotted decimals, as inet_pton wants, so
/// <c>192.168.100.</c> and <c>10.1</c> are not addresses.
/// </summary>
public static class ConfValues
{
    private static readonly string[] TrueWords = ["on", "true", "yes"];
    private static readonly string[] FalseWords = ["off", "false", "no"];

    private static bool IsDigits(ReadOnlySpan<char> text) => !text.IsEmpty && !text.ContainsAnyExceptInRange('0', '9');

    public static bool TryParseBool(string text, out bool value)
    {
        if (TrueWords.Contains(text, StringComparer.OrdinalIgnoreCase))
        {
            value = true;
            return true;
        }

        value = false;
        return FalseWords.Contains(text, StringComparer.OrdinalIgnoreCase);
    }

    public static bool TryParseInt(string text, out long value)
    {
        value = 0;
        var digits = text.StartsWith('-') || text.StartsWith('+') ? text.AsSpan(1) : text.AsSpan();
        if (digits.IsEmpty || !IsDigits(digits))
        {
            return false;
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>A decimal number of seconds (<c>1</c>, <c>0.92</c>, <c>2.5</c>), keepalived's TIMER, to microseconds.</summary>
    public static bool TryParseSeconds(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var whole = dot < 0 ? text.AsSpan() : text.AsSpan(0, dot);
        var fraction = dot < 0 ? ReadOnlySpan<char>.Empty : text.AsSpan(dot + 1);
        if (whole.IsEmpty || !IsDigits(whole) || (dot >= 0 && (fraction.IsEmpty || !IsDigits(fraction))))
        {
            return false;
        }

        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) || seconds > 100_000_000m)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)decimal.Round(seconds * TimeSpan.TicksPerSecond / 10m) * 10);
        return true;
    }

    public static bool TryParseIp(string text, out IPAddress address)
    {
        address = IPAddress.None;
        if (text.Contains(':', StringComparison.Ordinal))
        {
            // Zone ids (fe80::1%eth0) are not keepalived syntax; the interface is given with dev.
            return !text.Contains('%', StringComparison.Ordinal)
                && IPAddress.TryParse(text, out address!)
                && address.AddressFamily == AddressFamily.InterNetworkV6;
        }

        var parts = text.Split('.');
        if (parts.Length != 4 || parts.Any(p => p.Length is 0 or > 3 || !IsDigits(p.AsSpan()) || int.Parse(p, CultureInfo.InvariantCulture) > 255))
        {
            return false;
        }

        address = IPAddress.Parse(text);
        return true;
    }

    /// <summary><c>ADDR[/LEN]</c>; without a length, a host prefix (/32 or /128).</summary>
    public static bool TryParsePrefix(string text, out IpPrefix prefix)
    {
        prefix = new IpPrefix(IPAddress.None, 0);
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (!TryParseIp(slash < 0 ? text : text[..slash], out var address))
        {
            return false;
        }

        var max = address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
        var length = max;
        if (slash >= 0)
        {
            var lengthText = text.AsSpan(slash + 1);
            if (lengthText.IsEmpty || lengthText.Length > 3 || !IsDigits(lengthText))
            {
                return false;
            }

            length = int.Parse(lengthText, CultureInfo.InvariantCulture);
            if (length > max)
            {
                return false;
            }
        }

        prefix = new IpPrefix(address, length);
        return true;
    }

    /// <summary>
    /// A virtual_server_group address range, <c>192.0.2.3-10</c> or <c>2001:db8::2-9</c>: the number after the dash
    /// replaces the last byte (IPv4, decimal) or the last 16-bit group (IPv6, hex).
    /// </summary>
    public static bool TryParseRange(string text, out IPAddress first, out IPAddress last)
    {
        first = last = IPAddress.None;
        var dash = text.LastIndexOf('-');
        if (dash <= 0 || !TryParseIp(text[..dash], out first))
        {
            return false;
        }

        var end = text[(dash + 1)..];
        var bytes = first.GetAddressBytes();
        if (first.AddressFamily == AddressFamily.InterNetwork)
        {
            if (end.Length is 0 or > 3 || !IsDigits(end.AsSpan()))
            {
                return false;
            }

            var b = int.Parse(end, CultureInfo.InvariantCulture);
            if (b > 255 || b < bytes[3])
            {
                return false;
            }

            bytes[3] = (byte)b;
        }
        else
        {
            if (!ushort.TryParse(end, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var group) || group < (bytes[14] << 8 | bytes[15]))
            {
                return false;
            }

            bytes[14] = (byte)(group >> 8);
            bytes[15] = (byte)group;
        }

        last = new IPAddress(bytes);
        return true;
    }

    /// <summary>How keepalived-style messages print a duration: whole seconds bare, fractions without trailing zeros.</summary>
    public static string FormatSeconds(TimeSpan value) =>
        ((decimal)value.Ticks / TimeSpan.TicksPerSecond).ToString("0.######", CultureInfo.InvariantCulture);
}
