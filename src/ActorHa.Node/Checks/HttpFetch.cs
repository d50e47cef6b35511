using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace ActorHa.Node.Checks;

/// <summary>A fetched page: the status code, the raw header block and the body (de-chunked).</summary>
internal sealed record HttpPage(int StatusCode, string Header, byte[] Body)
{
    /// <summary>The lower-case hex MD5 of the body, as keepalived's digest and genhash print it.</summary>
    public string Digest => Convert.ToHexStringLower(MD5.HashData(Body));
}

/// <summary>
/// The one GET that HTTP_GET, SSL_GET and genhash send, byte for byte as keepalived does
/// (<c>GET /path HTTP/1.0</c>, <c>User-Agent: KeepAliveClient</c>, <c>Host: vhost</c> or <c>Host: ip:port</c>),
/// reading the answer to the end of the connection. TLS certificates are not verified, as in keepalived: the
/// check is about the service answering, not about its identity.
/// </summary>
internal static class HttpFetch
{
    private const int MaxPage = 16 * 1024 * 1024;

    public sealed record Request(
        IPEndPoint Target,
        string Path,
        bool Tls,
        string? Virtualhost,
        bool Sni,
        string? Protocol = null,
        IPAddress? BindTo = null,
        int? BindPort = null);

    public static string RequestText(Request request)
    {
        var (minor, close) = request.Protocol?.ToUpperInvariant() switch
        {
            "1.1" => (1, true),
            "1.0C" => (0, true),
            _ => (0, false),
        };
        var host = request.Virtualhost ?? (request.Target.AddressFamily == AddressFamily.InterNetworkV6
            ? $"[{request.Target.Address}]:{request.Target.Port}"
            : $"{request.Target.Address}:{request.Target.Port}");
        return string.Create(
            CultureInfo.InvariantCulture,
            $"GET {request.Path} HTTP/1.{minor}\r\nUser-Agent: KeepAliveClient\r\n{(close ? "Connection: close\r\n" : "")}Host: {host}\r\n\r\n");
    }

    /// <summary>Fetches the page; throws <see cref="IOException"/>, SocketException, AuthenticationException or OperationCanceledException.</summary>
    public static async Task<HttpPage> GetAsync(Request request, CancellationToken cancellation)
    {
        using var socket = await HealthCheckers.ConnectAsync(request.Target, request.BindTo, request.BindPort, cancellation).ConfigureAwait(false);
        Stream stream = new NetworkStream(socket, ownsSocket: false);
        await using (stream.ConfigureAwait(false))
        {
            if (request.Tls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions
                    {
                        // An empty target host sends no SNI; keepalived sends it only with enable_sni.
                        TargetHost = request.Sni ? request.Virtualhost ?? "" : "",
                        RemoteCertificateValidationCallback = static (_, _, _, _) => true,
                    },
                    cancellation).ConfigureAwait(false);
            }

            await stream.WriteAsync(Encoding.ASCII.GetBytes(RequestText(request)), cancellation).ConfigureAwait(false);
            using var received = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int n;
            while ((n = await ReadOrEndAsync(stream, buffer, cancellation).ConfigureAwait(false)) > 0)
            {
                received.Write(buffer, 0, n);
                if (received.Length > MaxPage || IsComplete(received.GetBuffer().AsSpan(0, (int)received.Length)))
                {
                    break;
                }
            }

            return Parse(received.ToArray());
        }
    }

    /// <summary>A TLS server that drops the connection without close_notify ends the page like a TCP close does.</summary>
    private static async Task<int> ReadOrEndAsync(Stream stream, byte[] buffer, CancellationToken cancellation)
    {
        try
        {
            return await stream.ReadAsync(buffer, cancellation).ConfigureAwait(false);
        }
        catch (IOException) when (stream is SslStream)
        {
            return 0;
        }
    }

    /// <summary>Parses a response; throws <see cref="IOException"/> when it is not HTTP.</summary>
    public static HttpPage Parse(byte[] response)
    {
        var end = response.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            throw new IOException("incomplete HTTP header");
        }

        var header = Encoding.Latin1.GetString(response, 0, end + 4);
        if (!header.StartsWith("HTTP/", StringComparison.Ordinal) || header.Length < 12
            || !int.TryParse(header.AsSpan(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            throw new IOException("not an HTTP status line");
        }

        var body = response.AsSpan(end + 4);
        if (HeaderValue(header, "Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true)
        {
            return new HttpPage(status, header, Dechunk(body));
        }

        if (HeaderValue(header, "Content-Length") is { } length && int.TryParse(length, NumberStyles.None, CultureInfo.InvariantCulture, out var len) && len < body.Length)
        {
            body = body[..len];
        }

        return new HttpPage(status, header, body.ToArray());
    }

    private static bool IsComplete(ReadOnlySpan<byte> received)
    {
        var end = received.IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            return false;
        }

        var header = Encoding.Latin1.GetString(received[..end]);
        return HeaderValue(header, "Content-Length") is { } length
            && int.TryParse(length, NumberStyles.None, CultureInfo.InvariantCulture, out var len)
            && received.Length - end - 4 >= len;
    }

    private static string? HeaderValue(string header, string name)
    {
        foreach (var line in header.Split("\r\n"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.AsSpan(0, colon).Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }

    private static byte[] Dechunk(ReadOnlySpan<byte> body)
    {
        using var output = new MemoryStream();
        while (true)
        {
            var eol = body.IndexOf("\r\n"u8);
            if (eol < 0)
            {
                break;
            }

            var sizeText = body[..eol];
            var semicolon = sizeText.IndexOf((byte)';');
            if (semicolon >= 0)
            {
                sizeText = sizeText[..semicolon];
            }

            if (!Utf8Parser.TryParse(sizeText.Trim((byte)' '), out int size, out _, 'x') || size <= 0)
            {
                break;
            }

            body = body[(eol + 2)..];
            var take = Math.Min(size, body.Length);
            output.Write(body[..take]);
            body = body[take..];
            if (body.StartsWith("\r\n"u8))
            {
                body = body[2..];
            }
        }

        return output.ToArray();
    }
}
