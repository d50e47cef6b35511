using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.InteropServices;
using ActorHa.Node.Io;
using ActorHa.Protocol.Netlink;

namespace ActorHa.Node.Kernel;

/// <summary>
/// A NETLINK_ROUTE socket joined to the link and address multicast groups: the kernel pushes every link and
/// address change of this network namespace to it. <see cref="DumpLinks"/> reads the current links synchronously
/// (once, before the receive thread starts); the receive thread then hands each datagram's events to a callback.
/// When the socket's buffer overflowed (ENOBUFS: events were lost) it asks for a fresh dump and says so, so the
/// reader can drop links that went away unseen.
/// </summary>
internal sealed unsafe class LinkEventSocket : IDisposable
{
    private const int ENOBUFS = 105;
    private readonly int _fd;
    private uint _sequence = (uint)Environment.TickCount;
    private Thread? _receiver;
    private volatile bool _closing;

    public LinkEventSocket()
    {
        _fd = Libc.Socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, Libc.NETLINK_ROUTE);
        if (_fd < 0)
        {
            throw new IOException($"cannot open rtnetlink socket: {Libc.LastError()}");
        }

        // struct sockaddr_nl { u16 family; u16 pad; u32 pid (0: the kernel picks); u32 groups; }
        var address = stackalloc byte[12];
        var span = new Span<byte>(address, 12);
        span.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(span, Libc.AF_NETLINK);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], RtnlMessages.RtmGrpLink | RtnlMessages.RtmGrpIPv4IfAddr | RtnlMessages.RtmGrpIPv6IfAddr);
        if (Libc.Bind(_fd, address, 12) != 0)
        {
            var error = Libc.LastError();
            Libc.Close(_fd);
            throw new IOException($"cannot bind rtnetlink socket to the link and address groups: {error}");
        }

        // A burst (a VLAN trunk coming up, a bond flapping) must not overflow the default 208 KiB.
        var size = 4 << 20;
        Libc.SetSockOpt(_fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, &size, sizeof(int));
    }

    /// <summary>Every link there is now, and whatever link or address events arrived while the dump was read.</summary>
    public List<RtnlEvent> DumpLinks()
    {
        var sequence = RequestDump();
        var events = new List<RtnlEvent>();
        var buffer = new byte[65536];
        while (true)
        {
            var n = Receive(buffer, blockMs: 5000);
            if (n == 0)
            {
                throw new IOException("rtnetlink link dump: no answer from the kernel in 5 s");
            }

            if (n < 0)
            {
                throw new IOException($"rtnetlink link dump: {Libc.ErrorText((int)-n)}");
            }

            if (!RtnlEvents.TryParse(buffer.AsSpan(0, (int)n), events, out var error))
            {
                throw new IOException($"rtnetlink link dump: {error}");
            }

            if (events.Any(e => e is RtnlDumpDone d && d.Sequence == sequence))
            {
                return events;
            }
        }
    }

    /// <summary>
    /// Starts the receive thread. <paramref name="onEvents"/> gets each datagram's events (including the answer to
    /// a re-dump); <paramref name="onResync"/> is called when events were lost and a re-dump was asked for;
    /// <paramref name="onError"/> ends the loop. While <paramref name="busySpell"/> is not 0 (the event loop is mid-pass;
    /// the number names that busy spell and changes each time the loop wakes), a datagram that arrived waits before it
    /// is parsed and handed on, for at most <paramref name="maxHold"/> (default <see cref="MaxHold"/>) per busy spell.
    /// </summary>
    public void StartReceiving(Action<IReadOnlyList<RtnlEvent>> onEvents, Action<uint> onResync, Action<string> onError, Func<long>? busySpell = null, TimeSpan? maxHold = null)
    {
        var hold = maxHold ?? MaxHold;
        _receiver = new Thread(() => ReceiveLoop(onEvents, onResync, onError, busySpell, hold)) { IsBackground = true, Name = "rtnl-links" };
        _receiver.Start();
    }

    /// <summary>
    /// The longest a datagram waits for the event loop: past a pre-takeover spin (<see cref="Hosting.PreciseScheduler.MaxSpin"/>)
    /// and the takeover's own pass (its advert, VIPs and GARPs take well under a millisecond for a few VIPs), so that
    /// an event that arrived at the start of the spin is not handed on in the middle of the takeover.
    /// </summary>
    public static readonly TimeSpan MaxHold = Hosting.PreciseScheduler.MaxSpin + TimeSpan.FromMilliseconds(3);

    /// <summary>
    /// The kernel wakes this thread with the RTM_NEWADDR of the VIP that the event loop has just added, in the
    /// middle of the loop's takeover, and on a single CPU tends to run it before the loop (SCHED_IDLE keeps it from
    /// preempting on wake-up, not from being picked next): its parse and hand-off then cost the loop's first GARP
    /// 0.1-0.15 ms. So it yields the CPU until the loop has slept (its busy spell ended). False when it gave up with
    /// the loop still in <paramref name="spell"/>.
    /// </summary>
    private bool HoldBack(Func<long> busySpell, long spell, TimeSpan maxHold)
    {
        var until = Stopwatch.GetTimestamp() + (long)(maxHold.TotalSeconds * Stopwatch.Frequency);
        while (busySpell() == spell)
        {
            if (_closing || Stopwatch.GetTimestamp() >= until)
            {
                return false;
            }

            Thread.Yield();
        }

        return true;
    }

    private void ReceiveLoop(Action<IReadOnlyList<RtnlEvent>> onEvents, Action<uint> onResync, Action<string> onError, Func<long>? busySpell, TimeSpan maxHold)
    {
        Hosting.VrrpThreads.ApplyBackgroundToCurrentThread("the rtnetlink listener");
        var buffer = new byte[65536];
        // Once a hold ran out with the loop still busy, the rest of that busy spell is not held again: a burst (200
        // VIPs are 200 RTM_NEWADDRs) waits once, not once per datagram. The next spell (the loop slept and woke, seen
        // or not) is held again.
        var heldOut = 0L;
        while (!_closing)
        {
            // A short wait lets Dispose end the loop without racing close() against a blocked recv.
            var n = Receive(buffer, blockMs: 200);
            if (n == 0 || _closing)
            {
                continue;
            }

            if (n > 0 && busySpell is not null)
            {
                var spell = busySpell();
                if (spell != 0 && spell != heldOut && !HoldBack(busySpell, spell, maxHold))
                {
                    heldOut = spell;
                }
            }

            if (n == -ENOBUFS)
            {
                onResync(RequestDump());
                continue;
            }

            if (n < 0)
            {
                onError($"rtnetlink receive: {Libc.ErrorText((int)-n)}");
                return;
            }

            var events = new List<RtnlEvent>();
            if (!RtnlEvents.TryParse(buffer.AsSpan(0, (int)n), events, out var error))
            {
                onError($"rtnetlink receive: {error}");
                return;
            }

            if (events.Count > 0)
            {
                onEvents(events);
            }
        }
    }

    private uint RequestDump()
    {
        var sequence = ++_sequence;
        var request = RtnlMessages.GetLinks(sequence);
        var kernel = stackalloc byte[12];
        new Span<byte>(kernel, 12).Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(new Span<byte>(kernel, 2), Libc.AF_NETLINK);
        fixed (byte* p = request)
        {
            if (Libc.SendTo(_fd, p, (nuint)request.Length, 0, kernel, 12) < 0)
            {
                throw new IOException($"rtnetlink link dump request: {Libc.LastError()}");
            }
        }

        return sequence;
    }

    /// <summary>Bytes received, 0 when nothing came within <paramref name="blockMs"/>, or minus the errno.</summary>
    private nint Receive(byte[] buffer, int blockMs)
    {
        while (true)
        {
            var pfd = new Libc.PollFd { Fd = _fd, Events = Libc.POLLIN };
            var ready = Libc.Poll(&pfd, 1, blockMs);
            if (ready == 0)
            {
                return 0;
            }

            if (ready > 0)
            {
                fixed (byte* b = buffer)
                {
                    var n = Libc.Recv(_fd, b, (nuint)buffer.Length, 0);
                    if (n >= 0)
                    {
                        return n;
                    }
                }
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno is not (Libc.EINTR or Libc.EAGAIN))
            {
                return -errno;
            }
        }
    }

    public void Dispose()
    {
        _closing = true;
        if (_receiver is not null && Thread.CurrentThread != _receiver)
        {
            _receiver.Join(TimeSpan.FromSeconds(2));
        }

        Libc.Close(_fd);
    }
}
