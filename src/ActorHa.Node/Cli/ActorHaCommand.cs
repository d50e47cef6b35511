using System.CommandLine;

namespace ActorHa.Node.Cli;

/// <summary>The `actorha` command line: one verb per file, registered here.</summary>
internal static class ActorHaCommand
{
    public static int Run(string[] args)
    {
        var root = new RootCommand("ActorHa: a keepalived-compatible VRRP and LVS daemon on Akka.NET");
        root.Subcommands.Add(DecodeCommand.Create());
        root.Subcommands.Add(CheckCommand.Create());
        root.Subcommands.Add(GenhashCommand.Create());
        root.Subcommands.Add(WatchCommand.Create());
        root.Subcommands.Add(DoctorCommand.Create());
        foreach (var verb in ControlCommands.Create())
        {
            root.Subcommands.Add(verb);
        }

        // keepalived's flags on the bare command run the node, so `actorha -n -l -D -f FILE` works like keepalived.
        RunCommand.Attach(root);
        root.Subcommands.Add(RunCommand.Create());
        return root.Parse(args.Length == 0 ? ["--help"] : args).Invoke();
    }
}
