using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ActorHa.Node.Io;

namespace ActorHa.Node.Diagnostics;

/// <summary>
/// Listens for adverts on one interface, IPv4 and IPv6, without sending anything: one unbound protocol-112 raw
/// socket per family that joins 224.0.0.18 / ff02::12 (unicast adverts to this host arrive on it too). The receive
/// threads only queue; the caller drains <see cref="Adverts"/> on its own thread.
/// </summary>
internal sealed class SegmentListener : IDisposable
{
    private static readonly IPAddress GroupIPv4 = IPAddress.Parse("224.0.0.18");
    private static readonly IPAddress GroupIPv6 = IPAddress.Parse("ff02::12");
    private readonly List<RawVrrpSocket> _sockets = [];
    private readonly TimeProvider _time;
    private readonly long _start;

    private SegmentListener(string interfaceName, TimeProvider time)
    {
        InterfaceName = interfaceName;
        _time = time;
        _start = time.GetTimestamp();
    }

    public string InterfaceName { get; }

    public BlockingCollection<SegmentAdvert> Adverts { get; } = [];

    /// <summary>Errors of a receive loop (the socket stopped working); shown once, listening goes on with the other family.</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    public TimeSpan Elapsed => _time.GetElapsedTime(_start);

    /// <summary>Opens the sockets; throws with the reason when the interface is missing or raw sockets are refused (not root).</summary>
    public static SegmentListener Open(string interfaceName, TimeProvider time, bool ipv4 = true, bool ipv6 = true)
    {
        var index = (int)Libc.IfNameToIndex(interfaceName);
        if (index == 0)
        {
            throw new IOException($"no interface {interfaceName} in this network namespace");
        }

        var listener = new SegmentListener(interfaceName, time);
        try
        {
            if (ipv4)
            {
                listener._sockets.Add(RawVrrpSocket.Open(AddressFamily.InterNetwork, interfaceName, index, null, GroupIPv4));
            }

            if (ipv6)
            {
                try
                {
                    listener._sockets.Add(RawVrrpSocket.Open(AddressFamily.InterNetworkV6, interfaceName, index, null, GroupIPv6));
                }
                catch (IOException e) when (ipv4)
                {
                    // IPv6 disabled on the interface: IPv4 adverts are still worth watching.
                    listener.Errors.Enqueue($"IPv6 not watched: {e.Message}");
                }
            }
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        foreach (var socket in listener._sockets)
        {
            socket.StartReceiving(listener.OnDatagram, listener.Errors.Enqueue);
        }

        return listener;
    }

    private void OnDatagram(ReceivedDatagram datagram)
    {
        var advert = SegmentAdvert.Decode(datagram, Elapsed, _time.GetLocalNow());
        if (advert is not null && !Adverts.IsAddingCompleted)
        {
            Adverts.Add(advert);
        }
    }

    public void Dispose()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        Adverts.CompleteAdding();
    }
}
