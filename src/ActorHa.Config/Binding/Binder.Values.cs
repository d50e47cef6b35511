using System.Globalization;
using System.Net;
using ActorHa.Config.Diagnostics;
using ActorHa.Config.Model;
using ActorHa.Config.Syntax;

namespace ActorHa.Config.Binding;

/// <summary>
/// Value readers: each reads one argument of a statement and, when it is missing or wrong, reports an error at
/// the value (or at the keyword when missing) naming the fallback, as keepalived does:
/// <c>(VI_1) priority 300 not in 1..255, using 100</c>.
/// </summary>
internal sealed partial class Binder
{
    private ConfWord? Arg(ConfStatement st, string who, int index, string fallbackText)
    {
        if (index < st.Arguments.Count)
        {
            return st.Arguments[index];
        }

        _d.Error(st.Location, $"{who}{st.Name} needs a value, {fallbackText}");
        return null;
    }

    private static string Using(object fallback) => $"using {Convert.ToString(fallback, CultureInfo.InvariantCulture)}";

    private const string Ignoring = "ignoring";

    private long? ParseInt(ConfStatement st, string who, ConfWord word, long min, long max, string fallbackText)
    {
        if (!ConfValues.TryParseInt(word.Text, out var value))
        {
            _d.Error(word.Location, $"{who}{st.Name} '{word.Text}' is not an integer, {fallbackText}");
            return null;
        }

        if (value < min || value > max)
        {
            _d.Error(word.Location, $"{who}{st.Name} {word.Text} not in {min}..{max}, {fallbackText}");
            return null;
        }

        return value;
    }

    /// <summary>An integer in min..max; the fallback (keepalived's default) when missing or invalid.</summary>
    private int Int(ConfStatement st, string who, int min, int max, int fallback, int index = 0)
    {
        var word = Arg(st, who, index, Using(fallback));
        return word is null ? fallback : (int?)ParseInt(st, who, word, min, max, Using(fallback)) ?? fallback;
    }

    /// <summary>An integer in min..max, or null (the setting stays unset) when missing or invalid.</summary>
    private int? OptionalInt(ConfStatement st, string who, int min, int max, int index = 0)
    {
        var word = Arg(st, who, index, Ignoring);
        return word is null ? null : (int?)ParseInt(st, who, word, min, max, Ignoring);
    }

    private TimeSpan? ParseSeconds(ConfStatement st, string who, ConfWord word, TimeSpan min, TimeSpan max, string fallbackText)
    {
        if (!ConfValues.TryParseSeconds(word.Text, out var value))
        {
            _d.Error(word.Location, $"{who}{st.Name} '{word.Text}' is not a number of seconds, {fallbackText}");
            return null;
        }

        if (value < min || value > max)
        {
            _d.Error(word.Location,
                $"{who}{st.Name} {word.Text} not in {ConfValues.FormatSeconds(min)}..{ConfValues.FormatSeconds(max)}, {fallbackText}");
            return null;
        }

        return value;
    }

    /// <summary>keepalived's TIMER: decimal seconds, microsecond resolution.</summary>
    private TimeSpan Seconds(ConfStatement st, string who, TimeSpan min, TimeSpan max, TimeSpan fallback, int index = 0)
    {
        var text = $"using {ConfValues.FormatSeconds(fallback)}";
        var word = Arg(st, who, index, text);
        return word is null ? fallback : ParseSeconds(st, who, word, min, max, text) ?? fallback;
    }

    private TimeSpan? OptionalSeconds(ConfStatement st, string who, TimeSpan min, TimeSpan max, int index = 0)
    {
        var word = Arg(st, who, index, Ignoring);
        return word is null ? null : ParseSeconds(st, who, word, min, max, Ignoring);
    }

    /// <summary>Whole seconds, where keepalived reads an integer (garp_master_delay, smtp_connect_timeout ...).</summary>
    private TimeSpan WholeSeconds(ConfStatement st, string who, int min, int max, TimeSpan fallback) =>
        TimeSpan.FromSeconds(Int(st, who, min, max, (int)fallback.TotalSeconds));

    /// <summary>A flag with an optional <c>on|off|true|false|yes|no</c>; bare means on.</summary>
    private bool Bool(ConfStatement st, string who, int index = 0)
    {
        if (index >= st.Arguments.Count)
        {
            return true;
        }

        var word = st.Arguments[index];
        if (ConfValues.TryParseBool(word.Text, out var value))
        {
            return value;
        }

        _d.Error(word.Location, $"{who}{st.Name} '{word.Text}' is not one of on|off|true|false|yes|no, using on");
        return true;
    }

    /// <summary>A flag keyword that takes no value; words after it are reported and ignored.</summary>
    private bool Flag(ConfStatement st, string who)
    {
        if (st.Arguments.Count > 0)
        {
            _d.Warning(st.Arguments[0].Location, $"{who}{st.Name} takes no value, ignoring '{st.Arguments[0].Text}'");
        }

        return true;
    }

    private string? Text(ConfStatement st, string who, int index = 0) => Arg(st, who, index, Ignoring)?.Text;

    private IPAddress? Ip(ConfStatement st, string who, int index = 0)
    {
        var word = Arg(st, who, index, Ignoring);
        return word is null ? null : Ip(word, $"{who}{st.Name}");
    }

    private IPAddress? Ip(ConfWord word, string what)
    {
        if (ConfValues.TryParseIp(word.Text, out var address))
        {
            return address;
        }

        _d.Error(word.Location, $"{what} '{word.Text}' is not an IP address, ignoring");
        return null;
    }

    private IpPrefix? Prefix(ConfWord word, string what)
    {
        if (ConfValues.TryParsePrefix(word.Text, out var prefix))
        {
            return prefix;
        }

        _d.Error(word.Location, $"{what} '{word.Text}' is not an IP address or prefix, ignoring");
        return null;
    }

    private int? Port(ConfWord word, string what)
    {
        if (ConfValues.TryParseInt(word.Text, out var port) && port is >= 0 and <= 65535)
        {
            return (int)port;
        }

        _d.Error(word.Location, $"{what} port '{word.Text}' not in 0..65535, ignoring");
        return null;
    }

    /// <summary><c>notify_* "command args" [username [groupname]]</c>.</summary>
    private NotifyScript? Script(ConfStatement st, string who)
    {
        var command = Text(st, who);
        if (command is null)
        {
            return null;
        }

        _scriptsUsedAt.Add(st.Location);
        return new NotifyScript(command, st.Arguments.Count > 1 ? st.Arguments[1].Text : null, st.Arguments.Count > 2 ? st.Arguments[2].Text : null);
    }

    /// <summary>One of a fixed set of words, as written; the fallback (with an error) otherwise.</summary>
    private string Choice(ConfStatement st, string who, string[] choices, string fallback, StringComparison comparison = StringComparison.Ordinal)
    {
        var word = Arg(st, who, 0, $"using {fallback}");
        if (word is null)
        {
            return fallback;
        }

        var match = Array.Find(choices, c => string.Equals(c, word.Text, comparison));
        if (match is null)
        {
            _d.Error(word.Location, $"{who}{st.Name} '{word.Text}' is not one of {string.Join('|', choices)}, using {fallback}");
            return fallback;
        }

        return match;
    }
}
