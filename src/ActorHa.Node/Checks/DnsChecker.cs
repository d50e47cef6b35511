using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorHa.Node.Logging;
using ActorHa.Protocol.Logging;

namespace ActorHa.Node.Checks;

/// <summary>
/// DNS_CHECK: one UDP query of <c>type</c>/<c>name</c> (recursion desired, as keepalived sends it); the server is
/// up when a response with the query's ID and RCODE NOERROR arrives within connect_timeout.
/// </summary>
internal sealed class DnsChecker(CheckerSettings settings) : IHealthChecker
{
    /// <summary>RFC 1035 3.2.2 and RFC 3596 2.1: the query types keepalived accepts.</summary>
    public static readonly IReadOnlyDictionary<string, ushort> Types = new Dictionary<string, ushort>(StringComparer.OrdinalIgnoreCase)
    {
        ["A"] = 1,
        ["NS"] = 2,
        ["CNAME"] = 5,
        ["SOA"] = 6,
        ["MX"] = 15,
        ["TXT"] = 16,
        ["AAAA"] = 28,
    };

    private const int HeaderLength = 12;

    public async Task<CheckResult> CheckAsync(CancellationToken cancellation)
    {
        var id = (ushort)Random.Shared.Next(0, 65536);
        var query = BuildQuery(id, settings.DnsName, Types.GetValueOrDefault(settings.DnsType, Types["SOA"]));
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        limit.CancelAfter(settings.ConnectTimeout);
        using var socket = new Socket(settings.Connect.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (settings.BindTo is not null || settings.BindPort is not null)
            {
                socket.Bind(new IPEndPoint(settings.BindTo ?? (settings.Connect.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any), settings.BindPort ?? 0));
            }

            // Connected, so an ICMP port unreachable surfaces as ECONNREFUSED on the next receive.
            await socket.ConnectAsync(settings.Connect, limit.Token).ConfigureAwait(false);
            await socket.SendAsync(query, SocketFlags.None, limit.Token).ConfigureAwait(false);
            var buffer = new byte[4096];
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token).ConfigureAwait(false);
                if (TryReadResponse(buffer.AsSpan(0, n), id, out var rcode))
                {
                    return rcode == 0 ? CheckResult.Passed : CheckResult.Failed($"RCODE {rcode}");
                }
            }
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return CheckResult.Failed(KeepalivedLog.DnsReadTimeout);
        }
        catch (SocketException e)
        {
            return CheckResult.Failed(KeepalivedLog.DnsReadError(e.ErrorCode == (int)SocketError.ConnectionRefused ? 111 : e.ErrorCode, Strerror(e)));
        }
    }

    /// <summary>RFC 1035 4.1: header (ID, RD set, one question), QNAME as labels, QTYPE, QCLASS IN.</summary>
    public static byte[] BuildQuery(ushort id, string name, ushort type)
    {
        var labels = name.Trim('.').Split('.', StringSplitOptions.RemoveEmptyEntries);
        var length = HeaderLength + labels.Sum(l => 1 + Encoding.ASCII.GetByteCount(l)) + 1 + 4;
        var query = new byte[length];
        BinaryPrimitives.WriteUInt16BigEndian(query, id);
        BinaryPrimitives.WriteUInt16BigEndian(query.AsSpan(2), 0x0100);
        BinaryPrimitives.WriteUInt16BigEndian(query.AsSpan(4), 1);
        var at = HeaderLength;
        foreach (var label in labels)
        {
            var bytes = Encoding.ASCII.GetBytes(label);
            query[at++] = (byte)Math.Min(bytes.Length, 63);
            bytes.AsSpan(0, Math.Min(bytes.Length, 63)).CopyTo(query.AsSpan(at));
            at += Math.Min(bytes.Length, 63);
        }

        query[at++] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(query.AsSpan(at), type);
        BinaryPrimitives.WriteUInt16BigEndian(query.AsSpan(at + 2), 1);
        return query.AsSpan(0, at + 4).ToArray();
    }

    /// <summary>A response to <paramref name="id"/>: the QR bit set and the same ID; anything else is ignored.</summary>
    public static bool TryReadResponse(ReadOnlySpan<byte> datagram, ushort id, out int rcode)
    {
        rcode = -1;
        if (datagram.Length < HeaderLength || BinaryPrimitives.ReadUInt16BigEndian(datagram) != id || (datagram[2] & 0x80) == 0)
        {
            return false;
        }

        rcode = datagram[3] & 0x0F;
        return true;
    }

    private static string Strerror(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "Connection refused",
        _ => e.Message,
    };
}
