using System.Net;
using ActorHa.Config.Model;
using ActorHa.Node.Checks;

namespace ActorHa.Node.Tests.Checks;

public sealed class CheckerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorha-check-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static CheckerSettings Settings(CheckerKind kind, int port) => new(
        kind,
        new IPEndPoint(IPAddress.Loopback, port),
        BindTo: null,
        BindPort: null,
        ConnectTimeout: TimeSpan.FromSeconds(2),
        Retry: 0,
        DelayBeforeRetry: TimeSpan.FromMilliseconds(100),
        DelayLoop: TimeSpan.FromMilliseconds(200),
        Warmup: TimeSpan.Zero,
        Alpha: false,
        LogAllFailures: false,
        Urls: [new HttpUrl("/", null, [], null, null, false)],
        HttpProtocol: null,
        Virtualhost: null,
        EnableSni: false,
        HeloName: "checker.example",
        DnsType: "A",
        DnsName: "example.com",
        MiscPath: null,
        MiscTimeout: TimeSpan.FromSeconds(5),
        MiscDynamic: false);

    private static Task<CheckResult> Check(CheckerSettings settings) => HealthCheckers.Create(settings).CheckAsync(CancellationToken.None);

    private static int ClosedPort()
    {
        using var probe = new PlainTcpBackend();
        probe.Stop();
        return probe.Port;
    }

    [Fact]
    public async Task Tcp_check_passes_while_the_backend_listens_and_fails_when_it_is_stopped()
    {
        using var backend = new PlainTcpBackend();
        var settings = Settings(CheckerKind.TcpCheck, backend.Port);
        Assert.True((await Check(settings)).Success);

        backend.Stop();
        Assert.False((await Check(settings)).Success);

        backend.Start();
        Assert.True((await Check(settings)).Success);
    }

    [Fact]
    public async Task Tcp_check_binds_to_bindto()
    {
        using var backend = new PlainTcpBackend();
        var settings = Settings(CheckerKind.TcpCheck, backend.Port) with { BindTo = IPAddress.Parse("127.0.0.2") };
        Assert.True((await Check(settings)).Success);
    }

    [Fact]
    public async Task Http_get_sends_keepalived_request_and_accepts_2xx_by_default()
    {
        using var backend = new HttpBackend();
        var result = await Check(Settings(CheckerKind.HttpGet, backend.Port));

        Assert.True(result.Success, result.Reason);
        Assert.Equal($"GET / HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: 127.0.0.1:{backend.Port}\r\n\r\n", backend.LastRequest);
    }

    [Fact]
    public async Task Http_get_sends_the_virtualhost_as_host_header()
    {
        using var backend = new HttpBackend();
        var url = new HttpUrl("/health", null, [], "www.example.test", null, false);
        var result = await Check(Settings(CheckerKind.HttpGet, backend.Port) with { Urls = [url], HttpProtocol = "1.1" });

        Assert.True(result.Success, result.Reason);
        Assert.Equal("GET /health HTTP/1.1\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: www.example.test\r\n\r\n", backend.LastRequest);
    }

    [Fact]
    public async Task Http_get_fails_on_a_status_outside_the_ranges()
    {
        using var backend = new HttpBackend { Status = 503 };
        var settings = Settings(CheckerKind.HttpGet, backend.Port);
        var result = await Check(settings);
        Assert.False(result.Success);
        Assert.Contains("status_code [503]", result.Reason, StringComparison.Ordinal);

        var ranges = settings with { Urls = [new HttpUrl("/", null, [new StatusCodeRange(200, 200), new StatusCodeRange(500, 503)], null, null, false)] };
        Assert.True((await Check(ranges)).Success);
    }

    [Fact]
    public async Task Http_get_compares_the_md5_of_the_body_with_the_digest()
    {
        using var backend = new HttpBackend { Body = "hello\n" };
        var settings = Settings(CheckerKind.HttpGet, backend.Port) with
        {
            // md5sum of "hello\n", the same value genhash printed against the same page.
            Urls = [new HttpUrl("/", "b1946ac92492d2347c6235b4d2611184", [], null, null, false)],
        };
        Assert.True((await Check(settings)).Success);

        backend.Chunked = true;
        Assert.True((await Check(settings)).Success);

        backend.Body = "changed\n";
        var result = await Check(settings);
        Assert.False(result.Success);
        Assert.StartsWith("MD5 digest error", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_get_applies_regex_and_regex_no_match()
    {
        using var backend = new HttpBackend { Body = "status: OK" };
        var matching = Settings(CheckerKind.HttpGet, backend.Port) with { Urls = [new HttpUrl("/", null, [], null, "status: (OK|ok)", false)] };
        Assert.True((await Check(matching)).Success);

        var inverted = matching with { Urls = [new HttpUrl("/", null, [], null, "status: OK", true)] };
        Assert.False((await Check(inverted)).Success);
    }

    [Fact]
    public async Task Http_get_fails_when_the_server_is_down()
    {
        var result = await Check(Settings(CheckerKind.HttpGet, ClosedPort()));
        Assert.False(result.Success);
    }

    [Fact]
    public async Task Ssl_get_accepts_a_self_signed_certificate_and_sends_sni_only_with_enable_sni()
    {
        using var backend = new HttpBackend(tls: true);
        var url = new HttpUrl("/", "b1946ac92492d2347c6235b4d2611184", [], "www.example.test", null, false);
        var settings = Settings(CheckerKind.SslGet, backend.Port) with { Urls = [url] };

        var result = await Check(settings);
        Assert.True(result.Success, result.Reason);
        Assert.True(string.IsNullOrEmpty(backend.LastSni));

        result = await Check(settings with { EnableSni = true });
        Assert.True(result.Success, result.Reason);
        Assert.Equal("www.example.test", backend.LastSni);
        Assert.Contains("Host: www.example.test\r\n", backend.LastRequest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Smtp_check_says_helo_with_helo_name_and_quits()
    {
        using var backend = new SmtpBackend();
        var result = await Check(Settings(CheckerKind.SmtpCheck, backend.Port));

        Assert.True(result.Success, result.Reason);
        Assert.Equal("HELO checker.example", backend.LastHelo);
    }

    [Fact]
    public async Task Smtp_check_fails_on_a_greeting_other_than_220_and_on_a_closed_port()
    {
        using var backend = new SmtpBackend { Greeting = 554 };
        Assert.False((await Check(Settings(CheckerKind.SmtpCheck, backend.Port))).Success);

        var port = ClosedPort();
        var result = await Check(Settings(CheckerKind.SmtpCheck, port));
        Assert.Equal($"Could not connect to server [127.0.0.1]:{port}", result.Reason);
    }

    [Fact]
    public void Dns_query_is_byte_for_byte_what_keepalived_sends()
    {
        // Captured from keepalived 2.2.7's DNS_CHECK { type A name example.com }.
        Assert.Equal(
            "921e01000001000000000000076578616d706c6503636f6d0000010001",
            Convert.ToHexStringLower(DnsChecker.BuildQuery(0x921e, "example.com", DnsChecker.Types["A"])));
        Assert.Equal("abcd0100000100000000000000000600 01".Replace(" ", "", StringComparison.Ordinal), Convert.ToHexStringLower(DnsChecker.BuildQuery(0xabcd, ".", 6)));
    }

    [Fact]
    public async Task Dns_check_passes_on_noerror_and_fails_on_an_error_rcode_silence_or_a_closed_port()
    {
        using var backend = new DnsBackend();
        var settings = Settings(CheckerKind.DnsCheck, backend.Port) with { ConnectTimeout = TimeSpan.FromMilliseconds(300) };
        Assert.True((await Check(settings)).Success);

        backend.Rcode = 2;
        Assert.Equal("RCODE 2", (await Check(settings)).Reason);

        backend.Silent = true;
        Assert.Equal("read timeout from socket", (await Check(settings)).Reason);

        backend.Dispose();
        Assert.Equal("failed to read socket; errno 111 (Connection refused)", (await Check(settings)).Reason);
    }

    private NotifyScript Script(string body)
    {
        var path = Path.Combine(_dir, $"misc-{Guid.NewGuid():N}.sh");
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new NotifyScript(path);
    }

    [Fact]
    public async Task Misc_check_maps_exit_codes_and_misc_dynamic_weights()
    {
        var settings = Settings(CheckerKind.MiscCheck, 0);
        Assert.True((await Check(settings with { MiscPath = Script("exit 0") })).Success);
        Assert.Equal(1, (await Check(settings with { MiscPath = Script("exit 1") })).ExitStatus);
        Assert.False((await Check(settings with { MiscPath = Script("exit 12") })).Success);

        var dynamic = await Check(settings with { MiscPath = Script("exit 12"), MiscDynamic = true });
        Assert.True(dynamic.Success);
        Assert.Equal(10, dynamic.DynamicWeight);
        Assert.False((await Check(settings with { MiscPath = Script("exit 1"), MiscDynamic = true })).Success);
    }

    [Fact]
    public async Task Misc_check_is_killed_at_misc_timeout()
    {
        var result = await Check(Settings(CheckerKind.MiscCheck, 0) with { MiscPath = Script("sleep 30"), MiscTimeout = TimeSpan.FromMilliseconds(300) });
        Assert.False(result.Success);
        Assert.Null(result.ExitStatus);
    }
}
