using System.Globalization;
using Serilog.Events;
using Serilog.Formatting;

namespace ActorHa.Node.Logging;

/// <summary>
/// Console lines as keepalived -l prints them: <c>Sun Nov 22 22:43:35 2026: (VI_1) Entering MASTER STATE</c>
/// (ctime(3) timestamp, so a single-digit day is space padded). With detail on (-D) the debug lines are printed too, as keepalived -D prints its extra lines.
/// </summary>
internal sealed class KeepalivedLineFormatter(bool detail) : ITextFormatter
{
    public void Format(LogEvent logEvent, TextWriter output)
    {
        output.Write(Ctime(logEvent.Timestamp.LocalDateTime));
        output.Write(": ");
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
}
