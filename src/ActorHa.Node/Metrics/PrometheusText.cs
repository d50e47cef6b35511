using System.Globalization;
using System.Text;

namespace ActorHa.Node.Metrics;

/// <summary>
/// Prometheus' text exposition format, version 0.0.4: per metric family one <c># HELP</c> and one <c># TYPE</c> line,
/// then its samples <c>name{label="value",...} number</c>, one per line, each line ending in <c>\n</c>. Label
/// values escape backslash, double quote and line feed; HELP text escapes backslash and line feed. A family is
/// written whole before the next starts (the format requires its samples to be contiguous).
/// </summary>
internal sealed class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _sb = new();
    private readonly HashSet<string> _families = new(StringComparer.Ordinal);

    public enum Kind
    {
        Gauge,
        Counter,
    }

    /// <summary>Starts a family; its samples follow through <see cref="Sample"/>. A name may start one family only.</summary>
    public PrometheusText Family(string name, Kind kind, string help)
    {
        if (!IsValidName(name))
        {
            throw new ArgumentException($"'{name}' is not a valid metric name", nameof(name));
        }

        if (!_families.Add(name))
        {
            throw new InvalidOperationException($"metric family {name} written twice");
        }

        _sb.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(help)).Append('\n');
        _sb.Append("# TYPE ").Append(name).Append(' ').Append(kind == Kind.Counter ? "counter" : "gauge").Append('\n');
        return this;
    }

    /// <summary>One sample of the family most recently started; labels are (name, value) pairs in the given order.</summary>
    public PrometheusText Sample(string name, double value, params (string Name, string Value)[] labels)
    {
        _sb.Append(name);
        if (labels.Length > 0)
        {
            _sb.Append('{');
            for (var i = 0; i < labels.Length; i++)
            {
                if (i > 0)
                {
                    _sb.Append(',');
                }

                _sb.Append(labels[i].Name).Append("=\"").Append(EscapeLabelValue(labels[i].Value)).Append('"');
            }

            _sb.Append('}');
        }

        _sb.Append(' ').Append(FormatValue(value)).Append('\n');
        return this;
    }

    public override string ToString() => _sb.ToString();

    internal static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    internal static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    internal static string EscapeHelp(string help) =>
        help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>[a-zA-Z_:][a-zA-Z0-9_:]*</summary>
    internal static bool IsValidName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':');
}
