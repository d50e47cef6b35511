using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ActorHa.Node.Scripts;

/// <summary>How a script ended: its exit code, or that it was killed for running too long, or why it could not start.</summary>
internal sealed record ScriptResult(int? ExitCode, bool TimedOut, string? StartError, TimeSpan Duration)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>
/// Runs scripts so that none can stall the node: each starts in its own session (setsid), so on timeout the
/// whole process group is killed, children included; output goes nowhere (a chatty script must not fill a pipe
/// and block); a script run as another user goes through setpriv. Callers await the task off the actor thread.
/// </summary>
internal static partial class ScriptRunner
{
    private const int SigKill = 9;

    public static async Task<ScriptResult> RunAsync(ScriptCommand command, TimeSpan timeout, CancellationToken cancellation = default)
    {
        var sw = Stopwatch.StartNew();
        if (command.Argv.Count == 0)
        {
            return new ScriptResult(null, false, "empty command", sw.Elapsed);
        }

        var psi = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (command.User is { } user)
        {
            psi.ArgumentList.Add("setpriv");
            psi.ArgumentList.Add($"--reuid={user}");
            psi.ArgumentList.Add($"--regid={command.Group ?? user}");
            psi.ArgumentList.Add("--init-groups");
            psi.ArgumentList.Add("--");
        }

        foreach (var a in command.Argv)
        {
            psi.ArgumentList.Add(a);
        }

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new Win32Exception("no process");
        }
        catch (Win32Exception e)
        {
            return new ScriptResult(null, false, e.Message, sw.Elapsed);
        }

        using (process)
        {
            process.StandardInput.Close();
            process.OutputDataReceived += static (_, _) => { };
            process.ErrorDataReceived += static (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            limit.CancelAfter(timeout);
            try
            {
                await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // setsid exec'd the script, so its PID leads a new process group: kill the group, not just the PID.
                _ = Kill(-process.Id, SigKill);
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // It exited between the timeout and the kill.
                }

                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                return new ScriptResult(null, true, null, sw.Elapsed);
            }

            // setsid reports a program it could not exec as 126/127 after printing to stderr.
            var code = process.ExitCode;
            return code is 126 or 127 && !File.Exists(command.Program) && !OnPath(command.Program)
                ? new ScriptResult(code, false, $"cannot execute '{command.Program}': No such file or directory", sw.Elapsed)
                : new ScriptResult(code, false, null, sw.Elapsed);
        }
    }

    private static bool OnPath(string program) =>
        !program.Contains('/', StringComparison.Ordinal) &&
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':').Any(d => File.Exists(Path.Combine(d, program)));

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
