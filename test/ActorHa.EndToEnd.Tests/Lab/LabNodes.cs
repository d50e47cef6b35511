namespace ActorHa.EndToEnd.Tests.Lab;

/// <summary>Which daemon a lab host runs: ActorHa (the build under test) or Debian's keepalived as a peer.</summary>
public enum Daemon
{
    ActorHa,
    Keepalived,
}

/// <summary>Starting VRRP daemons on lab hosts, each with its own config, pid files and state folder (deleted with the lab).</summary>
public static class LabNodes
{
    /// <summary>The actorha executable built next to the tests (the Node project is referenced).</summary>
    public static string ActorHaPath => Path.Combine(AppContext.BaseDirectory, "actorha");

    /// <summary>The repository root (for deploy/ tools such as the advert injector).</summary>
    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ActorHa.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("cannot find ActorHa.sln above the test binaries");
        }
    }

    public static LabProcess Start(this LabHost host, Daemon daemon, string config, params string[] extraArgs)
    {
        var dir = Directory.CreateTempSubdirectory($"actorha-e2e-{host.Namespace}-{daemon}-").FullName;
        host.Lab.DeleteOnDispose(dir);
        var conf = Path.Combine(dir, "keepalived.conf");
        File.WriteAllText(conf, config);
        if (daemon == Daemon.ActorHa)
        {
            string[] state = extraArgs.Contains("--state-dir") ? [] : ["--state-dir", Path.Combine(dir, "state")];
            var node = host.Lab.Start(host.Namespace, $"actorha@{host.Name}", ActorHaPath,
                ["-n", "-l", "-D", "-G", "-f", conf, "-p", Path.Combine(dir, "actorha.pid"), .. state, .. extraArgs]);
            node.ConfigPath = conf;
            return node;
        }

        NetnsLab.RequireRootAndTools("keepalived");
        return host.Lab.Start(host.Namespace, $"keepalived@{host.Name}", "keepalived",
            ["-n", "-l", "-D", "-G", "--vrrp", "-f", conf, "-p", Path.Combine(dir, "k.pid"), "-r", Path.Combine(dir, "v.pid"), .. extraArgs]);
    }

    /// <summary>A plain vrrp_instance block; <paramref name="extra"/> lines go inside it.</summary>
    public static string Instance(int priority, string vip = "192.0.2.100/24", int vrid = 51, string advertInt = "1", string name = "VI_1", string extra = "", string auth = "") =>
        $$"""
        vrrp_instance {{name}} {
            state BACKUP
            interface eth0
            virtual_router_id {{vrid}}
            priority {{priority}}
            advert_int {{advertInt}}
            {{auth}}
            {{extra}}
            virtual_ipaddress {
                {{vip}}
            }
        }
        """;

    public const string PassAuth = "authentication {\n        auth_type PASS\n        auth_pass s3cret\n    }";
}
