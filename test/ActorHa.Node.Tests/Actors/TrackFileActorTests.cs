using ActorHa.Config;
using ActorHa.Config.Diagnostics;
using ActorHa.Config.Model;
using ActorHa.Node.Actors;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;

namespace ActorHa.Node.Tests.Actors;

/// <summary>track_file on real files: inotify, the fallback re-read, init_file, and what a missing file counts as.</summary>
public sealed class TrackFileActorTests : TestKit
{
    private static readonly TimeSpan NoFallback = TimeSpan.FromHours(1);
    private readonly string _dir = Directory.CreateTempSubdirectory("actorha-tf-").FullName;

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private VrrpTrackFile Block(string? path = null, int weight = -10, long? init = null, bool overwrite = false) =>
        new("tf", path ?? Path.Combine(_dir, "value"), weight, false, init, overwrite, SourceLocation.None);

    private IActorRef Start(VrrpTrackFile file, TimeSpan reread)
    {
        var actor = Sys.ActorOf(TrackFileActor.Props(new TrackFileActor.Settings(file, reread)));
        actor.Tell(new TrackFileActor.Subscribe(TestActor));
        return actor;
    }

    [Fact]
    public void A_write_to_the_file_is_seen_through_inotify_without_the_fallback_reread()
    {
        var file = Block();
        File.WriteAllText(file.File, "0\n");
        Start(file, NoFallback);
        Assert.Equal(new TrackFileActor.State("tf", 0, -10, false), ExpectMsg<TrackFileActor.State>());

        File.WriteAllText(file.File, "7\n");
        Assert.Equal(7, ExpectMsg<TrackFileActor.State>(TimeSpan.FromSeconds(10)).Value);

        // `echo 0 > file`: truncation and write arrive as one change, not as an empty file first.
        File.WriteAllText(file.File, "0\n");
        Assert.Equal(0, ExpectMsg<TrackFileActor.State>(TimeSpan.FromSeconds(10)).Value);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void A_missing_file_counts_as_zero_and_its_creation_is_seen()
    {
        var file = Block();
        Start(file, NoFallback);
        Assert.Equal(0, ExpectMsg<TrackFileActor.State>().Value);

        File.WriteAllText(file.File, "  -4 trailing words\n");
        Assert.Equal(-4, ExpectMsg<TrackFileActor.State>(TimeSpan.FromSeconds(10)).Value);

        File.Delete(file.File);
        Assert.Equal(0, ExpectMsg<TrackFileActor.State>(TimeSpan.FromSeconds(10)).Value);
    }

    [Fact]
    public void A_file_in_a_folder_made_later_is_found_by_the_fallback_reread()
    {
        var folder = Path.Combine(_dir, "later");
        var file = Block(Path.Combine(folder, "value"));
        Start(file, TimeSpan.FromMilliseconds(100));
        Assert.Equal(0, ExpectMsg<TrackFileActor.State>().Value);

        Directory.CreateDirectory(folder);
        File.WriteAllText(file.File, "12");
        Assert.Equal(12, ExpectMsg<TrackFileActor.State>(TimeSpan.FromSeconds(10)).Value);
    }

    [Fact]
    public void Init_file_writes_a_missing_file_and_overwrites_only_when_told()
    {
        var file = Block(init: 5);
        Start(file, NoFallback);
        Assert.Equal(5, ExpectMsg<TrackFileActor.State>().Value);
        Assert.Equal("5\n", File.ReadAllText(file.File));

        var kept = Block(Path.Combine(_dir, "kept"), init: 1);
        File.WriteAllText(kept.File, "3");
        Start(kept, NoFallback);
        Assert.Equal(3, ExpectMsg<TrackFileActor.State>().Value);

        var overwritten = Block(Path.Combine(_dir, "overwritten"), init: 1, overwrite: true);
        File.WriteAllText(overwritten.File, "3");
        Start(overwritten, NoFallback);
        Assert.Equal(1, ExpectMsg<TrackFileActor.State>().Value);
    }

    [Theory]
    [InlineData("42", 42L, false)]
    [InlineData("\n  -8\n", -8L, false)]
    [InlineData("", 0L, false)]
    [InlineData("abc", 0L, true)]
    public void Values_are_the_number_at_the_start_of_the_file(string text, long value, bool problem)
    {
        var path = Path.Combine(_dir, "v");
        File.WriteAllText(path, text);
        var (read, why) = TrackFileActor.ReadValue(path);
        Assert.Equal(value, read);
        Assert.Equal(problem, why is not null);
    }

    /// <summary>
    /// A sync group whose track_file (weight 0) every member tracks: a non-zero value written to the real file puts
    /// both members in FAULT, 0 brings both back. /user/node/track-files/tf is a real TrackFileActor.
    /// </summary>
    [Fact]
    public void Sync_group_track_file_faults_every_member_and_releases_them_together()
    {
        var path = Path.Combine(_dir, "group");
        File.WriteAllText(path, "0");
        var conf = $$"""
            track_file tf {
                file {{path}}
                weight 0
            }
            vrrp_sync_group G {
                group {
                    VI_1
                    VI_2
                }
                track_file {
                    tf
                }
            }
            vrrp_instance VI_1 {
                interface lo
                virtual_router_id 51
                virtual_ipaddress {
                    192.0.2.100/24
                }
            }
            vrrp_instance VI_2 {
                interface lo
                virtual_router_id 52
                virtual_ipaddress {
                    192.0.2.101/24
                }
            }
            """;
        var result = ConfigCompiler.CompileText(conf, "test.conf", ConfigCompileOptions.Default);
        Assert.Equal(0, result.ExitCode);
        var config = result.Config;
        var fileActor = TrackFileActor.Props(new TrackFileActor.Settings(config.TrackFiles[0], NoFallback));
        Sys.ActorOf(Props.Create(() => new Nest("track-files", Props.Create(() => new Nest("tf", fileActor)))), "node");
        var io = CreateTestProbe();
        var kernel = CreateTestProbe();
        var notify = CreateTestProbe();
        var group = Sys.ActorOf(SyncGroupActor.Props(new SyncGroupActor.Settings("G", false, config.VrrpInstances, config.GlobalDefs, io.Ref, kernel.Ref, notify.Ref)), "G");
        for (var k = 0; k < 2; k++)
        {
            // The first member registered may already be rehearsing its takeover (a Rehearse to /vrrp-io) before
            // the second one's Register arrives.
            var register = (VrrpSocketActor.Register)io.FishForMessage(m => m is VrrpSocketActor.Register);
            register.Instance.Tell(new VrrpSocketActor.Registered("lo", register.Source), io.Ref);
        }

        VrrpInstanceActor.Status Status(string member)
        {
            Sys.ActorSelection(group.Path / member).Tell(VrrpInstanceActor.GetStatus.Instance, TestActor);
            return ExpectMsg<VrrpInstanceActor.Status>();
        }

        AwaitAssert(() => Assert.All(new[] { "VI_1", "VI_2" }, m => Assert.Equal(Protocol.StateMachine.VrrpState.Backup, Status(m).State)), TimeSpan.FromSeconds(10));

        File.WriteAllText(path, "1\n");
        AwaitAssert(
            () => Assert.All(new[] { "VI_1", "VI_2" }, m =>
            {
                var s = Status(m);
                Assert.Equal(Protocol.StateMachine.VrrpState.Fault, s.State);
                Assert.Contains("track_file tf value 1", s.Faults);
            }),
            TimeSpan.FromSeconds(10));

        File.WriteAllText(path, "0\n");
        AwaitAssert(() => Assert.All(new[] { "VI_1", "VI_2" }, m => Assert.Equal(Protocol.StateMachine.VrrpState.Backup, Status(m).State)), TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// The instance starts before /user/node/track-files/tf exists (at start-up and on a reload its container creates
    /// it from a message, concurrently with the instances): its first Subscribe is a dead letter, and it asks again
    /// until the file actor answers, so the file's fault still reaches it.
    /// </summary>
    [Fact]
    public void An_instance_that_starts_before_its_track_file_actor_still_gets_the_files_state()
    {
        var path = Path.Combine(_dir, "late");
        File.WriteAllText(path, "3\n");
        var conf = $$"""
            track_file tf {
                file {{path}}
                weight 0
            }
            vrrp_instance VI_1 {
                interface lo
                virtual_router_id 51
                track_file {
                    tf
                }
                virtual_ipaddress {
                    192.0.2.100/24
                }
            }
            """;
        var result = ConfigCompiler.CompileText(conf, "test.conf", ConfigCompileOptions.Default);
        Assert.Equal(0, result.ExitCode);
        var config = result.Config;
        var io = CreateTestProbe();
        var group = Sys.ActorOf(SyncGroupActor.Props(new SyncGroupActor.Settings("VI_1", true, config.VrrpInstances, config.GlobalDefs, io.Ref, CreateTestProbe().Ref, CreateTestProbe().Ref)), "VI_1");
        var register = (VrrpSocketActor.Register)io.FishForMessage(m => m is VrrpSocketActor.Register);
        register.Instance.Tell(new VrrpSocketActor.Registered("lo", register.Source), io.Ref);

        // Long enough for several retries to go to dead letters first.
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        var fileActor = TrackFileActor.Props(new TrackFileActor.Settings(config.TrackFiles[0], NoFallback));
        Sys.ActorOf(Props.Create(() => new Nest("track-files", Props.Create(() => new Nest("tf", fileActor)))), "node");

        AwaitAssert(
            () =>
            {
                Sys.ActorSelection(group.Path / "VI_1").Tell(VrrpInstanceActor.GetStatus.Instance, TestActor);
                var status = ExpectMsg<VrrpInstanceActor.Status>();
                Assert.Equal(Protocol.StateMachine.VrrpState.Fault, status.State);
                Assert.Contains("track_file tf value 3", status.Faults);
            },
            TimeSpan.FromSeconds(10));
    }

    /// <summary>A parent that only holds one named child, to build /user/node/track-files/tf.</summary>
    private sealed class Nest : ReceiveActor
    {
        public Nest(string child, Props props) => Context.ActorOf(props, child);
    }
}
