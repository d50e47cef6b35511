namespace ActorHa.Config.Tests.Binding;

/// <summary>The examples in conf.d/ (the seeds made runnable) must pass <c>actorha check</c> with nothing to say.</summary>
public sealed class ConfDirectoryTests
{
    private static string ConfDir()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ActorHa.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("ActorHa.sln not found above the test binaries"), "conf.d");
    }

    public static TheoryData<string> Examples()
    {
        var root = ConfDir();
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(root, "*.conf", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(root, file));
        }

        return data;
    }

    [Fact]
    public void Every_seed_has_its_example()
    {
        var folders = Directory.GetDirectories(ConfDir()).Select(Path.GetFileName);
        Assert.Superset(new HashSet<string?> { "seed-ha-pair", "seed-nopreempt-3node", "seed-lvs-dr", "seed-notify-scripts" }, folders.ToHashSet());
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_compiles_clean(string relative)
    {
        var result = ConfigCompiler.Compile(Path.Combine(ConfDir(), relative), ConfigCompileOptions.Default);
        Assert.Empty(result.Diagnostics.Select(d => d.ToString()));
        Assert.Equal(0, result.ExitCode);
        Assert.NotEmpty(result.Config.VrrpInstances);
    }

    [Fact]
    public void The_ha_pair_differs_only_in_role()
    {
        var master = ConfigCompiler.Compile(Path.Combine(ConfDir(), "seed-ha-pair", "keepalived-163.conf"), ConfigCompileOptions.Default).Config;
        var backup = ConfigCompiler.Compile(Path.Combine(ConfDir(), "seed-ha-pair", "keepalived-113.conf"), ConfigCompileOptions.Default).Config;
        Assert.Equal(
            master.VrrpInstances.Select(i => (i.Name, i.VirtualRouterId, i.Family, string.Join(",", i.VirtualIpaddress.Select(v => v.Address)))),
            backup.VrrpInstances.Select(i => (i.Name, i.VirtualRouterId, i.Family, string.Join(",", i.VirtualIpaddress.Select(v => v.Address)))));
        Assert.All(master.VrrpInstances.Zip(backup.VrrpInstances), p => Assert.True(p.First.Priority > p.Second.Priority));
        Assert.Equal(3, backup.VrrpInstances.Single(i => i.Name == "VI_6").Version);
    }
}
