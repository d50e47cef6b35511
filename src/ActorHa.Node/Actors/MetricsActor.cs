using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorHa.Node.Metrics;
using Akka.Actor;
using Akka.Event;

namespace ActorHa.Node.Actors;

/// <summary>
/// /metrics: a minimal HTTP/1.x responder for Prometheus on the address given with <c>--metrics</c>. <c>GET
/// /metrics</c> asks /node for its status and answers it in the text exposition format 0.0.4; every response
/// closes its connection. The accept loop runs on its own thread and only Tells; each request is served on the
/// thread pool, so a slow scraper never holds an actor. There is no authentication: bind it to a management
/// address or loopback.
/// </summary>
internal sealed class MetricsActor : ReceiveActor
{
    private const int MaxRequestBytes = 8192;

    private sealed record Accepted(Socket Connection);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Socket _listener;
    private readonly EndPoint _endpoint;
    private readonly IActorRef _supervisor;
    private volatile bool _stopping;
    private long _scrapes;

    /// <param name="listener">A listening socket from <see cref="Listen"/>: the caller binds it, so a taken port is its error to report.</param>
    public MetricsActor(Socket listener, IActorRef supervisor)
    {
        _listener = listener;
        _endpoint = listener.LocalEndPoint!;
        _supervisor = supervisor;
        Receive<Accepted>(a =>
        {
            _scrapes++;
            var supervisor = _supervisor;
            _ = Task.Run(() => ServeAsync(a.Connection, supervisor));
        });
        Receive<ActorTree.DescribeTree>(_ => ActorTree.Reply(Context, $"listening on http://{_endpoint}/metrics, {_scrapes} request(s)"));
    }

    public static Props Props(Socket listener, IActorRef supervisor) => Akka.Actor.Props.Create(() => new MetricsActor(listener, supervisor));

    /// <summary>Binds and listens on <paramref name="endpoint"/>; throws SocketException when the address is taken or not local.</summary>
    public static Socket Listen(IPEndPoint endpoint)
    {
        var listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(endpoint);
            listener.Listen(16);
            return listener;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    /// <summary>host:port, [v6]:port or :port (all IPv4 addresses); null when it is none of these.</summary>
    public static IPEndPoint? ParseAddress(string text)
    {
        if (text.StartsWith(':'))
        {
            text = "0.0.0.0" + text;
        }

        return IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port != 0 ? endpoint : null;
    }

    protected override void PreStart()
    {
        var listener = _listener;
        _log.Info("Metrics on http://{0}/metrics", _endpoint);
        var self = Self;
        new Thread(() =>
        {
            while (!_stopping)
            {
                try
                {
                    self.Tell(new Accepted(listener.Accept()));
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    return;
                }
            }
        })
        { IsBackground = true, Name = "actorha-metrics" }.Start();
    }

    protected override void PostStop()
    {
        _stopping = true;
        _listener.Dispose();
    }

    private static async Task ServeAsync(Socket connection, IActorRef supervisor)
    {
        using (connection)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                var request = await ReadRequestAsync(connection, timeout.Token).ConfigureAwait(false);
                var (status, contentType, body) = await AnswerAsync(request, supervisor).ConfigureAwait(false);
                var head = request?.Method == "HEAD";
                var bytes = Encoding.UTF8.GetBytes(body);
                var header = $"HTTP/1.1 {status}\r\nContent-Type: {contentType}\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
                await connection.SendAsync(Encoding.ASCII.GetBytes(header), SocketFlags.None, timeout.Token).ConfigureAwait(false);
                if (!head)
                {
                    await connection.SendAsync(bytes, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                }

                connection.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The scraper went away or was too slow; nothing to answer.
            }
        }
    }

    private sealed record Request(string Method, string Path);

    /// <summary>Reads up to the blank line that ends the headers; only the request line matters here.</summary>
    private static async Task<Request?> ReadRequestAsync(Socket connection, CancellationToken token)
    {
        var buffer = new byte[MaxRequestBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var n = await connection.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, token).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            length += n;
            if (buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) >= 0 || buffer.AsSpan(0, length).IndexOf("\n\n"u8) >= 0)
            {
                break;
            }
        }

        var text = Encoding.ASCII.GetString(buffer, 0, length);
        var line = text.Split('\n', 2)[0].TrimEnd('\r').Split(' ');
        return line.Length == 3 && line[2].StartsWith("HTTP/1.", StringComparison.Ordinal) ? new Request(line[0], line[1]) : null;
    }

    private static async Task<(string Status, string ContentType, string Body)> AnswerAsync(Request? request, IActorRef supervisor)
    {
        const string Text = "text/plain; charset=utf-8";
        if (request is null)
        {
            return ("400 Bad Request", Text, "bad request\n");
        }

        if (request.Method is not ("GET" or "HEAD"))
        {
            return ("405 Method Not Allowed", Text, "only GET and HEAD\n");
        }

        var path = request.Path.Split('?', 2)[0];
        if (path == "/")
        {
            return ("200 OK", Text, "ActorHa: metrics are at /metrics\n");
        }

        if (path != "/metrics")
        {
            return ("404 Not Found", Text, "not found: metrics are at /metrics\n");
        }

        try
        {
            var status = await supervisor.Ask<NodeStatus>(NodeSupervisor.CollectStatus.Instance, TimeSpan.FromSeconds(8)).ConfigureAwait(false);
            return ("200 OK", PrometheusText.ContentType, MetricsRenderer.Render(status));
        }
        catch (Exception e) when (e is AskTimeoutException or TimeoutException)
        {
            return ("503 Service Unavailable", Text, $"the node did not answer: {e.Message}\n");
        }
    }
}
