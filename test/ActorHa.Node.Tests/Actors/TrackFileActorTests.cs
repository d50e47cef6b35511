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

    /// <summary>
    /// A restart (a handler threw) keeps the trackers and does not apply init_file again: with overwrite it would
    /// reset the value the operator wrote since start-up.
    /// </summary>
    [Fact]
    public void A_restart_keeps_its_trackers_and_does_not_overwrite_the_file_again()
    {
        var file = Block(init: 0, overwrite: true);
        var actor = Start(file, NoFallback);
        Assert.Equal(0, ExpectMsg<TrackFileActor.State>().Value);
        File.WriteAllText(file.File, "9\n");
        Assert.Equal(9, ExpectMsg<TrackFileActor.State>(TimeSpan.FromSeconds(10)).Value);

        ((IInternalActorRef)actor).SendSystemMessage(new Akka.Dispatch.SysMsg.Recreate(new InvalidOperationException("test restart")));
        Assert.Equal(9, ExpectMsg<TrackFileActor.State>(TimeSpan.FromSeconds(10)).Value);
        Assert.Equal("9", File.ReadAllText(file.File).Trim());

        File.WriteAllText(file.File, "3\n");
        Assert.Equal(3, FishForMessage<TrackFileActor.State>(m => m.Value == 3, TimeSpan.FromSeconds(10)).Value);
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
        var container = TrackFilesContainer();
        container.Tell(new ActorContainer.Create(TrackFileActor.Props(new TrackFileActor.Settings(config.TrackFiles[0], NoFallback)), "tf"));
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
    /// /user/node/track-files creates tf from a message, and the instance starts before the container has run it (at
    /// start-up and on a reload the two happen concurrently; here a slow sibling's constructor holds the container for
    /// 500 ms). A Subscribe sent straight to /user/node/track-files/tf would be a dead letter; through the container
    /// it queues behind the Create, so the file's fault reaches the instance.
    /// </summary>
    [Fact]
    public void An_instance_that_starts_before_its_track_file_actor_exists_still_gets_the_files_state()
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
        var container = TrackFilesContainer();
        // Runs its constructor on the container's thread: the container is busy until it returns.
        container.Tell(new ActorContainer.Create(Props.Create(() => new Slow(TimeSpan.FromMilliseconds(500))).WithDispatcher(CallingThreadDispatcher.Id), "slow"));
        container.Tell(new ActorContainer.Create(TrackFileActor.Props(new TrackFileActor.Settings(config.TrackFiles[0], NoFallback)), "tf"));
        var io = CreateTestProbe();
        var group = Sys.ActorOf(SyncGroupActor.Props(new SyncGroupActor.Settings("VI_1", true, config.VrrpInstances, config.GlobalDefs, io.Ref, CreateTestProbe().Ref, CreateTestProbe().Ref)), "VI_1");
        var register = (VrrpSocketActor.Register)io.FishForMessage(m => m is VrrpSocketActor.Register);
        register.Instance.Tell(new VrrpSocketActor.Registered("lo", register.Source), io.Ref);

        AwaitFault(group, "track_file tf value 3");
    }

    /// <summary>
    /// A reload that adds a track_file reaches an instance that has not registered with /vrrp-io yet: it still
    /// subscribes, and once registered the file's fault holds it in FAULT.
    /// </summary>
    [Fact]
    public void A_reload_before_the_instance_registered_still_subscribes_to_the_new_track_file()
    {
        var path = Path.Combine(_dir, "early");
        File.WriteAllText(path, "2\n");
        const string Instance = """
            vrrp_instance VI_1 {
                interface lo
                virtual_router_id 51
                TRACK
                virtual_ipaddress {
                    192.0.2.100/24
                }
            }
            """;
        var block = $"track_file tf {{\n    file {path}\n    weight 0\n}}\n";
        var before = ConfigCompiler.CompileText(block + Instance.Replace("TRACK", ""), "test.conf", ConfigCompileOptions.Default);
        var after = ConfigCompiler.CompileText(block + Instance.Replace("TRACK", "track_file {\n tf\n }"), "test.conf", ConfigCompileOptions.Default);
        Assert.Equal(0, before.ExitCode);
        Assert.Equal(0, after.ExitCode);
        var container = TrackFilesContainer();
        container.Tell(new ActorContainer.Create(TrackFileActor.Props(new TrackFileActor.Settings(after.Config.TrackFiles[0], NoFallback)), "tf"));
        var io = CreateTestProbe();
        var group = Sys.ActorOf(SyncGroupActor.Props(new SyncGroupActor.Settings("VI_1", true, before.Config.VrrpInstances, before.Config.GlobalDefs, io.Ref, CreateTestProbe().Ref, CreateTestProbe().Ref)), "VI_1");
        var register = (VrrpSocketActor.Register)io.FishForMessage(m => m is VrrpSocketActor.Register);

        // Straight to the instance, so it runs before the registration's answer (one sender, one mailbox, in order).
        register.Instance.Tell(new VrrpInstanceActor.Reconfigure(after.Config.VrrpInstances[0]));
        register.Instance.Tell(new VrrpSocketActor.Registered("lo", register.Source), io.Ref);

        AwaitFault(group, "track_file tf value 2");
    }

    /// <summary>/user/node/track-files as the node builds it: an <see cref="ActorContainer"/>, here still empty.</summary>
    private IActorRef TrackFilesContainer()
    {
        var node = Sys.ActorOf(Props.Create(() => new Nest("track-files", ActorContainer.Props())), "node");
        return node.Ask<IActorRef>(Nest.WhichChild, TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
    }

    private sealed class Slow : ReceiveActor
    {
        public Slow(TimeSpan pause) => Thread.Sleep(pause);
    }

    /// <summary>A parent that only holds one named child, to build /user/node/track-files.</summary>
    private sealed class Nest : ReceiveActor
    {
        public const string WhichChild = "which child";

        public Nest(string child, Props props)
        {
            var made = Context.ActorOf(props, child);
            Receive<string>(m => m == WhichChild, _ => Sender.Tell(made));
        }
    }

    /// <summary>Waits until the group's VI_1 is in FAULT for <paramref name="fault"/>.</summary>
    private void AwaitFault(IActorRef group, string fault) =>
        AwaitAssert(
            () =>
            {
                Sys.ActorSelection(group.Path / "VI_1").Tell(VrrpInstanceActor.GetStatus.Instance, TestActor);
                var status = ExpectMsg<VrrpInstanceActor.Status>();
                Assert.Equal(Protocol.StateMachine.VrrpState.Fault, status.State);
                Assert.Contains(fault, status.Faults);
            },
            TimeSpan.FromSeconds(10));
}
