using System.Text.Json;
using ActorHa.Node.Cli;

namespace ActorHa.Node.Tests;

[Collection(nameof(ConsoleCollection))]
public sealed class CheckCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorha-check-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string text)
    {
        var path = Path.Combine(_dir, "keepalived.conf");
        File.WriteAllText(path, text);
        return path;
    }

    private static (int ExitCode, string Out, string Error) Check(params string[] args)
    {
        var originalOut = Console.Out;
        var originalError = Console.Error;
        using var output = new StringWriter();
        using var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            var exitCode = ActorHaCommand.Run(["check", .. args]);
            return (exitCode, output.ToString().TrimEnd(), error.ToString().TrimEnd());
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalError);
        }
    }

    private static string Instance(string lines) =>
        $"vrrp_instance VI_1 {{\n  interface eth0\n{lines}\n  virtual_ipaddress {{\n    192.0.2.10/24\n  }}\n}}\n";

    [Fact]
    public void Clean_configuration_exits_0_with_a_summary_only()
    {
        var path = Write(Instance("  virtual_router_id 51"));
        var (exitCode, output, error) = Check("-f", path);
        Assert.Equal(0, exitCode);
        Assert.Equal($"{path}: 0 fatal errors, 0 errors, 0 warnings; configuration OK", error);
        Assert.Empty(output);
    }

    [Fact]
    public void Warnings_alone_still_exit_0()
    {
        var path = Write(Instance("  virtual_router_id 51\n  priorty 100"));
        var (exitCode, _, error) = Check("--use-file", path);
        Assert.Equal(0, exitCode);
        Assert.Equal(
            $"{path}:4:3: warning: unknown keyword 'priorty' in vrrp_instance, did you mean 'priority'?\n"
            + $"{path}: 0 fatal errors, 0 errors, 1 warning; configuration OK",
            error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Errors_with_a_fallback_exit_4()
    {
        var path = Write(Instance("  virtual_router_id 51\n  priority 300"));
        var (exitCode, _, error) = Check("-f", path);
        Assert.Equal(4, exitCode);
        Assert.Equal(
            $"{path}:4:12: error: (VI_1) priority 300 not in 1..255, using 100\n"
            + $"{path}: 0 fatal errors, 1 error, 0 warnings; runs with the fallbacks above",
            error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_configuration_that_cannot_run_exits_3()
    {
        var path = Write(Instance("  priority 100"));
        var (exitCode, _, error) = Check("-f", path);
        Assert.Equal(3, exitCode);
        Assert.Equal(
            $"{path}:1:1: fatal: (VI_1) virtual_router_id is not set\n"
            + $"{path}: 1 fatal error, 0 errors, 0 warnings; the configuration cannot run",
            error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_missing_file_cannot_run()
    {
        var (exitCode, _, error) = Check("-f", Path.Combine(_dir, "nope.conf"));
        Assert.Equal(3, exitCode);
        Assert.Contains("fatal: cannot read configuration file", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Dump_prints_the_resolved_model_as_json_on_stdout()
    {
        var path = Write("$VRID=42\n@lb1 $PRIO=150\n@^lb1 $PRIO=90\n" + Instance("  virtual_router_id $VRID\n  priority $PRIO"));
        var (exitCode, output, _) = Check("-f", path, "--dump", "--config-id", "lb1");
        Assert.Equal(0, exitCode);
        using var json = JsonDocument.Parse(output);
        var instance = json.RootElement.GetProperty("vrrpInstances")[0];
        Assert.Equal(42, instance.GetProperty("virtualRouterId").GetInt32());
        Assert.Equal(150, instance.GetProperty("priority").GetInt32());
        Assert.Equal("192.0.2.10/24", instance.GetProperty("virtualIpaddress")[0].GetProperty("address").GetString());
    }
}
