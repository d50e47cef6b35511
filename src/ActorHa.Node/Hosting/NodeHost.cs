using System.Globalization;
using System.Runtime.InteropServices;
using ActorHa.Node.Actors;
using ActorHa.Node.Logging;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;
using Serilog.Events;

namespace ActorHa.Node.Hosting;

/// <summary>
/// The node process: logging as keepalived does it, pid files, the Akka.NET actor system under the generic host,
/// and the signals keepalived's users send (TERM/INT stop, HUP reloads, USR1 logs the actor tree).
/// </summary>
internal static class NodeHost
{
    private const int SigUsr1 = 10;

    public static int Run(NodeOptions options)
    {
        using var logger = CreateLogger(options);
        Log.Logger = logger;
        var pidFiles = new[] { options.PidFile, options.VrrpPidFile, options.CheckersPidFile }.OfType<string>().Distinct().ToList();
        foreach (var pidFile in pidFiles)
        {
            if (RunningPid(pidFile) is { } other && other != Environment.ProcessId)
            {
                logger.Error("daemon is already running (pid {Pid} in {PidFile})", other, pidFile);
                return 1;
            }
        }

        var loaded = ConfigLoader.Load(options, logger);
        if (loaded is null)
        {
            return 3;
        }

        try
        {
            foreach (var pidFile in pidFiles)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(pidFile))!);
                File.WriteAllText(pidFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
            }

            logger.Information("Starting ActorHa {Version} (keepalived-compatible)", typeof(NodeHost).Assembly.GetName().Version?.ToString(3));
            logger.Information("Configuration file {File}", options.ConfigFile);
            var g = loaded.Config.GlobalDefs;
            VrrpThreads.Configure(g.VrrpPriority, g.VrrpRtPriority, g.VrrpRlimitRttime);
            using var systemd = SystemdNotify.FromEnvironment();
            using var host = BuildHost(options, loaded, logger, systemd);
            host.Start();
            systemd?.Ready($"running {options.ConfigFile}");
            host.WaitForShutdown();
            logger.Information("Stopped ActorHa");
            return 0;
        }
        finally
        {
            foreach (var pidFile in pidFiles)
            {
                TryDelete(pidFile);
            }

            Log.CloseAndFlush();
        }
    }

    private static IHost BuildHost(NodeOptions options, LoadedConfig loaded, Serilog.ILogger logger, SystemdNotify? systemd)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSerilog(logger, dispose: false);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));
        builder.Services.AddAkka("actorha", (akka, _) =>
        {
            akka.AddHocon(
                """
                akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
                akka.scheduler.implementation = "ActorHa.Node.Hosting.PreciseScheduler, actorha"
                akka.actor.default-dispatcher.executor = fork-join-executor
                akka.actor.default-dispatcher.fork-join-executor.parallelism-min = 2
                akka.actor.default-dispatcher.fork-join-executor.parallelism-max = 2
                akka.actor.debug.unhandled = on
                actorha.vrrp-loop {
                    type = Dispatcher
                    executor = "ActorHa.Node.Hosting.LoopExecutorConfigurator, actorha"
                    throughput = 64
                }
                akka.actor.deployment {
                    "/node/kernel".dispatcher = actorha.vrrp-loop
                    "/node/vrrp-io".dispatcher = actorha.vrrp-loop
                    "/node/vrrp".dispatcher = actorha.vrrp-loop
                    "/node/vrrp/*".dispatcher = actorha.vrrp-loop
                    "/node/vrrp/*/*".dispatcher = actorha.vrrp-loop
                }
                akka.log-dead-letters-during-shutdown = off
                """,
                HoconAddMode.Prepend);
            akka.ConfigureLoggers(setup =>
            {
                setup.LogLevel = options.LogDetail ? Akka.Event.LogLevel.DebugLevel : Akka.Event.LogLevel.InfoLevel;
                setup.ClearLoggers();
                setup.AddLoggerFactory();
            });
            akka.WithActors((system, registry) =>
            {
                var node = system.ActorOf(NodeSupervisor.Props(options, loaded, systemd), "node");
                registry.Register<NodeSupervisor>(node);
                RegisterShutdown(system, node);
            });
        });
        builder.Services.AddHostedService<SignalService>();
        var host = builder.Build();
        if (systemd is not null)
        {
            // SIGTERM (systemctl stop) first stops the host: tell systemd the graceful stop has begun.
            host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(systemd.Stopping);
        }

        return host;
    }

    /// <summary>
    /// Before the actor system goes down, the supervisor stops every instance the protocol's way (priority-0
    /// advert, VIPs removed, notify_stop) and waits for the kernel actor to confirm, bounded so a stuck script
    /// cannot hold the process forever.
    /// </summary>
    private static void RegisterShutdown(ActorSystem system, IActorRef node)
    {
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "actorha-graceful-stop", async () =>
        {
            try
            {
                await node.Ask<NodeSupervisor.Stopped>(NodeSupervisor.Stop.Instance, TimeSpan.FromSeconds(15)).ConfigureAwait(false);
            }
            catch (AskTimeoutException)
            {
                Log.Warning("graceful stop did not finish in 15 s; exiting anyway");
            }

            return Akka.Done.Instance;
        });
    }

    private static Serilog.Core.Logger CreateLogger(NodeOptions options)
    {
        var config = new LoggerConfiguration()
            .MinimumLevel.Is(options.LogDetail ? LogEventLevel.Debug : LogEventLevel.Information)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .Enrich.FromLogContext();
        if (options.LogConsole)
        {
            config = config.WriteTo.Console(new KeepalivedLineFormatter(options.LogDetail), standardErrorFromLevel: null);
        }

        if (options.LogFile is { } file)
        {
            config = config.WriteTo.File(new KeepalivedLineFormatter(options.LogDetail), file, flushToDiskInterval: TimeSpan.FromSeconds(1));
        }

        if (options.Syslog)
        {
            config = config.WriteTo.Sink(new SyslogSink(facility: options.SyslogFacility));
        }

        return config.CreateLogger();
    }

    private static int? RunningPid(string pidFile)
    {
        try
        {
            return int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Directory.Exists($"/proc/{pid}")
                ? pid
                : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a stale pid file is detected by RunningPid on the next start.
        }
    }

    /// <summary>SIGHUP reloads, SIGUSR1 logs the actor tree; SIGTERM/SIGINT are the host's own (graceful stop).</summary>
    private sealed class SignalService(ActorRegistry registry) : IHostedService, IDisposable
    {
        private readonly List<PosixSignalRegistration> _registrations = [];

        public Task StartAsync(CancellationToken cancellationToken)
        {
            var node = registry.Get<NodeSupervisor>();
            _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGHUP, ctx =>
            {
                ctx.Cancel = true;
                node.Tell(NodeSupervisor.Reload.FromSignal);
            }));
            _registrations.Add(PosixSignalRegistration.Create((PosixSignal)SigUsr1, ctx =>
            {
                ctx.Cancel = true;
                node.Tell(NodeSupervisor.LogTree.Instance);
            }));
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
            foreach (var r in _registrations)
            {
                r.Dispose();
            }
        }
    }
}
