using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ActorHa.Node.Tests.Checks;

/// <summary>
/// A real TCP server on 127.0.0.1 for the checkers to probe. It keeps its ephemeral port across
/// <see cref="Stop"/>/<see cref="Start"/> so a test can kill and revive a backend.
/// </summary>
public abstract class TcpBackend : IDisposable
{
    private TcpListener? _listener;
    private CancellationTokenSource? _stop;

    protected TcpBackend()
    {
        Start();
    }

    public int Port { get; private set; }

    public int Connections => _connections;

    private int _connections;

    public void Start()
    {
        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start(512);
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _listener = listener;
        _stop = new CancellationTokenSource();
        var stop = _stop.Token;
        _ = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                Socket client;
                try
                {
                    client = await listener.AcceptSocketAsync(stop);
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                Interlocked.Increment(ref _connections);
                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        try
                        {
                            await ServeAsync(client, stop);
                        }
                        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
                        {
                            // The checker hung up or the backend is stopping.
                        }
                    }
                }, CancellationToken.None);
            }
        }, CancellationToken.None);
    }

    public void Stop()
    {
        _stop?.Cancel();
        _listener?.Stop();
        _listener = null;
    }

    public void Dispose()
    {
        Stop();
        GC.SuppressFinalize(this);
    }

    protected abstract Task ServeAsync(Socket client, CancellationToken stop);
}

/// <summary>Accepts and closes: all TCP_CHECK needs.</summary>
public sealed class PlainTcpBackend : TcpBackend
{
    protected override Task ServeAsync(Socket client, CancellationToken stop) => Task.CompletedTask;
}

/// <summary>A tiny HTTP/1.x responder (optionally over TLS with a self-signed certificate) returning a chosen status and body.</summary>
public sealed class HttpBackend(bool tls = false) : TcpBackend
{
    private static readonly Lazy<X509Certificate2> Certificate = new(MakeCertificate);

    public volatile int Status = 200;

    public volatile string Body = "hello\n";

    /// <summary>Send the body in chunked transfer coding instead of with Content-Length.</summary>
    public volatile bool Chunked;

    public string? LastRequest { get; private set; }

    public string? LastSni { get; private set; }

    protected override async Task ServeAsync(Socket client, CancellationToken stop)
    {
        Stream stream = new NetworkStream(client, ownsSocket: false);
        if (tls)
        {
            var ssl = new SslStream(stream);
            stream = ssl;
            await ssl.AuthenticateAsServerAsync(
                new SslServerAuthenticationOptions
                {
                    ServerCertificateSelectionCallback = (_, name) =>
                    {
                        LastSni = name;
                        return Certificate.Value;
                    },
                },
                stop);
        }

        await using (stream)
        {
            var request = new StringBuilder();
            var buffer = new byte[4096];
            while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var n = await stream.ReadAsync(buffer, stop);
                if (n == 0)
                {
                    return;
                }

                request.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }

            LastRequest = request.ToString();
            var body = Encoding.UTF8.GetBytes(Body);
            var header = Chunked
                ? $"HTTP/1.1 {Status} X\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                : $"HTTP/1.1 {Status} X\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(header), stop);
            if (Chunked)
            {
                foreach (var part in body.Chunk(3))
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"{part.Length:x}\r\n"), stop);
                    await stream.WriteAsync(part, stop);
                    await stream.WriteAsync("\r\n"u8.ToArray(), stop);
                }

                await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), stop);
            }
            else
            {
                await stream.WriteAsync(body, stop);
            }
        }
    }

    private static X509Certificate2 MakeCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=actorha-test", key, HashAlgorithmName.SHA256);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }
}

/// <summary>Speaks the 220 / HELO 250 / QUIT 221 dialogue; <see cref="Greeting"/> can be made to fail.</summary>
public sealed class SmtpBackend : TcpBackend
{
    public volatile int Greeting = 220;

    public string? LastHelo { get; private set; }

    protected override async Task ServeAsync(Socket client, CancellationToken stop)
    {
        await using var stream = new NetworkStream(client, ownsSocket: false);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{Greeting}-test.example ESMTP\r\n{Greeting} ready\r\n"), stop);
        while (await reader.ReadLineAsync(stop) is { } line)
        {
            if (line.StartsWith("QUIT", StringComparison.OrdinalIgnoreCase))
            {
                await stream.WriteAsync("221 bye\r\n"u8.ToArray(), stop);
                return;
            }

            LastHelo = line;
            await stream.WriteAsync("250 ok\r\n"u8.ToArray(), stop);
        }
    }
}

/// <summary>A UDP DNS responder answering every query with <see cref="Rcode"/>, or not at all when <see cref="Silent"/>.</summary>
public sealed class DnsBackend : IDisposable
{
    private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource _stop = new();

    public DnsBackend()
    {
        Port = ((IPEndPoint)_udp.Client.LocalEndPoint!).Port;
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                UdpReceiveResult query;
                try
                {
                    query = await _udp.ReceiveAsync(_stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                LastQuery = query.Buffer;
                if (Silent)
                {
                    continue;
                }

                var answer = (byte[])query.Buffer.Clone();
                answer[2] |= 0x80;
                answer[3] = (byte)(0x80 | Rcode);
                await _udp.SendAsync(answer, query.RemoteEndPoint, _stop.Token);
            }
        });
    }

    public int Port { get; }

    public volatile int Rcode;

    public volatile bool Silent;

    public byte[]? LastQuery { get; private set; }

    /// <summary>Closes the socket, so the port answers ICMP port unreachable; safe to call twice.</summary>
    public void Dispose()
    {
        if (!_stop.IsCancellationRequested)
        {
            _stop.Cancel();
            _udp.Dispose();
        }
    }
}
