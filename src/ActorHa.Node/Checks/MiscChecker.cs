using ActorHa.Node.Scripts;

namespace ActorHa.Node.Checks;

/// <summary>
/// MISC_CHECK: runs misc_path, killed (with its process group) at misc_timeout. Exit 0 is up; with misc_dynamic,
/// 1 is down and 2..255 is up with weight exit-2, as keepalived documents; without it any non-zero exit is down.
/// </summary>
internal sealed class MiscChecker(CheckerSettings settings) : IHealthChecker
{
    public async Task<CheckResult> CheckAsync(CancellationToken cancellation)
    {
        if (settings.MiscPath is not { } script)
        {
            return CheckResult.Failed("no misc_path");
        }

        var command = ScriptCommand.Parse(script.Command, script.User, script.Group);
        var result = await ScriptRunner.RunAsync(command, settings.MiscTimeout, cancellation).ConfigureAwait(false);
        if (result.StartError is { } error)
        {
            return CheckResult.Failed(error);
        }

        if (result.TimedOut || result.ExitCode is not { } code)
        {
            return CheckResult.Failed("timed out");
        }

        return code switch
        {
            0 => CheckResult.Passed with { ExitStatus = 0 },
            >= 2 when settings.MiscDynamic => new CheckResult(true, "", code - 2, code),
            _ => new CheckResult(false, $"exited with status {code}", null, code),
        };
    }
}
