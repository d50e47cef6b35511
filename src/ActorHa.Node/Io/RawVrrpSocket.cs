using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace ActorHa.Node.Io;

/// <summary>
/// A datagram as the kernel handed it over. IPv4 raw sockets deliver the IP header too, so <see cref="Data"/>
/// starts with it and <see cref="HopLimit"/> is -1 (the TTL is byte 8 of the header); IPv6 raw sockets deliver
/// only the VRRP message and the hop limit comes from the IPV6_HOPLIMIT control message.
/// </summary>
internal sealed record ReceivedDatagram(byte[] Data, int IfIndex, IPAddress Source, IPAddress Destination, int HopLimit)
{
    /// <summary>When the kernel received it (SO_TIMESTAMPNS, UTC): Master_Down_Timer runs from there, not from when a
    /// thread got round to it.</summary>
    public DateTime ReceivedAt { get; init; } = DateTime.UtcNow;
}

/// <summary>
/// One protocol-112 raw socket bound to one interface and family: joins the VRRP multicast group there, sends
/// with TTL/hop limit 255 (RFC 5798 5.1.1.3), receives with interface, destination and hop limit. The receive
/// loop runs on its own thread and only hands datagrams to a callback (the owning actor's Tell).
/// </summary>
internal sealed unsafe class RawVrrpSocket : IDisposable
{
    private const int ProtocolVrrp = 112;
    private readonly int _fd;
    private readonly int _ifIndex;
    private readonly AddressFamily _family;
    private volatile bool _closing;
    private Thread? _receiver;

    private RawVrrpSocket(int fd, AddressFamily family, int ifIndex, string interfaceName)
    {
        _fd = fd;
        _family = family;
        _ifIndex = ifIndex;
        InterfaceName = interfaceName;
    }

    public string InterfaceName { get; }

    public AddressFamily Family => _family;

    /// <summary>
    /// Opens the socket on <paramref name="interfaceName"/>. <paramref name="source"/> binds the source address of
    /// what we send (mcast_src_ip / unicast_src_ip; the link-local address for IPv6); <paramref name="multicastGroup"/>
    /// is joined on the interface when given (224.0.0.18 / ff02::12, or vrrp_mcast_group4/6).
    /// </summary>
    public static RawVrrpSocket Open(AddressFamily family, string interfaceName, int ifIndex, IPAddress? source, IPAddress? multicastGroup)
    {
        var domain = family == AddressFamily.InterNetworkV6 ? Libc.AF_INET6 : Libc.AF_INET;
        var fd = Libc.Socket(domain, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, ProtocolVrrp);
        if (fd < 0)
        {
            throw new IOException($"cannot open raw VRRP socket on {interfaceName}: {Libc.LastError()}");
        }

        var socket = new RawVrrpSocket(fd, family, ifIndex, interfaceName);
        try
        {
            socket.Configure(source, multicastGroup);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return socket;
    }

    private void Configure(IPAddress? source, IPAddress? group)
    {
        var name = Encoding.ASCII.GetBytes(InterfaceName + "\0");
        fixed (byte* p = name)
        {
            if (Libc.SetSockOpt(_fd, Libc.SOL_SOCKET, Libc.SO_BINDTODEVICE, p, (uint)name.Length) != 0)
            {
                throw new IOException($"SO_BINDTODEVICE {InterfaceName}: {Libc.LastError()}");
            }
        }

        Libc.SetInt(_fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, 1 << 20, "SO_RCVBUF");
        Libc.SetInt(_fd, Libc.SOL_SOCKET, Libc.SO_TIMESTAMPNS, 1, "SO_TIMESTAMPNS");
        if (_family == AddressFamily.InterNetwork)
        {
            Libc.SetInt(_fd, Libc.IPPROTO_IP, Libc.IP_TTL, 255, "IP_TTL");
            Libc.SetInt(_fd, Libc.IPPROTO_IP, Libc.IP_MULTICAST_TTL, 255, "IP_MULTICAST_TTL");
            Libc.SetInt(_fd, Libc.IPPROTO_IP, Libc.IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP");
            Libc.SetInt(_fd, Libc.IPPROTO_IP, Libc.IP_PKTINFO, 1, "IP_PKTINFO");
            // Only the groups joined on this socket, not every group any socket on the host joined.
            Libc.SetInt(_fd, Libc.IPPROTO_IP, Libc.IP_MULTICAST_ALL, 0, "IP_MULTICAST_ALL");
            var mreqn = stackalloc byte[12];
            new Span<byte>(mreqn, 12).Clear();
            BinaryPrimitives.WriteInt32LittleEndian(new Span<byte>(mreqn + 8, 4), _ifIndex);
            if (Libc.SetSockOpt(_fd, Libc.IPPROTO_IP, Libc.IP_MULTICAST_IF, mreqn, 12) != 0)
            {
                throw new IOException($"IP_MULTICAST_IF {InterfaceName}: {Libc.LastError()}");
            }

            if (group is not null)
            {
                group.TryWriteBytes(new Span<byte>(mreqn, 4), out _);
                if (Libc.SetSockOpt(_fd, Libc.IPPROTO_IP, Libc.IP_ADD_MEMBERSHIP, mreqn, 12) != 0)
                {
                    throw new IOException($"cannot join {group} on {InterfaceName}: {Libc.LastError()}");
                }
            }
        }
        else
        {
            Libc.SetInt(_fd, Libc.IPPROTO_IPV6, Libc.IPV6_UNICAST_HOPS, 255, "IPV6_UNICAST_HOPS");
            Libc.SetInt(_fd, Libc.IPPROTO_IPV6, Libc.IPV6_MULTICAST_HOPS, 255, "IPV6_MULTICAST_HOPS");
            Libc.SetInt(_fd, Libc.IPPROTO_IPV6, Libc.IPV6_MULTICAST_LOOP, 0, "IPV6_MULTICAST_LOOP");
            Libc.SetInt(_fd, Libc.IPPROTO_IPV6, Libc.IPV6_MULTICAST_IF, _ifIndex, "IPV6_MULTICAST_IF");
            Libc.SetInt(_fd, Libc.IPPROTO_IPV6, Libc.IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO");
            Libc.SetInt(_fd, Libc.IPPROTO_IPV6, Libc.IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT");
            Libc.SetInt(_fd, Libc.IPPROTO_IPV6, Libc.IPV6_MULTICAST_ALL, 0, "IPV6_MULTICAST_ALL");
            if (group is not null)
            {
                var mreq = stackalloc byte[20];
                group.TryWriteBytes(new Span<byte>(mreq, 16), out _);
                BinaryPrimitives.WriteInt32LittleEndian(new Span<byte>(mreq + 16, 4), _ifIndex);
                if (Libc.SetSockOpt(_fd, Libc.IPPROTO_IPV6, Libc.IPV6_ADD_MEMBERSHIP, mreq, 20) != 0)
                {
                    throw new IOException($"cannot join {group} on {InterfaceName}: {Libc.LastError()}");
                }
            }
        }

        if (source is not null)
        {
            var address = stackalloc byte[28];
            var length = WriteSockaddr(source, new Span<byte>(address, 28));
            if (Libc.Bind(_fd, address, (uint)length) != 0)
            {
                throw new IOException($"cannot bind VRRP source address {source} on {InterfaceName}: {Libc.LastError()}");
            }
        }
    }

    /// <summary>
    /// Sends one VRRP message (the kernel adds the IP header) to a multicast group or a unicast peer.
    /// <paramref name="dry"/>: the very same code with fd -1 (sendto fails with EBADF, nothing is sent or reported),
    /// so that a backup's rehearsal runs this method and not a look-alike: a method's first call (entry-point
    /// binding) cost 0.1 ms of a traced takeover when only a look-alike had run before.
    /// </summary>
    public void Send(ReadOnlySpan<byte> message, IPAddress destination, bool dry = false)
    {
        var address = stackalloc byte[28];
        var length = WriteSockaddr(destination, new Span<byte>(address, 28));
        fixed (byte* p = message)
        {
            if (Libc.SendTo(dry ? -1 : _fd, p, (nuint)message.Length, 0, address, (uint)length) < 0 && !dry)
            {
                throw new IOException($"send to {destination} on {InterfaceName}: {Libc.LastError()}");
            }
        }
    }

    /// <summary>
    /// A send-only socket bound to a source address would otherwise queue every unicast advert to that address, a
    /// second copy of what the receive socket already delivers: attach a one-instruction BPF filter that drops all.
    /// </summary>
    public void DropEverythingReceived()
    {
        // struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; } = BPF_RET|BPF_K, k = 0 (accept 0 bytes).
        var filter = stackalloc byte[8];
        new Span<byte>(filter, 8).Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(new Span<byte>(filter, 2), 0x06);
        // struct sock_fprog { u16 len; (pad) ; struct sock_filter* filter; }
        var program = stackalloc byte[16];
        new Span<byte>(program, 16).Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(new Span<byte>(program, 2), 1);
        *(byte**)(program + 8) = filter;
        if (Libc.SetSockOpt(_fd, Libc.SOL_SOCKET, Libc.SO_ATTACH_FILTER, program, 16) != 0)
        {
            throw new IOException($"SO_ATTACH_FILTER on {InterfaceName}: {Libc.LastError()}");
        }
    }

    public void StartReceiving(Action<ReceivedDatagram> onDatagram, Action<string> onError)
    {
        _receiver = new Thread(() => ReceiveLoop(onDatagram, onError))
        {
            IsBackground = true,
            Name = $"vrrp-rx-{InterfaceName}-{(_family == AddressFamily.InterNetwork ? 4 : 6)}",
        };
        _receiver.Start();
    }

    private void ReceiveLoop(Action<ReceivedDatagram> onDatagram, Action<string> onError)
    {
        ActorHa.Node.Hosting.VrrpThreads.ApplyToCurrentThread($"the receiver on {InterfaceName}");
        var buffer = new byte[65536];
        var control = new byte[256];
        var name = new byte[28];
        while (!_closing)
        {
            var pfd = new Libc.PollFd { Fd = _fd, Events = Libc.POLLIN };
            // A short poll timeout lets Dispose end the loop without racing a close() against a blocked recvmsg.
            var ready = Libc.Poll(&pfd, 1, 200);
            if (ready == 0 || _closing)
            {
                continue;
            }

            if (ready < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Libc.EINTR)
                {
                    continue;
                }

                onError($"poll on {InterfaceName}: {Libc.ErrorText(errno)}");
                return;
            }

            fixed (byte* b = buffer)
            fixed (byte* c = control)
            fixed (byte* n = name)
            {
                var iov = new Libc.IoVec { Base = b, Length = (nuint)buffer.Length };
                var msg = new Libc.MsgHdr { Name = n, NameLength = (uint)name.Length, Iov = &iov, IovLength = 1, Control = c, ControlLength = (nuint)control.Length };
                var received = Libc.RecvMsg(_fd, &msg, 0);
                if (received < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno is Libc.EINTR or Libc.EAGAIN)
                    {
                        continue;
                    }

                    onError($"recvmsg on {InterfaceName}: {Libc.ErrorText(errno)}");
                    return;
                }

                var datagram = Decode(buffer.AsSpan(0, (int)received), name, control.AsSpan(0, (int)msg.ControlLength));
                if (datagram is not null)
                {
                    onDatagram(datagram);
                }
            }
        }
    }

    private ReceivedDatagram? Decode(ReadOnlySpan<byte> data, ReadOnlySpan<byte> name, ReadOnlySpan<byte> control)
    {
        var ifIndex = _ifIndex;
        var hopLimit = -1;
        DateTime? receivedAt = null;
        IPAddress source;
        var destination = IPAddress.None;
        if (_family == AddressFamily.InterNetwork)
        {
            source = new IPAddress(name.Slice(4, 4));
        }
        else
        {
            source = new IPAddress(name.Slice(8, 16), BinaryPrimitives.ReadUInt32LittleEndian(name.Slice(24, 4)));
        }

        // Walk the control messages: cmsghdr is { size_t len; int level; int type; } padded to 8 bytes.
        var offset = 0;
        while (offset + 16 <= control.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(control.Slice(offset, 8));
            if (length < 16 || offset + length > control.Length)
            {
                break;
            }

            var level = BinaryPrimitives.ReadInt32LittleEndian(control.Slice(offset + 8, 4));
            var type = BinaryPrimitives.ReadInt32LittleEndian(control.Slice(offset + 12, 4));
            var payload = control.Slice(offset + 16, length - 16);
            if (level == Libc.IPPROTO_IP && type == Libc.IP_PKTINFO && payload.Length >= 12)
            {
                ifIndex = BinaryPrimitives.ReadInt32LittleEndian(payload[..4]);
                destination = new IPAddress(payload.Slice(8, 4));
            }
            else if (level == Libc.IPPROTO_IPV6 && type == Libc.IPV6_PKTINFO && payload.Length >= 20)
            {
                destination = new IPAddress(payload[..16]);
                ifIndex = BinaryPrimitives.ReadInt32LittleEndian(payload.Slice(16, 4));
            }
            else if (level == Libc.SOL_SOCKET && type == Libc.SO_TIMESTAMPNS && payload.Length >= 16)
            {
                var seconds = BinaryPrimitives.ReadInt64LittleEndian(payload[..8]);
                var nanoseconds = BinaryPrimitives.ReadInt64LittleEndian(payload.Slice(8, 8));
                receivedAt = DateTime.UnixEpoch.AddTicks((seconds * TimeSpan.TicksPerSecond) + (nanoseconds / 100));
            }
            else if (level == Libc.IPPROTO_IPV6 && type == Libc.IPV6_HOPLIMIT && payload.Length >= 4)
            {
                hopLimit = BinaryPrimitives.ReadInt32LittleEndian(payload[..4]);
            }

            offset += (length + 7) & ~7;
        }

        return new ReceivedDatagram(data.ToArray(), ifIndex, source, destination, hopLimit) { ReceivedAt = receivedAt ?? DateTime.UtcNow };
    }

    private int WriteSockaddr(IPAddress address, Span<byte> into)
    {
        into.Clear();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(into, Libc.AF_INET);
            address.TryWriteBytes(into.Slice(4, 4), out _);
            return 16;
        }

        BinaryPrimitives.WriteUInt16LittleEndian(into, Libc.AF_INET6);
        address.TryWriteBytes(into.Slice(8, 16), out _);
        // Link-local and multicast-link-scope addresses need the interface as scope id.
        var scope = address.IsIPv6LinkLocal || address.IsIPv6Multicast ? (uint)_ifIndex : (uint)address.ScopeId;
        BinaryPrimitives.WriteUInt32LittleEndian(into.Slice(24, 4), scope);
        return 28;
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
