using System.CommandLine;
using ActorHa.Node.Cli;

namespace ActorHa.Node.Tests.Checks;

public sealed class GenhashCommandTests
{
    private static async Task<(int Code, string Output)> Run(params string[] args)
    {
        var root = new RootCommand { GenhashCommand.Create() };
        var output = new StringWriter();
        var code = await root.Parse(["genhash", .. args]).InvokeAsync(new InvocationConfiguration { Output = output, Error = output });
        return (code, output.ToString());
    }

    [Fact]
    public async Task Genhash_prints_the_md5_of_the_page_like_keepalived_genhash()
    {
        using var backend = new HttpBackend { Body = "hello\n" };
        var (code, output) = await Run("-s", "127.0.0.1", "-p", backend.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-u", "/index.html");

        Assert.Equal(0, code);
        Assert.Equal("b1946ac92492d2347c6235b4d2611184\n", output);
        Assert.StartsWith("GET /index.html HTTP/1.0\r\n", backend.LastRequest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Genhash_over_tls_sends_the_virtualhost_as_sni_and_host()
    {
        using var backend = new HttpBackend(tls: true) { Body = "hello\n" };
        var (code, output) = await Run("-S", "-s", "127.0.0.1", "-p", backend.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-u", "/", "-V", "www.example.test");

        Assert.Equal(0, code);
        Assert.Equal("b1946ac92492d2347c6235b4d2611184\n", output);
        Assert.Equal("www.example.test", backend.LastSni);
    }

    [Fact]
    public async Task Genhash_says_connection_failed_when_nothing_listens()
    {
        using var backend = new PlainTcpBackend();
        backend.Stop();
        var (code, output) = await Run("-s", "127.0.0.1", "-p", backend.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-u", "/");

        Assert.Equal(1, code);
        Assert.Equal("Connection failed\n", output);
    }
}
