using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Event;

namespace ActorHa.Node.Actors;

/// <summary>One request on the control socket: a verb and its arguments, one JSON object per line.</summary>
internal sealed record ControlRequest(string Verb, IReadOnlyList<string>? Args = null);

/// <summary>The answer: ok or not, text for a person, and data for --json.</summary>
internal sealed record ControlResponse(bool Ok, string Text, JsonElement? Data = null);

/// <summary>
/// /control: the Unix-domain socket the `actorha` CLI talks to. The socket file is mode 0600 and every
/// connection's peer credentials are checked (root, or the user the node runs as), so only an administrator can
/// ask for a reload. Each connection carries one request line and gets one response line. The accept loop runs on
/// its own thread and only Tells; requests are answered by asking the supervisor, never by blocking this actor.
/// </summary>
internal sealed partial class ControlActor : ReceiveActor
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(), new IpAddressJson() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private sealed record Accepted(Socket Connection);

    private sealed class IpAddressJson : JsonConverter<System.Net.IPAddress>
    {
        public override System.Net.IPAddress Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            System.Net.IPAddress.Parse(reader.GetString() ?? "");

        public override void Write(Utf8JsonWriter writer, System.Net.IPAddress value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
    }

    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly string _path;
    private readonly IActorRef _supervisor;
    private Socket? _listener;
    private Thread? _acceptor;
    private volatile bool _stopping;

    public ControlActor(string path, IActorRef supervisor)
    {
        _path = path;
        _supervisor = supervisor;
        Receive<Accepted>(a => Serve(a.Connection));
        Receive<ActorTree.DescribeTree>(_ => ActorTree.Reply(Context, $"listening on {_path}"));
    }

    public static Props Props(string path, IActorRef supervisor) => Akka.Actor.Props.Create(() => new ControlActor(path, supervisor));

    protected override void PreStart()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_path))!);
        if (File.Exists(_path))
        {
            File.Delete(_path);
        }

        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(_path));
        File.SetUnixFileMode(_path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        listener.Listen(16);
        _listener = listener;
        var self = Self;
        _acceptor = new Thread(() =>
        {
            while (!_stopping)
            {
                try
                {
                    self.Tell(new Accepted(listener.Accept()));
                }
                catch (SocketException)
                {
                    return;
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
            }
        })
        { IsBackground = true, Name = "actorha-control" };
        _acceptor.Start();
    }

    protected override void PostStop()
    {
        _stopping = true;
        _listener?.Dispose();
        try
        {
            File.Delete(_path);
        }
        catch (IOException)
        {
            // Already gone.
        }
    }

    private void Serve(Socket connection)
    {
        var uid = PeerUid(connection);
        if (uid is not { } peer || (peer != 0 && peer != CurrentUid()))
        {
            _log.Warning("control socket: refused a connection from uid {0}", uid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown");
            Reply(connection, new ControlResponse(false, "permission denied: the control socket is for root"));
            return;
        }

        var supervisor = _supervisor;
        _ = Task.Run(async () =>
        {
            try
            {
                using var stream = new NetworkStream(connection, ownsSocket: false);
                using var reader = new StreamReader(stream, Encoding.UTF8);
                var line = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
                var request = line is null ? null : JsonSerializer.Deserialize<ControlRequest>(line, Json);
                var response = request is null
                    ? new ControlResponse(false, "empty request")
                    : await supervisor.Ask<ControlResponse>(request, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                Reply(connection, response);
            }
            catch (Exception e) when (e is JsonException or IOException or TimeoutException or AskTimeoutException)
            {
                Reply(connection, new ControlResponse(false, $"request failed: {e.Message}"));
            }
        });
    }

    private static void Reply(Socket connection, ControlResponse response)
    {
        try
        {
            connection.Send(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(response, Json) + "\n"));
        }
        catch (SocketException)
        {
            // The client went away.
        }
        finally
        {
            connection.Dispose();
        }
    }

    /// <summary>SO_PEERCRED: the uid of the process on the other end (struct ucred { pid; uid; gid; }).</summary>
    private static int? PeerUid(Socket connection)
    {
        var cred = new byte[12];
        try
        {
            return connection.GetRawSocketOption(SolSocket, SoPeerCred, cred) >= 8 ? BitConverter.ToInt32(cred, 4) : null;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    private static int CurrentUid() => (int)GetUid();

    [LibraryImport("libc", EntryPoint = "getuid")]
    private static partial uint GetUid();
}
