using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Text.RegularExpressions;
using ActorHa.Config.Model;

namespace ActorHa.Node.Checks;

/// <summary>
/// HTTP_GET and SSL_GET: every url must answer within connect_timeout with a status in its status_code ranges
/// (200-299 when none are given), the MD5 of its body equal to its digest when one is given, and its regex
/// matching (or, with regex_no_match, not matching) the body.
/// </summary>
internal sealed class HttpChecker(CheckerSettings settings, bool tls) : IHealthChecker
{
    private static readonly IReadOnlyList<StatusCodeRange> DefaultStatus = [new StatusCodeRange(200, 299)];

    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    public async Task<CheckResult> CheckAsync(CancellationToken cancellation)
    {
        foreach (var url in settings.Urls)
        {
            var result = await CheckUrlAsync(url, cancellation).ConfigureAwait(false);
            if (!result.Success)
            {
                return result;
            }
        }

        return CheckResult.Passed;
    }

    private async Task<CheckResult> CheckUrlAsync(HttpUrl url, CancellationToken cancellation)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        limit.CancelAfter(settings.ConnectTimeout);
        var request = new HttpFetch.Request(
            settings.Connect, url.Path, tls, url.Virtualhost ?? settings.Virtualhost, settings.EnableSni, settings.HttpProtocol, settings.BindTo, settings.BindPort);
        HttpPage page;
        try
        {
            page = await HttpFetch.GetAsync(request, limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return CheckResult.Failed($"Timeout connecting or reading url({url.Path})");
        }
        catch (Exception e) when (e is IOException or SocketException or AuthenticationException)
        {
            return CheckResult.Failed($"{e.Message} url({url.Path})");
        }

        var ranges = url.StatusCodes.Count > 0 ? url.StatusCodes : DefaultStatus;
        if (!ranges.Any(r => page.StatusCode >= r.From && page.StatusCode <= r.To))
        {
            return CheckResult.Failed($"HTTP status code error to url({url.Path}), status_code [{page.StatusCode}]");
        }

        if (url.Digest is { } digest && !string.Equals(digest, page.Digest, StringComparison.OrdinalIgnoreCase))
        {
            return CheckResult.Failed($"MD5 digest error to url({url.Path}), digest [{page.Digest}], expected [{digest}]");
        }

        if (url.Regex is { } pattern)
        {
            bool matched;
            try
            {
                matched = Regex.IsMatch(Encoding.Latin1.GetString(page.Body), pattern, RegexOptions.None, RegexTimeout);
            }
            catch (RegexMatchTimeoutException)
            {
                return CheckResult.Failed($"regex timed out on url({url.Path})");
            }
            catch (ArgumentException e)
            {
                return CheckResult.Failed($"Invalid regex: '{pattern}': {e.Message}");
            }

            if (matched == url.RegexNoMatch)
            {
                return CheckResult.Failed($"regex {(url.RegexNoMatch ? "matched" : "did not match")} on url({url.Path})");
            }
        }

        return CheckResult.Passed;
    }
}
