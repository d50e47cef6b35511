using System.Globalization;

namespace ActorHa.Protocol.Logging;

/// <summary>
/// Every user-visible line of the health checkers, character for character as keepalived 2.2.7's checker process
/// prints them (captured by running it against backends in a network namespace), so log alerts written for
/// keepalived keep matching. <c>rs</c> and <c>vs</c> are keepalived's service notation, <c>[192.0.2.2]:tcp:80</c>.
/// </summary>
public static partial class KeepalivedLog
{
    public static string ActivatingHealthchecker(string rs, string vs) => $"Activating healthchecker for service {rs} for VS {vs}";

    public static string ShuttingDown(string rs, string vs) => $"Shutting down service {rs} from VS {vs}";

    public static string TcpSuccess(string rs) => $"TCP connection to {rs} success.";

    /// <summary>An HTTP_GET/SSL_GET URL passed while the server was coming up: its digest, else its status code.</summary>
    public static string UrlSuccess(bool digest, string rs, string path) =>
        $"{(digest ? "MD5 digest" : "HTTP status code")} success to {rs} url({path})";

    public static string WebSuccess(string rs) => $"Remote Web server {rs} succeed on service.";

    public static string SmtpSuccess(string rs) => $"Remote SMTP server {rs} succeed on service.";

    public static string MiscSuccess(string rs, string vs, string path) => $"Misc check for [{rs} VS {vs}] by [{path}] succeeded.";

    /// <summary>TCP_CHECK and HTTP_GET/SSL_GET (both say HTTP_CHECK) giving up on a server.</summary>
    public static string CheckFailed(string checkName, string rs, int retries) =>
        retries > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{checkName} on service {rs} failed after {retries} retries.")
            : $"{checkName} on service {rs} failed.";

    /// <summary>SMTP_CHECK's failure is its reason: <c>Could not connect to server [192.0.2.4]:25</c>.</summary>
    public static string SmtpFailed(string reason) => $"SMTP_CHECK {reason}";

    public static string DnsFailed(string rs, string reason, int retries) =>
        retries > 0
            ? string.Create(CultureInfo.InvariantCulture, $"DNS_CHECK ({rs}) {reason} after {retries} retries")
            : $"DNS_CHECK ({rs}) {reason}";

    /// <summary>A MISC_CHECK script failing with <paramref name="exitStatus"/>, or null when it was killed at misc_timeout.</summary>
    public static string MiscFailed(string rs, string vs, string path, int retries, int? exitStatus)
    {
        var after = retries > 0 ? string.Create(CultureInfo.InvariantCulture, $" after {retries} retries") : " with retry disabled";
        return exitStatus is { } status
            ? string.Create(CultureInfo.InvariantCulture, $"Misc check for [{rs} VS {vs}] by [{path}] failed{after} (exited with status {status}).")
            : $"Misc check for [{rs} VS {vs}] by [{path}] timed out{after}.";
    }

    public static string SmtpCouldNotConnect(string endpoint) => $"Could not connect to server {endpoint}";

    public static string SmtpReadTimeout(string endpoint) => $"Read timeout from server {endpoint}";

    public static string SmtpReadFailure(string endpoint) => $"Read failure from server {endpoint}";

    public static string SmtpBadHelo(string endpoint) => $"Bad HELO response from server {endpoint}";

    public const string DnsReadTimeout = "read timeout from socket";

    public static string DnsReadError(int errno, string text) =>
        string.Create(CultureInfo.InvariantCulture, $"failed to read socket; errno {errno} ({text})");

    public static string AddingService(string rs, string vs) => $"Adding service {rs} to VS {vs}";

    public static string RemovingService(string rs, string vs) => $"Removing service {rs} from VS {vs}";

    /// <summary>inhibit_on_failure: the server stays in IPVS at weight 0.</summary>
    public static string DisablingService(string rs, string vs) => $"Disabling service {rs} of VS {vs}";

    public static string EnablingService(string rs, string vs) => $"Enabling service {rs} of VS {vs}";

    public static string ChangingWeight(int from, int to, bool active, string rs, string vs) =>
        string.Create(CultureInfo.InvariantCulture, $"Changing weight from {from} to {to} for {(active ? "" : "in")}active service {rs} of VS {vs}");

    public static string GainedQuorum(int quorum, int hysteresis, long weightSum, string vs) =>
        string.Create(CultureInfo.InvariantCulture, $"Gained quorum {quorum}+{hysteresis}={quorum + hysteresis} <= {weightSum} for VS {vs}");

    public static string LostQuorum(int quorum, int hysteresis, long weightSum, string vs) =>
        string.Create(CultureInfo.InvariantCulture, $"Lost quorum {quorum}-{hysteresis}={quorum - hysteresis} > {weightSum} for VS {vs}");

    public static string AddingSorryServer(string ss, string vs) => $"Adding sorry server {ss} to VS {vs}";

    public static string RemovingSorryServer(string ss, string vs) => $"Removing sorry server {ss} from VS {vs}";

    public static string AddingAliveServers(string vs) => $"Adding alive servers to the pool for VS {vs}";

    public static string RemovingAliveServers(string vs) => $"Removing alive servers from the pool for VS {vs}";
}
