using ActorHa.Config.Diagnostics;
using ActorHa.Config.Model;
using ActorHa.Node.Actors;
using Akka.Actor;
using Akka.TestKit.Xunit2;

namespace ActorHa.Node.Tests.Actors;

/// <summary>vrrp_script runs real scripts: rise/fall counting, timeouts, the script-security refusal.</summary>
public sealed class TrackScriptActorTests : TestKit
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorha-track-").FullName;

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private string Script(string body)
    {
        var path = Path.Combine(_dir, $"chk-{Guid.NewGuid():N}.sh");
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static VrrpScript Config(string script, int rise = 1, int fall = 1, double timeout = 2, bool initFail = false) =>
        new("chk", script, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(timeout), -20, false, rise, fall, null, initFail, SourceLocation.None);

    [Fact]
    public void A_failing_script_goes_down_after_fall_failures_and_up_after_rise_successes()
    {
        var flag = Path.Combine(_dir, "up");
        File.WriteAllText(flag, "");
        var actor = Sys.ActorOf(TrackScriptActor.Props(Config(Script($"test -e {flag}"), rise: 2, fall: 3), false, null));
        actor.Tell(new TrackScriptActor.Subscribe(TestActor));
        Assert.True(ExpectMsg<TrackScriptActor.State>().Up);

        File.Delete(flag);
        var down = ExpectMsg<TrackScriptActor.State>(TimeSpan.FromSeconds(10));
        Assert.False(down.Up);
        Assert.Equal(-20, down.Weight);

        File.WriteAllText(flag, "");
        Assert.True(ExpectMsg<TrackScriptActor.State>(TimeSpan.FromSeconds(10)).Up);
    }

    /// <summary>
    /// A restart (a handler threw) keeps the script's state, counters and trackers: an instance neither sees the
    /// script flip back to its init state nor loses it for good.
    /// </summary>
    [Fact]
    public void A_restart_keeps_the_state_and_the_trackers()
    {
        var flag = Path.Combine(_dir, "up");
        var actor = Sys.ActorOf(TrackScriptActor.Props(Config(Script($"test -e {flag}")), false, null));
        actor.Tell(new TrackScriptActor.Subscribe(TestActor));
        Assert.True(ExpectMsg<TrackScriptActor.State>().Up);
        Assert.False(ExpectMsg<TrackScriptActor.State>(TimeSpan.FromSeconds(10)).Up);
        actor.Tell(TrackScriptActor.GetStatus.Instance);
        var before = ExpectMsg<TrackScriptActor.Status>();

        ((IInternalActorRef)actor).SendSystemMessage(new Akka.Dispatch.SysMsg.Recreate(new InvalidOperationException("test restart")));
        Assert.False(ExpectMsg<TrackScriptActor.State>(TimeSpan.FromSeconds(10)).Up);
        actor.Tell(TrackScriptActor.GetStatus.Instance);
        Assert.True(ExpectMsg<TrackScriptActor.Status>().Runs >= before.Runs);

        File.WriteAllText(flag, "");
        Assert.True(FishForMessage<TrackScriptActor.State>(m => m.Up, TimeSpan.FromSeconds(10)).Up);
    }

    [Fact]
    public void A_hung_script_times_out_and_counts_as_failed()
    {
        var actor = Sys.ActorOf(TrackScriptActor.Props(Config(Script("sleep 60"), timeout: 0.3), false, null));
        actor.Tell(new TrackScriptActor.Subscribe(TestActor));
        Assert.True(ExpectMsg<TrackScriptActor.State>().Up);
        Assert.False(ExpectMsg<TrackScriptActor.State>(TimeSpan.FromSeconds(10)).Up);

        actor.Tell(TrackScriptActor.GetStatus.Instance);
        var status = ExpectMsg<TrackScriptActor.Status>();
        Assert.False(status.Up);
        Assert.Equal("chk", status.Script);
        Assert.True(status.TimedOut >= 1);
        Assert.True(status.Failed >= status.TimedOut);
        Assert.Equal(0, status.Succeeded);
    }

    [Fact]
    public void Init_fail_starts_down()
    {
        var actor = Sys.ActorOf(TrackScriptActor.Props(Config(Script("exit 0"), initFail: true), false, null));
        actor.Tell(new TrackScriptActor.Subscribe(TestActor));
        Assert.False(ExpectMsg<TrackScriptActor.State>().Up);
        Assert.True(ExpectMsg<TrackScriptActor.State>(TimeSpan.FromSeconds(10)).Up);
    }

    [Fact]
    public void Script_security_refuses_a_root_script_in_a_folder_others_can_write()
    {
        var script = Script("exit 0");
        File.SetUnixFileMode(_dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute | UnixFileMode.OtherRead);
        Assert.Equal($"{_dir} is writable by non-root users", TrackScriptActor.InsecurePath(script));
        var actor = Sys.ActorOf(TrackScriptActor.Props(Config(script), true, null));
        actor.Tell(new TrackScriptActor.Subscribe(TestActor));
        Assert.True(ExpectMsg<TrackScriptActor.State>().Up);
        Assert.False(ExpectMsg<TrackScriptActor.State>(TimeSpan.FromSeconds(10)).Up);
        Assert.Null(TrackScriptActor.InsecurePath("/bin/true"));
    }
}
