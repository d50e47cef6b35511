using System.Globalization;
using Serilog.Events;
using Serilog.Formatting;

namespace ActorHa.Node.Logging;

/// <summary>
/// Console lines as keepalived -l prints them: <c>Sun Nov 22 22:43:35 2026: (VI_1) Entering MASTER STATE</c>
/// (ctime(3) timestamp, so a single-digit day is space padded). With detail on, debug lines get their source.
/// </summary>
internal sealed class KeepalivedLineFormatter(bool detail) : ITextFormatter
{
    public void Format(LogEvent logEvent, TextWriter output)
    {
        output.Write(Ctime(logEvent.Timestamp.LocalDateTime));
        output.Write(": ");
        if (detail && logEvent.Level < LogEventLevel.Information && logEvent.Properties.TryGetValue("SourceContext", out var source))
        {
            output.Write('[');
            output.Write(ShortSource(source.ToString().Trim('"')));
            output.Write("] ");
        }

        output.Write(PlainRenderer.Render(logEvent));
        if (logEvent.Exception is not null && detail)
        {
            output.Write(" -- ");
            output.Write(logEvent.Exception.Message);
        }

        output.Write('\n');
    }

    public static string Ctime(DateTime t) =>
        string.Create(CultureInfo.InvariantCulture, $"{t:ddd MMM} {t.Day,2} {t:HH:mm:ss yyyy}");

    private static string ShortSource(string source)
    {
        var slash = source.LastIndexOf('/');
        return slash >= 0 ? source[(slash + 1)..] : source;
    }
}
