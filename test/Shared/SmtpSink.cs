using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorHa.Tests.Shared;

/// <summary>
/// A tiny SMTP server for tests: answers HELO, MAIL, RCPT, DATA and QUIT and keeps, for every connection that
/// delivered a message, the dialogue as the client sent it (one line per command or message line, CR LF stripped,
/// each followed by '\n'). Every accept and read is cancellable: the sink's lifetime bounds them all and each
/// connection gets at most 30 s. Dispose only cancels and closes; it never waits for a client.
/// </summary>
public sealed class SmtpSink : IDisposable
{
    /// <summary>How long one connection may take; a stalled client is cut off then.</summary>
    private static readonly TimeSpan ConnectionLimit = TimeSpan.FromSeconds(30);

    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();

    public SmtpSink(IPEndPoint endpoint)
        : this(Listening(endpoint))
    {
    }

    /// <summary>Serves on a socket that is already bound and listening (one made inside a network namespace, say); the sink owns it.</summary>
    public SmtpSink(Socket listening)
    {
        _listener = listening;
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        _ = AcceptLoopAsync();
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>One dialogue per connection that delivered a message, in the order they ended.</summary>
    public ConcurrentQueue<string> Transcripts { get; } = new();

    /// <summary>TcpListener binds and listens; the sink keeps only its socket.</summary>
    private static Socket Listening(IPEndPoint endpoint)
    {
        var listener = new TcpListener(endpoint);
        listener.Start();
        return listener.Server;
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptAsync(_stop.Token);
                _ = ServeAsync(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Disposed.
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        limit.CancelAfter(ConnectionLimit);
        // Closing the socket ends any read or write still pending when the limit or Dispose comes.
        using var closeOnCancel = limit.Token.Register(client.Dispose);
        try
        {
            await using var stream = new NetworkStream(client, ownsSocket: true);
            using var reader = new StreamReader(stream, Encoding.ASCII);
            await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            var transcript = new StringBuilder();
            var delivered = false;
            var inData = false;
            await Reply(writer, "220 test ESMTP", limit.Token);
            while (await reader.ReadLineAsync(limit.Token) is { } line)
            {
                transcript.Append(line).Append('\n');
                if (inData)
                {
                    if (line == ".")
                    {
                        inData = false;
                        delivered = true;
                        await Reply(writer, "250 queued", limit.Token);
                    }
                }
                else if (line.StartsWith("DATA", StringComparison.Ordinal))
                {
                    inData = true;
                    await Reply(writer, "354 go ahead", limit.Token);
                }
                else if (line.StartsWith("QUIT", StringComparison.Ordinal))
                {
                    await Reply(writer, "221 bye", limit.Token);
                    break;
                }
                else
                {
                    await Reply(writer, "250 ok", limit.Token);
                }
            }

            if (delivered)
            {
                Transcripts.Enqueue(transcript.ToString());
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // A client that hangs up early or stalls past the limit delivered nothing worth keeping.
        }
    }

    private static Task Reply(StreamWriter writer, string line, CancellationToken cancellation) =>
        writer.WriteLineAsync(line.AsMemory(), cancellation);

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
    }
}
