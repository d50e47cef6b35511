using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using ActorHa.EndToEnd.Tests.Lab;
using ActorHa.Tests.Shared;
using Xunit.Abstractions;

namespace ActorHa.EndToEnd.Tests.Vrrp;

/// <summary>
/// Notify delivery in the lab: scripts in transition order without delaying a transition, and the notify FIFOs and
/// smtp_alert mail of one scenario side by side with keepalived's. Every wait is bounded; FIFOs are read by `cat`
/// processes (the test never opens one itself: opening a FIFO blocks until the other side does).
/// </summary>
[Collection("lab")]
public sealed partial class NotifyTests(ITestOutputHelper output) : IDisposable
{
    private const string Vip = "192.0.2.100";
    private static readonly TimeSpan TransitionWait = TimeSpan.FromSeconds(15);
    private readonly string _dir = Directory.CreateTempSubdirectory("actorha-e2e-notify-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>track_file with weight 0: any value but 0 puts the instance in FAULT. <paramref name="extra"/> goes into the instance.</summary>
    private static string Config(string trackFile, string extra, string globals = "") => $$"""
        global_defs {
            {{globals}}
        }

        track_file tf_maintenance {
            file {{trackFile}}
            weight 0
            init_file 0 overwrite
        }

        """ + LabNodes.Instance(150, extra: "track_file {\n        tf_maintenance\n    }\n    " + extra);

    [Fact]
    public async Task Notify_scripts_run_one_at_a_time_in_transition_order_and_a_slow_one_delays_neither_the_next_transition_nor_the_VIP()
    {
        using var lab = NetnsLab.Create(1, output);
        var host = lab.Hosts[0];
        var trackFile = Path.Combine(_dir, "maintenance");
        var log = Path.Combine(_dir, "notify.log");
        var script = Path.Combine(_dir, "notify.sh");
        // notify_STATE gets STATE as its argument; the generic notify gets INSTANCE VI_1 STATE PRIO.
        File.WriteAllText(script, $"""
            #!/bin/sh
            if [ "$1" = INSTANCE ]; then who=notify; state=$3; else who=notify_$1; state=$1; fi
            echo "start $state $who $(date +%s%N)" >> {log}
            sleep 1.5
            echo "end $state $who $(date +%s%N)" >> {log}

            """);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var node = host.Start(Daemon.ActorHa, Config(trackFile, $"""
            notify_master "{script} MASTER"
                notify_backup "{script} BACKUP"
                notify_fault "{script} FAULT"
                notify {script}
            """));

        // BACKUP (init), then MASTER alone after Master_Down_Interval (3.4 s, about as long as the two BACKUP scripts).
        Assert.True(await NetnsLab.WaitUntilAsync(() => host.HasAddress(Vip), TransitionWait), "no MASTER");
        var vipAdded = Now();
        File.WriteAllText(trackFile, "1\n");
        Assert.True(await NetnsLab.WaitUntilAsync(() => !host.HasAddress(Vip), TransitionWait), "the VIP stayed in FAULT");
        var vipRemoved = Now();
        Assert.True(await node.WaitForLineAsync("(VI_1) Entering FAULT STATE", TransitionWait));
        File.WriteAllText(trackFile, "0\n");
        Assert.True(await NetnsLab.WaitUntilAsync(() => host.HasAddress(Vip), TransitionWait), "no MASTER again after FAULT");
        var vipAddedAgain = Now();

        // Five transitions, two scripts each, 1.5 s apiece: about 15 s of scripts, most of them queued behind the first.
        Assert.True(
            await NetnsLab.WaitUntilAsync(() => ReadLines(log).Count(l => l.StartsWith("end ", StringComparison.Ordinal)) == 10, TimeSpan.FromSeconds(60)),
            "the scripts did not all end: " + string.Join(" | ", ReadLines(log)));
        output.WriteLine(string.Join('\n', ReadLines(log)));
        var runs = ReadLines(log).Select(ScriptLine.Parse).ToList();

        // One at a time: every line alternates start / end of the same run, each start after the previous end.
        for (var i = 0; i < runs.Count; i += 2)
        {
            Assert.Equal(("start", "end"), (runs[i].Edge, runs[i + 1].Edge));
            Assert.Equal((runs[i].State, runs[i].Who), (runs[i + 1].State, runs[i + 1].Who));
            Assert.True(i == 0 || runs[i].At >= runs[i - 1].At, $"run {i / 2} started before the previous one ended");
        }

        string[] transitions = ["BACKUP", "MASTER", "FAULT", "BACKUP", "MASTER"];
        Assert.Equal(
            transitions.SelectMany(s => new[] { $"{s} notify_{s}", $"{s} notify" }),
            runs.Where(r => r.Edge == "start").Select(r => $"{r.State} {r.Who}"));

        // The state changes did not wait for the scripts: the VIP came and went while the first notify_master slept,
        // and came back while the second was still queued.
        var masterRuns = runs.Where(r => r.Who == "notify_MASTER").ToList();
        var firstMasterEnd = masterRuns[1].At;
        var secondMasterStart = masterRuns[2].At;
        Assert.True(vipAdded < firstMasterEnd, $"VIP added {Ms(firstMasterEnd - vipAdded)} after notify_master ended");
        Assert.True(vipRemoved < firstMasterEnd, $"VIP removed {Ms(vipRemoved - firstMasterEnd)} after notify_master ended");
        Assert.True(vipAddedAgain < secondMasterStart, $"VIP added again {Ms(vipAddedAgain - secondMasterStart)} after the second notify_master started");
        output.WriteLine($"VIP added {Ms(firstMasterEnd - vipAdded)} before notify_master ended, removed {Ms(firstMasterEnd - vipRemoved)} before, added again {Ms(secondMasterStart - vipAddedAgain)} before the second notify_master started");

        Assert.Equal(transitions, node.Lines.Select(l => EnteringState().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value));
    }

    [Fact]
    public async Task Notify_fifo_and_vrrp_notify_fifo_lines_and_smtp_alert_mail_match_keepalived_for_the_same_transitions()
    {
        var keepalived = await RunScenario(Daemon.Keepalived);
        var actorHa = await RunScenario(Daemon.ActorHa);

        string[] fifo =
        [
            "INSTANCE \"VI_1\" BACKUP 150",
            "INSTANCE \"VI_1\" MASTER 150",
            "INSTANCE \"VI_1\" FAULT 150",
            "INSTANCE \"VI_1\" BACKUP 150",
            "INSTANCE \"VI_1\" MASTER 150",
            "INSTANCE \"VI_1\" STOP 150",
        ];
        Assert.Equal(keepalived.NotifyFifo, actorHa.NotifyFifo);
        Assert.Equal(keepalived.VrrpNotifyFifo, actorHa.VrrpNotifyFifo);
        Assert.Equal(fifo, actorHa.NotifyFifo);
        Assert.Equal(fifo, actorHa.VrrpNotifyFifo);

        // keepalived opens a connection for its STOP mail but exits before it says anything: no message, in both.
        Assert.Equal(keepalived.Mails, actorHa.Mails);
        string[] states = ["BACKUP", "MASTER", "FAULT", "BACKUP", "MASTER"];
        Assert.Equal(states.Select(Mail), actorHa.Mails);
        Assert.Equal(keepalived.SmtpLog, actorHa.SmtpLog);
        Assert.Equal(
            Enumerable.Repeat(new[] { "Remote SMTP server [127.0.0.1]:PORT connected.", "SMTP alert successfully sent." }, 5).SelectMany(l => l),
            actorHa.SmtpLog);
    }

    /// <summary>keepalived's message, as the sink records it without its Date line.</summary>
    private static string Mail(string state) => $"""
        HELO {Environment.MachineName}
        MAIL FROM:<ha@example.com>
        RCPT TO:<ops@example.com>
        DATA
        From: ha@example.com
        Subject: [lab1] VRRP Instance VI_1 - Entering {state} state
        X-Mailer: Keepalived
        To: ops@example.com

        => VRRP Instance is {(state == "MASTER" ? "now" : "no longer")} owning VRRP VIPs <=

        .
        QUIT

        """;

    private sealed record Outcome(IReadOnlyList<string> NotifyFifo, IReadOnlyList<string> VrrpNotifyFifo, IReadOnlyList<string> Mails, IReadOnlyList<string> SmtpLog);

    /// <summary>
    /// Start alone (BACKUP, then MASTER), track file 1 (FAULT), 0 (BACKUP, then MASTER), SIGTERM (STOP). Each step
    /// waits for its mail, so the mails arrive in transition order whatever the daemon's sending order.
    /// </summary>
    private async Task<Outcome> RunScenario(Daemon daemon)
    {
        output.WriteLine($"--- {daemon}");
        using var lab = NetnsLab.Create(1, output);
        var host = lab.Hosts[0];
        var dir = Directory.CreateDirectory(Path.Combine(_dir, daemon.ToString())).FullName;
        var trackFile = Path.Combine(dir, "maintenance");
        var notifyFifo = Path.Combine(dir, "notify.fifo");
        var vrrpNotifyFifo = Path.Combine(dir, "vrrp-notify.fifo");
        NetnsLab.Run("mkfifo", [notifyFifo, vrrpNotifyFifo]);
        var notifyReader = lab.Start(host.Namespace, "cat@notify_fifo", "cat", [notifyFifo]);
        var vrrpNotifyReader = lab.Start(host.Namespace, "cat@vrrp_notify_fifo", "cat", [vrrpNotifyFifo]);
        using var smtp = new SmtpSink(host.ListenTcp(new IPEndPoint(IPAddress.Loopback, 0)));
        var port = smtp.EndPoint.Port;

        var node = host.Start(daemon, Config(trackFile, "smtp_alert", $$"""
            notify_fifo {{notifyFifo}}
                vrrp_notify_fifo {{vrrpNotifyFifo}}
                smtp_server 127.0.0.1 {{port}}
                notification_email {
                    ops@example.com
                }
                notification_email_from ha@example.com
                router_id lab1
            """));

        async Task Step(string what, Func<Task<bool>> until, int mails)
        {
            Assert.True(await until(), $"{daemon}: {what}");
            Assert.True(await NetnsLab.WaitUntilAsync(() => smtp.Transcripts.Count >= mails, TransitionWait), $"{daemon}: mail {mails} ({what}) did not arrive");
        }

        await Step("BACKUP, then MASTER", () => NetnsLab.WaitUntilAsync(() => host.HasAddress(Vip), TransitionWait), 2);
        File.WriteAllText(trackFile, "1\n");
        await Step("FAULT", () => node.WaitForLineAsync("(VI_1) Entering FAULT STATE", TransitionWait), 3);
        File.WriteAllText(trackFile, "0\n");
        await Step("BACKUP after FAULT", () => NetnsLab.WaitUntilAsync(() => node.Lines.Count(l => l.Contains("(VI_1) Entering BACKUP STATE", StringComparison.Ordinal)) == 2, TransitionWait), 4);
        await Step("MASTER after FAULT", () => NetnsLab.WaitUntilAsync(() => host.HasAddress(Vip), TransitionWait), 5);

        node.Signal(15);
        Assert.True(node.WaitForExit(TimeSpan.FromSeconds(20)), $"{daemon} did not stop on SIGTERM");
        // The STOP line is the last; once the daemon has closed the FIFO, cat reads it and ends.
        foreach (var reader in new[] { notifyReader, vrrpNotifyReader })
        {
            Assert.True(await reader.WaitForLineAsync("STOP", TimeSpan.FromSeconds(10)), $"{daemon}: no STOP in {reader.Name}: {string.Join(" | ", reader.Lines)}");
        }

        // Let a late mail (there should be none) show up before the count is taken.
        await Task.Delay(500);
        return new Outcome(
            notifyReader.Lines,
            vrrpNotifyReader.Lines,
            smtp.Transcripts.Select(t => DateHeader().Replace(t, "")).ToList(),
            node.Lines.Where(l => l.Contains("SMTP", StringComparison.Ordinal))
                .Select(l => LogPrefix().Replace(l, "").Replace($":{port} ", ":PORT ", StringComparison.Ordinal))
                .ToList());
    }

    private static List<string> ReadLines(string path) => File.Exists(path) ? [.. File.ReadAllLines(path)] : [];

    private static long Now() => DateTime.UtcNow.Subtract(DateTime.UnixEpoch).Ticks * 100;

    private static string Ms(long ns) => string.Create(CultureInfo.InvariantCulture, $"{ns / 1e6:F0} ms");

    /// <summary>One line of the script's log: <c>start MASTER notify_MASTER 1763900000123456789</c>.</summary>
    private sealed record ScriptLine(string Edge, string State, string Who, long At)
    {
        public static ScriptLine Parse(string line)
        {
            var f = line.Split(' ');
            return new ScriptLine(f[0], f[1], f[2], long.Parse(f[3], CultureInfo.InvariantCulture));
        }
    }

    [GeneratedRegex(@"\(VI_1\) Entering (\w+) STATE")]
    private static partial Regex EnteringState();

    [GeneratedRegex(@"^Date: .*\n", RegexOptions.Multiline)]
    private static partial Regex DateHeader();

    /// <summary>Both daemons print <c>Mon Nov 23 07:25:48 2026: </c> before each line with -l.</summary>
    [GeneratedRegex(@"^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}: ")]
    private static partial Regex LogPrefix();
}
