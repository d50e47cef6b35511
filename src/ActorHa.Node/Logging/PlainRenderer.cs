using System.Globalization;
using System.Text;
using Serilog.Events;
using Serilog.Parsing;

namespace ActorHa.Node.Logging;

/// <summary>
/// Renders a message with string values unquoted: Serilog quotes them by default, and keepalived's lines
/// (which users' alerts match character for character) have no quotes.
/// </summary>
internal static class PlainRenderer
{
    public static string Render(LogEvent logEvent)
    {
        var sb = new StringBuilder();
        using var writer = new StringWriter(sb, CultureInfo.InvariantCulture);
        foreach (var token in logEvent.MessageTemplate.Tokens)
        {
            if (token is PropertyToken property && logEvent.Properties.TryGetValue(property.PropertyName, out var value))
            {
                if (value is ScalarValue { Value: string s })
                {
                    writer.Write(s);
                }
                else
                {
                    value.Render(writer, property.Format, CultureInfo.InvariantCulture);
                }
            }
            else
            {
                token.Render(logEvent.Properties, writer, CultureInfo.InvariantCulture);
            }
        }

        return sb.ToString();
    }
}
