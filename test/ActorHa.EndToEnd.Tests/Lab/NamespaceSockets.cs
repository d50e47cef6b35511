using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ActorHa.EndToEnd.Tests.Lab;

/// <summary>
/// Servers the test itself runs inside a lab host's network namespace (an SMTP sink the node reaches on its own
/// 127.0.0.1, say). A socket belongs to the namespace of the thread that created it and stays there for good, so
/// one short-lived thread enters the namespace, creates and binds the socket, and ends; any thread may then use it.
/// </summary>
public static partial class NamespaceSockets
{
    private const int CloneNewNet = 0x40000000;

    /// <summary>A TCP socket bound to <paramref name="endpoint"/> (port 0 picks one) and listening, inside the host's namespace.</summary>
    public static Socket ListenTcp(this LabHost host, IPEndPoint endpoint) => host.InNamespace(() =>
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(endpoint);
            socket.Listen(16);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    });

    /// <summary>
    /// Runs <paramref name="create"/> (which opens sockets, say) on a thread inside the host's network namespace and
    /// returns what it made; its exceptions are rethrown here.
    /// </summary>
    public static T InNamespace<T>(this LabHost host, Func<T> create)
    {
        T? result = default;
        Exception? error = null;
        // A dedicated thread, never a pool thread: setns changes the calling thread for as long as it lives. It does
        // nothing but these synchronous calls, so the runtime starts no thread from it (a new thread would inherit
        // the namespace).
        var thread = new Thread(() =>
        {
            try
            {
                using var ns = File.OpenHandle($"/run/netns/{host.Namespace}");
                if (SetNs(ns, CloneNewNet) != 0)
                {
                    throw new InvalidOperationException($"setns({host.Namespace}) failed: errno {Marshal.GetLastPInvokeError()}");
                }

                result = create();
            }
            catch (Exception e)
            {
                error = e;
            }
        })
        {
            IsBackground = true,
            Name = $"netns {host.Namespace}",
        };
        thread.Start();
        if (!thread.Join(TimeSpan.FromSeconds(10)))
        {
            throw new TimeoutException($"the work in {host.Namespace} did not finish in 10 s");
        }

        return error is null ? result! : throw new InvalidOperationException($"in {host.Namespace}: {error.Message}", error);
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(SafeFileHandle fd, int nsType);
}
