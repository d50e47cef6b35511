using System.Buffers.Binary;
using System.Runtime.InteropServices;
using ActorHa.Node.Io;
using ActorHa.Protocol.Netlink;

namespace ActorHa.Node.Kernel;

/// <summary>
/// A NETLINK_ROUTE socket for requests: send one message, wait for the kernel's ACK or error. .NET has no netlink
/// address family, so the socket is made and driven through libc. Requests are synchronous and take microseconds;
/// a receive timeout bounds a kernel that never answers.
/// </summary>
internal sealed unsafe class RouteNetlinkSocket : IDisposable
{
    private readonly int _fd;
    private uint _sequence = (uint)Environment.TickCount;
    private readonly byte[] _replies = new byte[8192];

    /// <summary>NETLINK_ROUTE by default; NETLINK_GENERIC (16) for generic-netlink families such as IPVS.</summary>
    public RouteNetlinkSocket(int protocol = Libc.NETLINK_ROUTE)
    {
        _fd = Libc.Socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, protocol);
        if (_fd < 0)
        {
            throw new IOException($"cannot open rtnetlink socket: {Libc.LastError()}");
        }

        var address = stackalloc byte[12];
        new Span<byte>(address, 12).Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(new Span<byte>(address, 2), Libc.AF_NETLINK);
        if (Libc.Bind(_fd, address, 12) != 0)
        {
            var error = Libc.LastError();
            Libc.Close(_fd);
            throw new IOException($"cannot bind rtnetlink socket: {error}");
        }

        // struct timeval { long sec; long usec; }: two seconds, then the request is reported as timed out.
        var timeout = stackalloc long[2];
        timeout[0] = 2;
        timeout[1] = 0;
        Libc.SetSockOpt(_fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, timeout, 16);
    }

    public uint NextSequence() => ++_sequence;

    /// <summary>sendto(2) to the kernel (nl_pid 0); null, or the errno. <paramref name="dry"/>: on fd -1 (EBADF).</summary>
    private int? SendToKernel(byte[] request, bool dry = false)
    {
        var kernel = stackalloc byte[12];
        new Span<byte>(kernel, 12).Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(new Span<byte>(kernel, 2), Libc.AF_NETLINK);
        fixed (byte* p = request)
        {
            return Libc.SendTo(dry ? -1 : _fd, p, (nuint)request.Length, 0, kernel, 12) < 0 ? Marshal.GetLastPInvokeError() : null;
        }
    }

    /// <summary>recv(2) into <paramref name="buffer"/>: the length, or -1 with the errno.</summary>
    private nint Receive(byte[] buffer, out int errno, bool dry = false)
    {
        fixed (byte* b = buffer)
        {
            var n = Libc.Recv(dry ? -1 : _fd, b, (nuint)buffer.Length, 0);
            errno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
            return n;
        }
    }

    /// <summary>
    /// Sends <paramref name="request"/> (built with sequence <paramref name="sequence"/>); returns 0 or the errno.
    /// <paramref name="dry"/>: the same code on fd -1, nothing sent (a backup's rehearsal of its takeover), and the
    /// answer's parsing run on an empty reply.
    /// </summary>
    public int Request(byte[] request, uint sequence, bool dry = false)
    {
        if (SendToKernel(request, dry) is { } sendError && !dry)
        {
            return sendError;
        }

        // One buffer for every request: a fresh 8 KiB each time touched fresh heap pages (page faults) in a takeover.
        var buffer = _replies;
        for (var attempts = 0; attempts < 16; attempts++)
        {
            var n = Receive(buffer, out var errno, dry);
            if (dry)
            {
                _ = RtnlMessages.ReadAck([], sequence);
                return 0;
            }

            if (n < 0)
            {
                if (errno == Libc.EINTR)
                {
                    continue;
                }

                return errno;
            }

            if (RtnlMessages.ReadAck(buffer.AsSpan(0, (int)n), sequence) is { } result)
            {
                return result;
            }
        }

        return Libc.EAGAIN;
    }

    /// <summary>
    /// Sends <paramref name="request"/> and collects the kernel's replies to it (a dump's messages, or the answer
    /// to a GET) until NLMSG_DONE or the ACK; returns 0 or the errno, with the replies as (type, payload).
    /// </summary>
    public int Exchange(byte[] request, uint sequence, out List<(ushort Type, byte[] Payload)> replies)
    {
        replies = [];
        if (SendToKernel(request) is { } sendError)
        {
            return sendError;
        }

        // A dump arrives in datagrams of up to 32 KiB each; it ends with NLMSG_DONE.
        var buffer = new byte[65536];
        while (true)
        {
            var n = Receive(buffer, out var errno);
            if (n < 0)
            {
                if (errno == Libc.EINTR)
                {
                    continue;
                }

                return errno;
            }

            foreach (var (type, _, seq, payload) in IpvsMessages.Split(buffer, (int)n))
            {
                if (seq != sequence)
                {
                    continue;
                }

                if (type == RtnlMessages.NlmsgError)
                {
                    return payload.Length >= 4 ? -BinaryPrimitives.ReadInt32LittleEndian(payload) : Libc.EAGAIN;
                }

                if (type == RtnlMessages.NlmsgDone)
                {
                    return 0;
                }

                replies.Add((type, payload));
            }
        }
    }

    public void Dispose() => Libc.Close(_fd);
}
