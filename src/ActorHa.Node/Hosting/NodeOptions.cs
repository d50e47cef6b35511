namespace ActorHa.Node.Hosting;

/// <summary>
/// How one node runs: keepalived's command-line flags (so existing units and scripts keep working) plus
/// ActorHa's own. Defaults match keepalived's.
/// </summary>
internal sealed record NodeOptions
{
    public const string DefaultConfigFile = "/etc/keepalived/keepalived.conf";

    public string ConfigFile { get; init; } = DefaultConfigFile;

    /// <summary>keepalived's -i: what <c>@id</c> lines match; defaults to the first label of the host name.</summary>
    public string? ConfigId { get; init; }

    public bool LogConsole { get; init; }

    public bool LogDetail { get; init; }

    public bool Syslog { get; init; } = true;

    public int SyslogFacility { get; init; } = 3;

    public string? LogFile { get; init; }

    public string? PidFile { get; init; }

    public string? VrrpPidFile { get; init; }

    public string? CheckersPidFile { get; init; }

    /// <summary>-P / -C: run only the VRRP or only the checker half; both when neither is given.</summary>
    public bool RunVrrp { get; init; } = true;

    public bool RunCheckers { get; init; } = true;

    /// <summary>-V: leave VIPs and virtual routes in place on stop (keepalived's --dont-release-vrrp).</summary>
    public bool DontReleaseVrrp { get; init; }

    /// <summary>-I: leave the IPVS table in place on stop (keepalived's --dont-release-ipvs).</summary>
    public bool DontReleaseIpvs { get; init; }

    /// <summary>Where the kernel ledger lives, so a restart after kill -9 can remove what the dead run installed.</summary>
    public string StateDirectory { get; init; } = "/run/actorha";

    /// <summary>The control socket for the CLI; by default derived from the pid file so lab nodes don't collide.</summary>
    public string? ControlSocket { get; init; }

    /// <summary>
    /// Where the Prometheus metrics are served (host:port, [v6]:port or :port); off when null. Opt-in because the
    /// endpoint has no authentication. The flag --metrics sets it, else the ACTORHA_METRICS environment variable.
    /// </summary>
    public string? MetricsAddress { get; init; }

    public const string MetricsEnvironmentVariable = "ACTORHA_METRICS";

    public string EffectiveConfigId => ConfigId ?? Environment.MachineName.Split('.')[0];

    public string EffectiveControlSocket =>
        ControlSocket ?? (PidFile is { } pid ? Path.ChangeExtension(pid, ".sock") : "/run/actorha/actorha.sock");

    /// <summary>The ledger file: one per node, named like the control socket so lab nodes on one host don't share it.</summary>
    public string LedgerFile => Path.Combine(StateDirectory, Path.GetFileNameWithoutExtension(EffectiveControlSocket) + ".ledger.json");
}
