using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using ActorHa.Node.Checks;

namespace ActorHa.Node.Cli;

/// <summary>
/// <c>actorha genhash -s HOST -p PORT -u URL [-S] [-V VHOST] [-P 1.0|1.1|1.0c] [-t SECONDS]</c>: keepalived's
/// genhash. Fetches the URL with exactly the request HTTP_GET/SSL_GET send and prints the MD5 digest of the body
/// to paste into a url block's <c>digest</c>. Unlike genhash, a failed fetch exits with status 1.
/// </summary>
internal static class GenhashCommand
{
    public static Command Create()
    {
        var server = new Option<string>("--server", "-s") { Description = "The IP address to connect to.", Required = true };
        var port = new Option<int>("--port", "-p") { Description = "The port to connect to.", Required = true };
        var url = new Option<string>("--url", "-u") { Description = "The path of the page to hash.", Required = true };
        var ssl = new Option<bool>("--use-ssl", "-S") { Description = "Use TLS (SSL_GET)." };
        var vhost = new Option<string?>("--use-virtualhost", "-V") { Description = "The Host header (and SNI with -S) to send." };
        var protocol = new Option<string?>("--protocol", "-P") { Description = "HTTP protocol version: 1.0, 1.1 or 1.0c." };
        var timeout = new Option<double>("--timeout", "-t") { Description = "Connection timeout in seconds.", DefaultValueFactory = _ => 5 };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Also print the response header and the body size." };
        var command = new Command("genhash", "Print the MD5 digest of a web page, as keepalived's genhash does.")
        {
            server, port, url, ssl, vhost, protocol, timeout, verbose,
        };
        command.SetAction(async (parseResult, cancellation) =>
        {
            var config = parseResult.InvocationConfiguration;
            if (!IPAddress.TryParse(parseResult.GetValue(server), out var address))
            {
                await config.Error.WriteLineAsync($"genhash: '{parseResult.GetValue(server)}' is not an IP address").ConfigureAwait(false);
                return 1;
            }

            var request = new HttpFetch.Request(
                new IPEndPoint(address, parseResult.GetValue(port)),
                parseResult.GetValue(url)!,
                parseResult.GetValue(ssl),
                parseResult.GetValue(vhost),
                Sni: true,
                parseResult.GetValue(protocol));
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            limit.CancelAfter(TimeSpan.FromSeconds(parseResult.GetValue(timeout)));
            HttpPage page;
            try
            {
                page = await HttpFetch.GetAsync(request, limit.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or SocketException or AuthenticationException or OperationCanceledException)
            {
                await config.Output.WriteLineAsync("Connection failed").ConfigureAwait(false);
                return 1;
            }

            if (parseResult.GetValue(verbose))
            {
                await config.Output.WriteAsync(page.Header.ReplaceLineEndings("\n")).ConfigureAwait(false);
                await config.Output.WriteLineAsync($"({page.Body.Length} bytes of body, status {page.StatusCode})").ConfigureAwait(false);
            }

            await config.Output.WriteLineAsync(page.Digest).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
