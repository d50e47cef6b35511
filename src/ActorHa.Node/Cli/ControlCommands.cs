using System.CommandLine;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ActorHa.Node.Actors;
using ActorHa.Node.Hosting;

namespace ActorHa.Node.Cli;

/// <summary>
/// The verbs that talk to a running node over its control socket: <c>status</c>, <c>tree</c>, <c>reload</c>. The
/// socket is found like the node places it: next to the pid file given with <c>-p</c>, else the default.
/// </summary>
internal static class ControlCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Verb("status", "Show every VRRP instance: state, priority and why, master, VIPs, advert counters, last transition", json: true);
        yield return Verb("tree", "Show the node's live actor tree with each actor's state", json: false);
        yield return Verb("reload", "Reload the configuration (like SIGHUP) and print the diagnostics", json: false);
        yield return Verb("switchover", "Hand an instance (and its sync group) over to the peer without editing the config; stays BACKUP until --release. --to PEER proceeds only if PEER wins the election that follows", json: false, instanceArgument: true);
        yield return Verb("maintenance", "on: hand every instance over and stay BACKUP; off: back to the configured priorities", json: false, onOff: true);
    }

    private static Command Verb(string name, string description, bool json, bool instanceArgument = false, bool onOff = false)
    {
        var command = new Command(name, description);
        var instance = new Argument<string>("instance") { Description = "vrrp_instance name" };
        var release = new Option<bool>("--release") { Description = "end the switchover: back to the configured priority" };
        var to = new Option<string>("--to") { Description = "hand over to this peer (its address); refused unless the election after this node resigns picks it" };
        var state = new Argument<string>("on|off");
        if (instanceArgument)
        {
            command.Arguments.Add(instance);
            command.Options.Add(release);
            command.Options.Add(to);
            command.Validators.Add(result =>
            {
                if (result.GetValue(release) && result.GetValue(to) is not null)
                {
                    result.AddError("--to and --release exclude each other");
                }
            });
        }

        if (onOff)
        {
            command.Arguments.Add(state);
        }

        var pid = new Option<string>("--pid", "-p") { Description = "pid file of the node (its control socket sits next to it)" };
        var socket = new Option<string>("--control-socket") { Description = "control socket path" };
        var asJson = new Option<bool>("--json") { Description = "machine-readable output" };
        command.Options.Add(pid);
        command.Options.Add(socket);
        if (json)
        {
            command.Options.Add(asJson);
        }

        command.SetAction(parse =>
        {
            var path = parse.GetValue(socket) ?? new NodeOptions { PidFile = parse.GetValue(pid) }.EffectiveControlSocket;
            IReadOnlyList<string>? args = instanceArgument
                ? (parse.GetValue(release) ? [parse.GetValue(instance)!, "release"]
                    : parse.GetValue(to) is { } peer ? [parse.GetValue(instance)!, "to", peer]
                    : [parse.GetValue(instance)!])
                : onOff ? [parse.GetValue(state)!] : null;
            var response = Ask(path, new ControlRequest(name, args));
            if (response is null)
            {
                Console.Error.WriteLine($"actorha {name}: cannot reach a node at {path} (is it running? use -p PIDFILE for a node started with -p)");
                return 3;
            }

            if (json && parse.GetValue(asJson) && response.Data is { } data)
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(data, new JsonSerializerOptions { WriteIndented = true }));
            }
            else
            {
                (response.Ok ? Console.Out : Console.Error).WriteLine(response.Text);
            }

            return response.Ok ? 0 : 1;
        });
        return command;
    }

    internal static ControlResponse? Ask(string path, ControlRequest request)
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(path));
            socket.Send(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request, ControlActor.Json) + "\n"));
            using var stream = new NetworkStream(socket, ownsSocket: false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var line = reader.ReadLine();
            return line is null ? null : JsonSerializer.Deserialize<ControlResponse>(line, ControlActor.Json);
        }
        catch (SocketException)
        {
            return null;
        }
    }
}
