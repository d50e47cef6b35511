using System.Buffers.Binary;
using ActorHa.Node.Io;

namespace ActorHa.Node.Kernel;

/// <summary>
/// An AF_PACKET socket that sends prebuilt Ethernet frames (gratuitous ARP, unsolicited NA) out of a chosen
/// interface. Protocol 0: it never receives anything.
/// </summary>
internal sealed unsafe class PacketSocket : IDisposable
{
    private readonly int _fd;

    public PacketSocket()
    {
        _fd = Libc.Socket(Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, 0);
        if (_fd < 0)
        {
            throw new IOException($"cannot open packet socket: {Libc.LastError()}");
        }
    }

    /// <summary>
    /// Sends one frame out of interface <paramref name="ifIndex"/>; returns null or why it failed. <paramref name="dry"/>:
    /// the same code on fd -1 (EBADF, nothing sent, null returned), for a backup's rehearsal of its takeover.
    /// </summary>
    public string? Send(int ifIndex, ReadOnlySpan<byte> frame, bool dry = false)
    {
        // struct sockaddr_ll { u16 family; be16 protocol; i32 ifindex; u16 hatype; u8 pkttype; u8 halen; u8 addr[8]; }
        var address = stackalloc byte[20];
        var span = new Span<byte>(address, 20);
        span.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(span, Libc.AF_PACKET);
        span[2] = frame[12];
        span[3] = frame[13];
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], ifIndex);
        span[11] = 6;
        frame[..6].CopyTo(span[12..]);
        fixed (byte* p = frame)
        {
            return Libc.SendTo(dry ? -1 : _fd, p, (nuint)frame.Length, 0, address, 20) < 0 && !dry ? Libc.LastError() : null;
        }
    }

    public void Dispose() => Libc.Close(_fd);
}
