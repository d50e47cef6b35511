using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace ActorHa.Node.Hosting;

/// <summary>
/// sd_notify(3) for a Type=notify unit, without libsystemd: one datagram per state change to the AF_UNIX socket named
/// in <c>$NOTIFY_SOCKET</c> (a path, or an abstract name written with a leading '@'). The node sends READY=1 once
/// started, RELOADING=1 with MONOTONIC_USEC when a reload begins and READY=1 when it ends (applied or rejected, as
/// systemd.service(5) asks of every reload), and STOPPING=1 when it starts to stop. Sending never blocks or throws:
/// without systemd (no variable) it does nothing, and a vanished socket only loses the message.
/// </summary>
internal sealed partial class SystemdNotify : IDisposable
{
    public const string SocketVariable = "NOTIFY_SOCKET";

    private const int ClockMonotonic = 1;

    private readonly Socket _socket;
    private readonly UnixDomainSocketEndPoint _endpoint;

    private SystemdNotify(string address)
    {
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        _endpoint = new UnixDomainSocketEndPoint(address.StartsWith('@') ? "\0" + address[1..] : address);
    }

    /// <summary>
    /// The notifier for <c>$NOTIFY_SOCKET</c>, or null when it is unset. The variable is removed from this process's
    /// environment so that scripts the node runs cannot send notifications in its name (sd_notify's unset_environment).
    /// </summary>
    public static SystemdNotify? FromEnvironment()
    {
        var address = Environment.GetEnvironmentVariable(SocketVariable);
        Environment.SetEnvironmentVariable(SocketVariable, null);
        return string.IsNullOrEmpty(address) || (address[0] != '/' && address[0] != '@') ? null : new SystemdNotify(address);
    }

    public void Ready(string status) => Send($"READY=1\nSTATUS={status}");

    /// <summary>systemd.service(5): RELOADING=1 must carry MONOTONIC_USEC, CLOCK_MONOTONIC in microseconds, so systemd can order it.</summary>
    public void Reloading(string status) => Send(string.Create(CultureInfo.InvariantCulture, $"RELOADING=1\nMONOTONIC_USEC={MonotonicMicroseconds()}\nSTATUS={status}"));

    public void Stopping() => Send("STOPPING=1\nSTATUS=stopping");

    public void Send(string state)
    {
        try
        {
            _socket.SendTo(Encoding.UTF8.GetBytes(state), _endpoint);
        }
        catch (SocketException)
        {
            // systemd went away or the socket is full: a notification is advice, never a reason to fail.
        }
    }

    public void Dispose() => _socket.Dispose();

    internal static long MonotonicMicroseconds()
    {
        var ts = new TimeSpec();
        return ClockGetTime(ClockMonotonic, ref ts) == 0 ? (ts.Seconds * 1_000_000) + (ts.Nanoseconds / 1000) : 0;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, ref TimeSpec ts);
}
