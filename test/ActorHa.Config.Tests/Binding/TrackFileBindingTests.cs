namespace ActorHa.Config.Tests.Binding;

public sealed class TrackFileBindingTests
{
    [Fact]
    public void Track_file_block_binds_file_weight_and_init_file()
    {
        var config = Compile.Clean("""
            track_file tf {
              file /run/actorha/tf
              weight -5 reverse
              init_file 3 overwrite
            }
            track_file plain {
              file "/run/actorha/plain"
            }
            """ + "\n" + Compile.Instance("  track_file {\n    tf\n    plain weight 7\n  }"));
        var tf = config.TrackFiles[0];
        Assert.Equal(("tf", "/run/actorha/tf", -5, true, 3L, true), (tf.Name, tf.File, tf.Weight, tf.WeightReverse, tf.InitValue, tf.InitOverwrite));
        var plain = config.TrackFiles[1];
        Assert.Equal((1, false, (long?)null, false), (plain.Weight, plain.WeightReverse, plain.InitValue, plain.InitOverwrite));
        var tracked = config.VrrpInstances[0].TrackFile;
        Assert.Equal([("tf", (int?)null), ("plain", 7)], tracked.Select(t => (t.Name, t.Weight)));
    }

    [Fact]
    public void Init_file_without_value_writes_zero()
    {
        var config = Compile.Clean("track_file tf {\n  file /tmp/tf\n  init_file\n}\n");
        Assert.Equal(0L, config.TrackFiles[0].InitValue);
        Assert.False(config.TrackFiles[0].InitOverwrite);
    }

    [Fact]
    public void Vrrp_track_file_is_a_deprecated_synonym()
    {
        var result = Compile.Text("vrrp_track_file tf {\n  file /tmp/tf\n}\n");
        Assert.Equal(["k.conf:1:1: warning: (tf) vrrp_track_file is deprecated, use track_file"], result.Messages());
        Assert.Equal("/tmp/tf", Assert.Single(result.Config.TrackFiles).File);
    }

    [Fact]
    public void Bad_values_and_unknown_names_are_reported_where_they_are_written()
    {
        var result = Compile.Text("""
            track_file tf {
              file /tmp/tf
              weight heavy
              init_file x
              interval 3
            }
            track_file nofile {
              weight 2
            }
            """ + "\n" + Compile.Instance("  track_file {\n    tf weight 300\n    nosuch\n    nofile\n    tf wieght 2\n  }"));
        Assert.Equal(
        [
            "k.conf:3:10: error: (tf) weight 'heavy' is not an integer, using 1",
            "k.conf:4:13: error: (tf) init_file 'x' is not an integer, using 0",
            "k.conf:5:3: warning: unknown keyword 'interval' in track_file",
            "k.conf:7:1: error: (nofile) track_file has no file, ignoring it",
            "k.conf:14:15: error: (VI_1) track_file tf weight 300 not in -254..254, ignoring it",
            "k.conf:15:5: error: (VI_1) track_file nosuch is not a track_file, ignoring it",
            "k.conf:16:5: error: (VI_1) track_file nofile is not a track_file, ignoring it",
            "k.conf:17:8: error: (VI_1) track_file tf: expected 'weight', found 'wieght', ignoring it",
        ], result.Messages());
        Assert.Empty(result.Config.VrrpInstances[0].TrackFile);
        Assert.Equal(4, result.ExitCode);
    }

    [Fact]
    public void Track_file_weights_of_sync_group_members_are_ignored_as_keepalived_documents()
    {
        var result = Compile.Text("""
            track_file tf {
              file /tmp/tf
              weight -10
            }
            vrrp_sync_group VG_1 {
              group {
                VI_1
                VI_2
              }
            }
            """ + "\n" + Compile.Instance("  track_file {\n    tf\n  }", "VI_1") + Compile.Instance("", "VI_2", 52, "192.0.2.11/24"));
        Assert.Equal(["k.conf:15:5: warning: (VI_1) track_file tf weight ignored in sync group VG_1 (a failure faults the group)"], result.Messages());
        Assert.Equal(0, result.Config.VrrpInstances[0].TrackFile[0].Weight);
    }

    [Fact]
    public void Sync_group_tracking_applies_to_every_member_with_the_groups_weights()
    {
        var config = Compile.Clean("""
            global_defs {
              enable_script_security
            }
            vrrp_script chk {
              script /bin/true
            }
            track_file tf {
              file /tmp/tf
            }
            vrrp_sync_group VG_1 {
              group {
                VI_1
                VI_2
              }
              track_script {
                chk weight -20
              }
              track_interface {
                eth2
              }
              track_file {
                tf weight -3
              }
            }
            """ + "\n" + Compile.Instance("  track_interface {\n    eth2\n  }", "VI_1") + Compile.Instance("", "VI_2", 52, "198.51.100.10/24", "eth1"));
        foreach (var member in config.VrrpInstances)
        {
            Assert.Equal([("chk", (int?)-20)], member.TrackScript.Select(t => (t.Name, t.Weight)));
            Assert.Equal(["eth2"], member.TrackInterface.Select(t => t.Name));
            Assert.Equal([("tf", (int?)-3)], member.TrackFile.Select(t => (t.Name, t.Weight)));
        }

        var group = Assert.Single(config.SyncGroups);
        Assert.Single(group.TrackScript);
    }
}
