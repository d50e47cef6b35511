using System.Diagnostics;
using ActorHa.Node.Scripts;

namespace ActorHa.Node.Tests.Scripts;

public sealed class ScriptRunnerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorha-script-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Script(string name, string body)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    [Theory]
    [InlineData("/bin/x a b", new[] { "/bin/x", "a", "b" })]
    [InlineData("/bin/x 'a b' \"c d\"", new[] { "/bin/x", "a b", "c d" })]
    [InlineData("  /bin/x   a  ", new[] { "/bin/x", "a" })]
    [InlineData("/bin/x ab'c d'e", new[] { "/bin/x", "abc de" })]
    public void Command_lines_split_like_keepalived(string line, string[] argv)
    {
        Assert.Equal(argv, ScriptCommand.Parse(line).Argv);
    }

    [Fact]
    public async Task Exit_status_is_reported()
    {
        var ok = await ScriptRunner.RunAsync(ScriptCommand.Parse(Script("ok.sh", "exit 0")), TimeSpan.FromSeconds(10));
        var fail = await ScriptRunner.RunAsync(ScriptCommand.Parse(Script("fail.sh", "exit 3")), TimeSpan.FromSeconds(10));
        Assert.True(ok.Succeeded);
        Assert.Equal(3, fail.ExitCode);
        Assert.False(fail.TimedOut);
    }

    [Fact]
    public async Task Arguments_reach_the_script_unsplit()
    {
        var output = Path.Combine(_dir, "args.txt");
        var script = Script("args.sh", $"for a in \"$@\"; do echo \"[$a]\" >> {output}; done");
        var result = await ScriptRunner.RunAsync(ScriptCommand.Parse($"{script} 'one two'").WithArguments("INSTANCE", "VI_1", "MASTER", "100"), TimeSpan.FromSeconds(10));
        Assert.True(result.Succeeded);
        Assert.Equal(["[one two]", "[INSTANCE]", "[VI_1]", "[MASTER]", "[100]"], File.ReadAllLines(output));
    }

    [Fact]
    public async Task A_hung_script_is_killed_with_its_whole_process_group()
    {
        var pidFile = Path.Combine(_dir, "child.pid");
        var script = Script("hang.sh", $"sleep 300 & echo $! > {pidFile}; wait");
        var sw = Stopwatch.StartNew();
        var result = await ScriptRunner.RunAsync(ScriptCommand.Parse(script), TimeSpan.FromMilliseconds(500));
        Assert.True(result.TimedOut);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"took {sw.Elapsed}");
        var child = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(await WaitGone(child), $"background child {child} of the script survived the timeout");
    }

    [Fact]
    public async Task A_missing_program_is_a_start_error_not_an_exception()
    {
        var result = await ScriptRunner.RunAsync(ScriptCommand.Parse(Path.Combine(_dir, "nope.sh")), TimeSpan.FromSeconds(10));
        Assert.False(result.Succeeded);
        Assert.Contains("No such file", result.StartError ?? "", StringComparison.Ordinal);
    }

    private static async Task<bool> WaitGone(int pid)
    {
        for (var i = 0; i < 100; i++)
        {
            var stat = $"/proc/{pid}/stat";
            if (!File.Exists(stat) || File.ReadAllText(stat).Split(' ')[2] == "Z")
            {
                return true;
            }

            await Task.Delay(50);
        }

        return false;
    }
}
