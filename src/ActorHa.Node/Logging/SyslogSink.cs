using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Serilog.Core;
using Serilog.Events;

namespace ActorHa.Node.Logging;

/// <summary>
/// Writes to the local syslog socket (/dev/log) with keepalived's idents, so alerts that grep
/// <c>Keepalived_vrrp[1234]: (VI_1) Entering MASTER STATE</c> in /var/log/syslog keep matching. Lines from the
/// health checkers use <c>Keepalived_healthcheckers</c>, everything else <c>Keepalived</c>. If there is no syslog
/// daemon the sink stays silent rather than failing the node.
/// </summary>
internal sealed class SyslogSink : ILogEventSink, IDisposable
{
    private const int FacilityDaemon = 3;
    private readonly Socket? _socket;
    private readonly int _facility;
    private readonly int _pid = Environment.ProcessId;

    public SyslogSink(string path = "/dev/log", int facility = FacilityDaemon)
    {
        _facility = facility;
        try
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(path));
            _socket = socket;
        }
        catch (SocketException)
        {
            _socket = null;
        }
    }

    public void Emit(LogEvent logEvent)
    {
        if (_socket is null)
        {
            return;
        }

        var severity = logEvent.Level switch
        {
            LogEventLevel.Fatal => 2,
            LogEventLevel.Error => 3,
            LogEventLevel.Warning => 4,
            LogEventLevel.Information => 6,
            _ => 7,
        };
        var source = logEvent.Properties.TryGetValue("SourceContext", out var s) ? s.ToString() : "";
        var ident = source.Contains("/check", StringComparison.Ordinal) ? "Keepalived_healthcheckers"
            : source.Contains("/vrrp", StringComparison.Ordinal) || source.Contains("/node", StringComparison.Ordinal) ? "Keepalived_vrrp"
            : "Keepalived";
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"<{(_facility * 8) + severity}>{logEvent.Timestamp.LocalDateTime:MMM} {logEvent.Timestamp.LocalDateTime.Day,2} {logEvent.Timestamp.LocalDateTime:HH:mm:ss} {ident}[{_pid}]: {PlainRenderer.Render(logEvent)}");
        try
        {
            _socket.Send(Encoding.UTF8.GetBytes(line));
        }
        catch (SocketException)
        {
            // syslog restarted or went away: dropping a line beats blocking a state transition.
        }
    }

    public void Dispose() => _socket?.Dispose();
}
