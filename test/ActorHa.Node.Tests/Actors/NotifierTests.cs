using ActorHa.Config.Model;
using ActorHa.Node.Actors;
using Akka.Actor;
using Akka.TestKit.Xunit2;

namespace ActorHa.Node.Tests.Actors;

public sealed class NotifierTests : TestKit, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorha-notify-").FullName;

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private string Script(string name, string body)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    [Fact]
    public void Specific_script_runs_before_notify_which_gets_the_four_arguments()
    {
        var log = Path.Combine(_dir, "log");
        var scripts = new NotifyScripts(
            Master: new NotifyScript(Script("m.sh", $"echo master \"$@\" >> {log}") + " arg1"),
            Notify: new NotifyScript(Script("n.sh", $"echo notify \"$@\" >> {log}")));
        var notifier = Sys.ActorOf(Notifier.Props(Notifier.Settings.Default));

        notifier.Tell(new Notifier.Notify(Notifier.Target.Instance, "VI_1", Notifier.State.Master, 150, scripts));
        notifier.Tell(Notifier.Drain.Instance);
        ExpectMsg<Notifier.Drained>(TimeSpan.FromSeconds(20));

        Assert.Equal(["master arg1", "notify INSTANCE VI_1 MASTER 150"], File.ReadAllLines(log));
    }

    [Fact]
    public void Scripts_of_one_instance_run_in_transition_order_even_when_the_first_is_slow()
    {
        var log = Path.Combine(_dir, "order");
        var scripts = new NotifyScripts(
            Master: new NotifyScript(Script("slow-master.sh", $"sleep 1; echo MASTER >> {log}")),
            Backup: new NotifyScript(Script("fast-backup.sh", $"echo BACKUP >> {log}")),
            Fault: new NotifyScript(Script("fast-fault.sh", $"echo FAULT >> {log}")));
        var notifier = Sys.ActorOf(Notifier.Props(Notifier.Settings.Default));

        notifier.Tell(new Notifier.Notify(Notifier.Target.Instance, "VI_1", Notifier.State.Master, 100, scripts));
        notifier.Tell(new Notifier.Notify(Notifier.Target.Instance, "VI_1", Notifier.State.Backup, 100, scripts));
        notifier.Tell(new Notifier.Notify(Notifier.Target.Instance, "VI_1", Notifier.State.Fault, 100, scripts));
        notifier.Tell(Notifier.Drain.Instance);
        ExpectMsg<Notifier.Drained>(TimeSpan.FromSeconds(20));

        Assert.Equal(["MASTER", "BACKUP", "FAULT"], File.ReadAllLines(log));
    }

    [Fact]
    public void A_hung_script_is_killed_at_the_timeout_and_the_queue_moves_on()
    {
        var log = Path.Combine(_dir, "after");
        var scripts = new NotifyScripts(
            Master: new NotifyScript(Script("hang.sh", "sleep 300")),
            Backup: new NotifyScript(Script("next.sh", $"echo ran >> {log}")));
        var notifier = Sys.ActorOf(Notifier.Props(Notifier.Settings.Default with { ScriptTimeout = TimeSpan.FromMilliseconds(300) }));

        notifier.Tell(new Notifier.Notify(Notifier.Target.Instance, "VI_1", Notifier.State.Master, 100, scripts));
        notifier.Tell(new Notifier.Notify(Notifier.Target.Instance, "VI_1", Notifier.State.Backup, 100, scripts));
        notifier.Tell(Notifier.Drain.Instance);
        ExpectMsg<Notifier.Drained>(TimeSpan.FromSeconds(20));

        Assert.Equal(["ran"], File.ReadAllLines(log));
    }

    [Fact]
    public void Fifo_gets_keepalived_lines_for_instances_and_groups()
    {
        var fifo = Path.Combine(_dir, "notify.fifo");
        var notifier = Sys.ActorOf(Notifier.Props(Notifier.Settings.Default with { Fifos = [fifo] }));
        notifier.Tell(new Notifier.Notify(Notifier.Target.Instance, "VI_1", Notifier.State.Master, 100, NotifyScripts.None));
        notifier.Tell(new Notifier.Notify(Notifier.Target.Group, "VG_1", Notifier.State.Backup, 0, NotifyScripts.None));
        notifier.Tell(Notifier.Drain.Instance);
        ExpectMsg<Notifier.Drained>(TimeSpan.FromSeconds(10));

        // The notifier created the FIFO and holds it open read-write, so the lines wait in the pipe for a reader.
        using var reader = new StreamReader(new FileStream(fifo, FileMode.Open, FileAccess.Read));
        Assert.Equal("INSTANCE \"VI_1\" MASTER 100", reader.ReadLine());
        Assert.Equal("GROUP \"VG_1\" BACKUP 0", reader.ReadLine());
    }
}
