using Xunit.Abstractions;

namespace ActorHa.Config.Tests.Binding;

/// <summary>
/// keepalived's own samples (GPL, so read where Debian installs them, never copied here) must all compile to
/// something runnable. Some carry mistakes keepalived reports too (keepalived.conf.vrrp.rules), so errors are fine.
/// </summary>
public sealed class DebianSampleTests(ITestOutputHelper output)
{
    private const string SampleDir = "/usr/share/doc/keepalived/samples";

    public static TheoryData<string> Samples()
    {
        var data = new TheoryData<string>();
        if (Directory.Exists(SampleDir))
        {
            foreach (var file in Directory.GetFiles(SampleDir, "keepalived.conf.*").Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetFileName(file));
            }
        }
        else
        {
            data.Add("");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Debian_sample_compiles_without_fatal(string sample)
    {
        if (sample.Length == 0)
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true",
                $"{SampleDir} is missing: apt-get install keepalived (the samples are read from there, not copied)");
            return;
        }

        var result = ConfigCompiler.Compile(Path.Combine(SampleDir, sample), new ConfigCompileOptions("high"));
        foreach (var d in result.Diagnostics)
        {
            output.WriteLine(d.ToString());
        }

        Assert.NotEqual(3, result.ExitCode);
        Assert.True(result.Config.VrrpInstances.Count + result.Config.VirtualServers.Count > 0);
    }
}
