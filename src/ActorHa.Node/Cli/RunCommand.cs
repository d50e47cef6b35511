using System.CommandLine;
using System.Globalization;
using ActorHa.Node.Hosting;

namespace ActorHa.Node.Cli;

/// <summary>
/// <c>actorha run</c>, and keepalived's own flags on the bare command (<c>actorha -n -l -D -f FILE</c>), so a
/// keepalived systemd unit or init script can start ActorHa unchanged.
/// </summary>
internal static class RunCommand
{
    private sealed record Flags(
        Option<string> File,
        Option<bool> Vrrp,
        Option<bool> Check,
        Option<bool> LogConsole,
        Option<bool> LogDetail,
        Option<string> Facility,
        Option<bool> NoSyslog,
        Option<bool> DontFork,
        Option<string> Pid,
        Option<string> VrrpPid,
        Option<string> CheckersPid,
        Option<string> ConfigId,
        Option<bool> DontReleaseVrrp,
        Option<bool> DontReleaseIpvs,
        Option<bool> DontRespawn,
        Option<string> LogFile,
        Option<string> ControlSocket,
        Option<string> StateDir,
        Option<string> Metrics);

    public static Command Create()
    {
        var command = new Command("run", "Run the node in the foreground (like keepalived -n)");
        Attach(command);
        return command;
    }

    /// <summary>Adds the flags to <paramref name="command"/> and makes it run the node.</summary>
    public static void Attach(Command command)
    {
        var flags = new Flags(
            new Option<string>("--use-file", "-f") { Description = "configuration file", DefaultValueFactory = _ => NodeOptions.DefaultConfigFile },
            new Option<bool>("--vrrp", "-P") { Description = "only run the VRRP half" },
            new Option<bool>("--check", "-C") { Description = "only run the health-checker half" },
            new Option<bool>("--log-console", "-l") { Description = "log to the console" },
            new Option<bool>("--log-detail", "-D") { Description = "detailed log messages" },
            new Option<string>("--log-facility", "-S") { Description = "syslog facility: 0-7, local0-7, user, daemon" },
            new Option<bool>("--no-syslog", "-G") { Description = "don't log via syslog" },
            new Option<bool>("--dont-fork", "-n") { Description = "accepted for compatibility: ActorHa always runs in the foreground" },
            new Option<string>("--pid", "-p") { Description = "pid file" },
            new Option<string>("--vrrp_pid", "-r") { Description = "pid file of the VRRP half (same process here)" },
            new Option<string>("--checkers_pid", "-c") { Description = "pid file of the checker half (same process here)" },
            new Option<string>("--config-id", "-i") { Description = "config-id that @id lines are matched against" },
            new Option<bool>("--dont-release-vrrp", "-V") { Description = "leave VIPs and virtual routes in place on stop" },
            new Option<bool>("--dont-release-ipvs", "-I") { Description = "leave the IPVS table in place on stop" },
            new Option<bool>("--dont-respawn", "-R") { Description = "accepted for compatibility: there are no child processes" },
            new Option<string>("--log-file") { Description = "also write log lines to this file" },
            new Option<string>("--control-socket") { Description = "control socket path (default: next to the pid file)" },
            new Option<string>("--state-dir") { Description = "where the kernel ledger is kept", DefaultValueFactory = _ => "/run/actorha" },
            new Option<string>("--metrics") { Description = $"serve Prometheus metrics at http://ADDRESS/metrics (host:port, [v6]:port or :port; default: ${NodeOptions.MetricsEnvironmentVariable}, else off)" });

        foreach (var option in new Option[]
                 {
                     flags.File, flags.Vrrp, flags.Check, flags.LogConsole, flags.LogDetail, flags.Facility, flags.NoSyslog, flags.DontFork,
                     flags.Pid, flags.VrrpPid, flags.CheckersPid, flags.ConfigId, flags.DontReleaseVrrp, flags.DontReleaseIpvs, flags.DontRespawn,
                     flags.LogFile, flags.ControlSocket, flags.StateDir, flags.Metrics,
                 })
        {
            command.Options.Add(option);
        }

        command.SetAction(parse =>
        {
            var onlyVrrp = parse.GetValue(flags.Vrrp);
            var onlyCheck = parse.GetValue(flags.Check);
            if (!ParseFacility(parse.GetValue(flags.Facility), out var facility))
            {
                Console.Error.WriteLine($"actorha: invalid log facility '{parse.GetValue(flags.Facility)}', expected 0-7, local0-7, user or daemon");
                return 2;
            }

            var metrics = parse.GetValue(flags.Metrics) ?? Environment.GetEnvironmentVariable(NodeOptions.MetricsEnvironmentVariable);
            if (string.IsNullOrWhiteSpace(metrics))
            {
                metrics = null;
            }
            else if (Actors.MetricsActor.ParseAddress(metrics) is null)
            {
                Console.Error.WriteLine($"actorha: invalid metrics address '{metrics}', expected host:port, [v6]:port or :port");
                return 2;
            }

            var options = new NodeOptions
            {
                ConfigFile = parse.GetValue(flags.File) ?? NodeOptions.DefaultConfigFile,
                ConfigId = parse.GetValue(flags.ConfigId),
                LogConsole = parse.GetValue(flags.LogConsole),
                LogDetail = parse.GetValue(flags.LogDetail),
                Syslog = !parse.GetValue(flags.NoSyslog),
                SyslogFacility = facility,
                LogFile = parse.GetValue(flags.LogFile),
                PidFile = parse.GetValue(flags.Pid),
                VrrpPidFile = parse.GetValue(flags.VrrpPid),
                CheckersPidFile = parse.GetValue(flags.CheckersPid),
                RunVrrp = onlyVrrp || !onlyCheck,
                RunCheckers = onlyCheck || !onlyVrrp,
                DontReleaseVrrp = parse.GetValue(flags.DontReleaseVrrp),
                DontReleaseIpvs = parse.GetValue(flags.DontReleaseIpvs),
                ControlSocket = parse.GetValue(flags.ControlSocket),
                StateDirectory = parse.GetValue(flags.StateDir) ?? "/run/actorha",
                MetricsAddress = metrics,
            };
            return NodeHost.Run(options);
        });
    }

    /// <summary>keepalived's -S: 0-7 mean LOG_LOCAL0-7; "user" and "daemon" their facilities.</summary>
    internal static bool ParseFacility(string? text, out int facility)
    {
        facility = 3;
        if (string.IsNullOrEmpty(text) || text == "daemon")
        {
            return true;
        }

        if (text == "user")
        {
            facility = 1;
            return true;
        }

        var digits = text.StartsWith("local", StringComparison.Ordinal) ? text[5..] : text;
        if (int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 0 and <= 7)
        {
            facility = 16 + n;
            return true;
        }

        return false;
    }
}
