using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;
using ActorHa.Node.Io;
using ActorHa.Protocol;
using ActorHa.Protocol.Vrrp;

namespace ActorHa.Node.Diagnostics;

/// <summary>
/// An advert as <c>actorha watch</c> saw it: the fields read leniently (so an advert with a bad TTL or checksum is
/// still shown with its VRID and sender) and every validity problem the codec finds. <see cref="At"/> is time since
/// the watch started (analysis), <see cref="Wall"/> the clock time printed.
/// </summary>
internal sealed record SegmentAdvert(
    TimeSpan At,
    DateTimeOffset Wall,
    IPAddress Source,
    VrrpAddressFamily Family,
    int Version,
    int VirtualRouterId,
    int Priority,
    int IntervalCentiseconds,
    IReadOnlyList<IPAddress> Addresses,
    VrrpAuthType AuthType,
    string Password,
    int Ttl,
    IReadOnlyList<string> Problems)
{
    /// <summary>What two routers of one group must agree on: the auth type and, for PASS, the password.</summary>
    public string AuthText => AuthType switch
    {
        VrrpAuthType.None => "none",
        VrrpAuthType.SimpleText => $"pass \"{Password}\"",
        VrrpAuthType.IpAuthenticationHeader => "ah",
        _ => $"type {(byte)AuthType}",
    };

    public string IntervalText => Version == 2
        ? string.Create(CultureInfo.InvariantCulture, $"{IntervalCentiseconds / 100}s")
        : string.Create(CultureInfo.InvariantCulture, $"{IntervalCentiseconds / 100.0:0.##}s");

    /// <summary>
    /// Reads a datagram from a raw protocol-112 socket. Null when it is too short to hold a VRRP header at all;
    /// otherwise the fields as sent and, in <see cref="Problems"/>, the TTL/hop-limit and the codec's verdict.
    /// </summary>
    public static SegmentAdvert? Decode(ReceivedDatagram datagram, TimeSpan at, DateTimeOffset wall)
    {
        ArgumentNullException.ThrowIfNull(datagram);
        var data = datagram.Data;
        var ipv4 = datagram.Source.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
        ReadOnlySpan<byte> message;
        int ttl;
        if (ipv4)
        {
            if (data.Length < VrrpCodec.Ipv4HeaderLength)
            {
                return null;
            }

            var headerLength = (data[0] & 0x0F) * 4;
            var total = Math.Min(data.Length, BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(2)));
            if (headerLength < VrrpCodec.Ipv4HeaderLength || total < headerLength)
            {
                return null;
            }

            message = data.AsSpan(headerLength, total - headerLength);
            ttl = data[8];
        }
        else
        {
            message = data;
            ttl = datagram.HopLimit;
        }

        if (message.Length < VrrpCodec.HeaderLength)
        {
            return null;
        }

        var family = ipv4 ? VrrpAddressFamily.IPv4 : VrrpAddressFamily.IPv6;
        var problems = new List<string>();
        if (ttl >= 0 && ttl != VrrpConstants.RequiredTtl)
        {
            problems.Add(ipv4
                ? string.Create(CultureInfo.InvariantCulture, $"TTL {ttl}, expected 255")
                : string.Create(CultureInfo.InvariantCulture, $"hop limit {ttl}, expected 255"));
        }

        // The codec stops at its first error, TTL first: check the rest as if the TTL were right, so a bad
        // checksum on a TTL-64 advert is reported too.
        string? error;
        if (ipv4)
        {
            var copy = (byte[])data.Clone();
            copy[8] = (byte)VrrpConstants.RequiredTtl;
            VrrpCodec.TryParseIPv4Datagram(copy, VrrpParseOptions.Default, out _, out _, out _, out error);
        }
        else
        {
            var destination = datagram.Destination.Equals(IPAddress.None) ? IPAddress.Parse("ff02::12") : datagram.Destination;
            VrrpCodec.TryParseIPv6Payload(data, VrrpConstants.RequiredTtl, datagram.Source, destination, VrrpParseOptions.Default, out _, out error);
        }

        if (error is not null)
        {
            problems.Add(error);
        }

        var version = message[0] >> 4;
        var count = message[3];
        var addressLength = VrrpCodec.AddressLength(family);
        var addresses = new List<IPAddress>();
        for (var i = 0; i < count && VrrpCodec.HeaderLength + ((i + 1) * addressLength) <= message.Length; i++)
        {
            addresses.Add(new IPAddress(message.Slice(VrrpCodec.HeaderLength + (i * addressLength), addressLength)));
        }

        var authType = VrrpAuthType.None;
        var password = "";
        int interval;
        if (version == 2)
        {
            authType = (VrrpAuthType)message[4];
            interval = message[5] * 100;
            var authStart = VrrpCodec.HeaderLength + (count * addressLength);
            if (authType == VrrpAuthType.SimpleText && message.Length >= authStart + VrrpAuthData.Length)
            {
                password = VrrpAuthData.Read(message.Slice(authStart, VrrpAuthData.Length)).ToString();
            }
        }
        else
        {
            interval = BinaryPrimitives.ReadUInt16BigEndian(message[4..]) & VrrpCodec.MaxAdverIntV3;
        }

        return new SegmentAdvert(
            at, wall, datagram.Source, family, version, message[1], message[2], interval, addresses, authType, password, ttl, problems);
    }

    /// <summary>One line per advert: time, sender, VRID, version, priority, interval, VIPs, auth, problems.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(Wall.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)).Append(' ');
        text.Append(CultureInfo.InvariantCulture, $"{Source} vrid {VirtualRouterId} v{Version} prio {Priority} intvl {IntervalText}");
        text.Append(" vips ").Append(Addresses.Count == 0 ? "-" : string.Join(',', Addresses));
        text.Append(" auth ").Append(AuthText);
        if (Problems.Count > 0)
        {
            text.Append(" INVALID: ").Append(string.Join("; ", Problems));
        }

        return text.ToString();
    }
}
