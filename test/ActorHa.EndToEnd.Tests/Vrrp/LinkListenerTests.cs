using System.Collections.Concurrent;
using System.Net;
using ActorHa.EndToEnd.Tests.Lab;
using ActorHa.Node.Kernel;
using ActorHa.Protocol.Netlink;
using Xunit.Abstractions;

namespace ActorHa.EndToEnd.Tests.Vrrp;

/// <summary>
/// The rtnetlink listener (/links' receive thread) is woken by the kernel with the RTM_NEWADDR of a VIP that the
/// event loop has just added, mid-takeover; it holds that event back while the loop is busy, so that it does not
/// take the loop's CPU before the advert and GARPs are out, but only for a bounded time. On a real rtnetlink socket
/// in a lab host, with a real address added by `ip addr`.
/// </summary>
[Collection("lab")]
public sealed class LinkListenerTests(ITestOutputHelper output)
{
    private static readonly IPAddress Added = IPAddress.Parse("192.0.2.200");

    [Fact]
    public async Task An_address_event_waits_while_the_loop_is_busy_and_goes_on_once_it_is_not()
    {
        using var lab = NetnsLab.Create(1, output);
        var host = lab.Hosts[0];
        var busy = 1;
        var (socket, seen) = Listen(host, () => Volatile.Read(ref busy) == 1, TimeSpan.FromMinutes(1));
        using var listening = socket;

        host.Sh($"ip addr add {Added}/32 dev eth0");
        await Task.Delay(500);
        Assert.DoesNotContain(seen, e => e.Address.Equals(Added));

        Volatile.Write(ref busy, 0);
        Assert.True(await NetnsLab.WaitUntilAsync(() => seen.Any(e => e.Address.Equals(Added) && !e.Deleted), TimeSpan.FromSeconds(10)), "the event never came once the loop was idle");
    }

    [Fact]
    public async Task A_loop_that_stays_busy_delays_an_address_event_only_by_the_bound()
    {
        using var lab = NetnsLab.Create(1, output);
        var host = lab.Hosts[0];
        var (socket, seen) = Listen(host, () => true, maxHold: null);
        using var listening = socket;

        host.Sh($"ip addr add {Added}/32 dev eth0");
        Assert.True(await NetnsLab.WaitUntilAsync(() => seen.Any(e => e.Address.Equals(Added) && !e.Deleted), TimeSpan.FromSeconds(10)), "a busy loop starved the listener");
    }

    /// <summary>A listener in the host's namespace that queues the address events it hands on.</summary>
    private (LinkEventSocket Socket, ConcurrentQueue<RtnlAddressEvent> Seen) Listen(LabHost host, Func<bool> holdWhile, TimeSpan? maxHold)
    {
        var socket = host.InNamespace(() => new LinkEventSocket());
        var seen = new ConcurrentQueue<RtnlAddressEvent>();
        socket.StartReceiving(
            events =>
            {
                foreach (var e in events.OfType<RtnlAddressEvent>())
                {
                    seen.Enqueue(e);
                }
            },
            _ => { },
            reason => output.WriteLine($"listener failed: {reason}"),
            holdWhile,
            maxHold);
        return (socket, seen);
    }
}
