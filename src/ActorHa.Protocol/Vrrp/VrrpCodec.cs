using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ActorHa.Protocol.Frames;

namespace ActorHa.Protocol.Vrrp;

/// <summary>
/// Builds and parses VRRPv2 (RFC 3768) and VRRPv3 (RFC 5798) advertisements. Pure: bytes in, bytes or one
/// precise reason out. Parsing checks in a fixed order: size, TTL / hop limit, version, type, checksum,
/// address count against length, authentication. Which VRIDs and priorities to act on is the caller's policy.
/// </summary>
/// <remarks>
/// Auth type 2, the IP Authentication Header of RFC 2338 5.3.6.2 (keepalived's <c>auth_type AH</c>), is
/// rejected with a "not supported" reason rather than implemented: RFC 3768 5.3.6 withdrew it and RFC 5798
/// dropped authentication altogether; it puts an IPsec AH header (IP protocol 51) between the IP header and
/// the VRRP message whose HMAC-MD5-96 ICV covers IP header fields the kernel fills in, so sending it needs
/// IP_HDRINCL raw sockets, which ActorHa does not use. Such adverts arrive as IP protocol 51 and are refused
/// there, naming AH.
/// </remarks>
public static class VrrpCodec
{
    /// <summary>The fixed fields before the addresses: version/type, VRID, priority, count, 2 bytes of auth type and interval, checksum (RFC 5798 5.1).</summary>
    public const int HeaderLength = 8;

    /// <summary>Type 1, ADVERTISEMENT: the only type defined (RFC 3768 5.3.2, RFC 5798 5.2.2).</summary>
    public const byte AdvertisementType = 1;

    /// <summary>The minimum IPv4 header, IHL 5 (RFC 791 3.1).</summary>
    public const int Ipv4HeaderLength = 20;

    /// <summary>The fixed IPv6 header (RFC 8200 3).</summary>
    public const int Ipv6HeaderLength = 40;

    /// <summary>Max Adver Int is a 12-bit field, below 4 reserved bits (RFC 5798 5.2.6, 5.2.7).</summary>
    public const ushort MaxAdverIntV3 = 0x0FFF;

    /// <summary>The IPsec Authentication Header protocol number (RFC 4302), what AH-authenticated VRRPv2 arrives as.</summary>
    private const byte AuthenticationHeaderProtocol = 51;

    /// <summary>Type of Service keepalived puts on adverts: precedence "internetwork control" (RFC 791 3.1).</summary>
    private const byte InternetControlTos = 0xC0;

    /// <summary>The VRRP multicast groups 224.0.0.18 (RFC 5798 5.1.1.2) and ff02::12 (RFC 5798 5.1.2.2).</summary>
    private static ReadOnlySpan<byte> MulticastGroupIPv4 => [224, 0, 0, 18];

    private static ReadOnlySpan<byte> MulticastGroupIPv6 => [0xFF, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12];

    /// <summary>Bytes per address in the IPvX Address(es) field (RFC 5798 5.2.9).</summary>
    public static int AddressLength(VrrpAddressFamily family) => family == VrrpAddressFamily.IPv6 ? 16 : 4;

    /// <summary>
    /// Length of an advert with <paramref name="count"/> addresses: the fixed fields, the addresses and, for
    /// VRRPv2 only, 8 bytes of Authentication Data (RFC 3768 5.1, RFC 5798 5.1).
    /// </summary>
    public static int MessageLength(VrrpVersion version, VrrpAddressFamily family, int count) =>
        HeaderLength + (count * AddressLength(family)) + (version == VrrpVersion.V2 ? VrrpAuthData.Length : 0);

    /// <summary>
    /// Parses what a raw IPv4 socket of protocol 112 delivers: the IPv4 header, then the VRRP message.
    /// The IP header is checked first (size, version 4, IHL, total length, protocol 112), then the advert, with
    /// the TTL from the header (RFC 3768 7.1, RFC 5798 7.1) and the checksum over the IPv4 pseudo-header for VRRPv3.
    /// <paramref name="source"/> and <paramref name="destination"/> are set as soon as the IP header is valid, so a
    /// rejected advert can still be logged with its sender.
    /// </summary>
    public static bool TryParseIPv4Datagram(
        ReadOnlySpan<byte> ipDatagram,
        VrrpParseOptions options,
        out VrrpAdvert advert,
        out Ipv4Address source,
        out Ipv4Address destination,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(options);
        advert = default;
        source = default;
        destination = default;
        if (ipDatagram.Length < Ipv4HeaderLength)
        {
            error = Format($"too short: {ipDatagram.Length} bytes, an IPv4 header needs {Ipv4HeaderLength}");
            return false;
        }

        var ipVersion = ipDatagram[0] >> 4;
        if (ipVersion != 4)
        {
            error = Format($"IP version {ipVersion}, expected 4");
            return false;
        }

        var headerLength = (ipDatagram[0] & 0x0F) * 4;
        if (headerLength < Ipv4HeaderLength)
        {
            error = Format($"IHL {headerLength / 4}, expected at least 5");
            return false;
        }

        if (headerLength > ipDatagram.Length)
        {
            error = Format($"IHL {headerLength / 4} ({headerLength} bytes) exceeds the {ipDatagram.Length}-byte datagram");
            return false;
        }

        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(ipDatagram[2..]);
        if (totalLength > ipDatagram.Length)
        {
            error = Format($"IP total length {totalLength} exceeds the {ipDatagram.Length} bytes received");
            return false;
        }

        if (totalLength < headerLength)
        {
            error = Format($"IP total length {totalLength} is shorter than the {headerLength}-byte header");
            return false;
        }

        var protocol = ipDatagram[9];
        if (protocol != VrrpConstants.IpProtocol)
        {
            error = protocol == AuthenticationHeaderProtocol
                ? Format($"IP protocol {protocol} (IPsec AH), expected {VrrpConstants.IpProtocol}: auth_type AH is not supported")
                : Format($"IP protocol {protocol}, expected {VrrpConstants.IpProtocol}");
            return false;
        }

        source = Ipv4Address.Read(ipDatagram[12..]);
        destination = Ipv4Address.Read(ipDatagram[16..]);
        return TryParseCore(
            ipDatagram[headerLength..totalLength],
            headerLength,
            VrrpAddressFamily.IPv4,
            ipDatagram[8],
            ipDatagram.Slice(12, 4),
            ipDatagram.Slice(16, 4),
            options,
            out advert,
            out error);
    }

    /// <summary>
    /// Parses the payload a raw IPv6 socket of protocol 112 delivers (the kernel strips the IPv6 header; the hop
    /// limit and addresses come from ancillary data). <paramref name="source"/> and <paramref name="destination"/>
    /// form the pseudo-header of the checksum (RFC 5798 5.2.8).
    /// </summary>
    public static bool TryParseIPv6Payload(
        ReadOnlySpan<byte> vrrp,
        int hopLimit,
        IPAddress source,
        IPAddress destination,
        VrrpParseOptions options,
        out VrrpAdvert advert,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(options);
        Span<byte> src = stackalloc byte[16];
        Span<byte> dst = stackalloc byte[16];
        WriteIPv6(source, src, nameof(source));
        WriteIPv6(destination, dst, nameof(destination));
        return TryParseCore(vrrp, 0, VrrpAddressFamily.IPv6, hopLimit, src, dst, options, out advert, out error);
    }

    /// <summary>
    /// Parses a whole IPv6 packet (fixed header, next header 112, no extension headers), as captured on the wire.
    /// For tools such as <c>actorha decode</c>: it allocates the two addresses.
    /// </summary>
    public static bool TryParseIPv6Datagram(
        ReadOnlySpan<byte> ipPacket,
        VrrpParseOptions options,
        out VrrpAdvert advert,
        [NotNullWhen(true)] out IPAddress? source,
        [NotNullWhen(true)] out IPAddress? destination,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(options);
        advert = default;
        source = null;
        destination = null;
        if (ipPacket.Length < Ipv6HeaderLength)
        {
            error = Format($"too short: {ipPacket.Length} bytes, an IPv6 header needs {Ipv6HeaderLength}");
            return false;
        }

        var ipVersion = ipPacket[0] >> 4;
        if (ipVersion != 6)
        {
            error = Format($"IP version {ipVersion}, expected 6");
            return false;
        }

        var payloadLength = BinaryPrimitives.ReadUInt16BigEndian(ipPacket[4..]);
        if (Ipv6HeaderLength + payloadLength > ipPacket.Length)
        {
            error = Format($"IPv6 payload length {payloadLength} exceeds the {ipPacket.Length - Ipv6HeaderLength} bytes received");
            return false;
        }

        var nextHeader = ipPacket[6];
        if (nextHeader != VrrpConstants.IpProtocol)
        {
            error = Format($"IPv6 next header {nextHeader}, expected {VrrpConstants.IpProtocol}");
            return false;
        }

        if (!TryParseCore(
                ipPacket.Slice(Ipv6HeaderLength, payloadLength),
                Ipv6HeaderLength,
                VrrpAddressFamily.IPv6,
                ipPacket[7],
                ipPacket.Slice(8, 16),
                ipPacket.Slice(24, 16),
                options,
                out advert,
                out error))
        {
            return false;
        }

        source = new IPAddress(ipPacket.Slice(8, 16));
        destination = new IPAddress(ipPacket.Slice(24, 16));
        return true;
    }

    /// <summary>
    /// Parses a bare VRRP message with no IP header, for tools. There is no TTL to check, and no pseudo-header:
    /// a VRRPv3 checksum that includes one cannot be verified and is not (VRRPv2 checksums and, with
    /// <see cref="VrrpParseOptions.V3ChecksumAsV2"/>, VRRPv3-over-IPv4 ones are).
    /// </summary>
    public static bool TryParseMessage(
        ReadOnlySpan<byte> message,
        VrrpAddressFamily family,
        VrrpParseOptions options,
        out VrrpAdvert advert,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(options);
        return TryParseCore(message, 0, family, -1, default, default, options, out advert, out error);
    }

    /// <summary>
    /// Writes an advert into <paramref name="buffer"/> and returns its length. <paramref name="source"/> and
    /// <paramref name="destination"/> are the IP addresses it will travel between: VRRPv3 needs them for the
    /// pseudo-header of its checksum (RFC 5798 5.2.8), unless <see cref="VrrpAdvertSpec.V3ChecksumAsV2"/> over IPv4.
    /// </summary>
    public static int BuildAdvert(
        Span<byte> buffer,
        in VrrpAdvertSpec spec,
        ReadOnlySpan<IPAddress> addresses,
        IPAddress? source = null,
        IPAddress? destination = null)
    {
        Validate(spec, addresses.Length);
        var length = MessageLength(spec.Version, spec.Family, addresses.Length);
        if (buffer.Length < length)
        {
            throw new ArgumentException(Format($"the advert needs {length} bytes, the buffer has {buffer.Length}"), nameof(buffer));
        }

        var message = buffer[..length];
        message[0] = (byte)(((int)spec.Version << 4) | AdvertisementType);
        message[1] = spec.VirtualRouterId;
        message[2] = spec.Priority;
        message[3] = (byte)addresses.Length;
        if (spec.Version == VrrpVersion.V2)
        {
            message[4] = (byte)spec.Auth.Type;
            message[5] = (byte)spec.AdverInt;
        }
        else
        {
            // The 4 reserved bits MUST be zero on transmission (RFC 5798 5.2.6).
            BinaryPrimitives.WriteUInt16BigEndian(message[4..], spec.AdverInt);
        }

        BinaryPrimitives.WriteUInt16BigEndian(message[6..], 0);
        var addressLength = AddressLength(spec.Family);
        for (var i = 0; i < addresses.Length; i++)
        {
            var address = addresses[i] ?? throw new ArgumentException(Format($"address {i} is null"), nameof(addresses));
            if (!address.TryWriteBytes(message.Slice(HeaderLength + (i * addressLength), addressLength), out var written)
                || written != addressLength)
            {
                throw new ArgumentException(Format($"address {address} is not {spec.Family}"), nameof(addresses));
            }
        }

        if (spec.Version == VrrpVersion.V2)
        {
            // With no authentication the data SHOULD be zero on transmission (RFC 2338 5.3.10).
            var authData = spec.Auth.Type == VrrpAuthType.None ? default : spec.Auth.Data;
            authData.WriteTo(message[(HeaderLength + (addresses.Length * addressLength))..]);
        }

        ushort checksum;
        if (UsesPseudoHeader(spec.Version, spec.Family, spec.V3ChecksumAsV2))
        {
            Span<byte> src = stackalloc byte[addressLength];
            Span<byte> dst = stackalloc byte[addressLength];
            WritePseudoAddress(source, spec.Family, src, nameof(source));
            WritePseudoAddress(destination, spec.Family, dst, nameof(destination));
            checksum = InternetChecksum.ComputeWithPseudoHeader(src, dst, VrrpConstants.IpProtocol, message);
        }
        else
        {
            checksum = InternetChecksum.Compute(message);
        }

        BinaryPrimitives.WriteUInt16BigEndian(message[6..], checksum);
        return length;
    }

    /// <summary>
    /// Writes an IPv4 header (TTL 255, protocol 112, as the kernel would for ActorHa's sockets) followed by the
    /// advert, and returns the datagram length. For tests and tools: on the wire the kernel builds the header.
    /// </summary>
    public static int BuildIPv4Datagram(
        Span<byte> buffer,
        in VrrpAdvertSpec spec,
        ReadOnlySpan<IPAddress> addresses,
        IPAddress source,
        IPAddress destination)
    {
        if (spec.Family != VrrpAddressFamily.IPv4)
        {
            throw new ArgumentException("an IPv4 datagram carries an IPv4 advert", nameof(spec));
        }

        if (buffer.Length < Ipv4HeaderLength)
        {
            throw new ArgumentException(Format($"the datagram needs more than {buffer.Length} bytes"), nameof(buffer));
        }

        var messageLength = BuildAdvert(buffer[Ipv4HeaderLength..], spec, addresses, source, destination);
        var header = buffer[..Ipv4HeaderLength];
        header[0] = 0x45;
        header[1] = InternetControlTos;
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)(Ipv4HeaderLength + messageLength));
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], 0);
        header[8] = VrrpConstants.RequiredTtl;
        header[9] = VrrpConstants.IpProtocol;
        BinaryPrimitives.WriteUInt16BigEndian(header[10..], 0);
        Ipv4Address.From(source).WriteTo(header[12..]);
        Ipv4Address.From(destination).WriteTo(header[16..]);
        BinaryPrimitives.WriteUInt16BigEndian(header[10..], InternetChecksum.Compute(header));
        return Ipv4HeaderLength + messageLength;
    }

    private static bool TryParseCore(
        ReadOnlySpan<byte> message,
        int messageOffset,
        VrrpAddressFamily family,
        int ttl,
        ReadOnlySpan<byte> pseudoSource,
        ReadOnlySpan<byte> pseudoDestination,
        VrrpParseOptions options,
        out VrrpAdvert advert,
        [NotNullWhen(false)] out string? error)
    {
        advert = default;

        // 1. Size: the fixed fields must be there before anything else can be read.
        if (message.Length < HeaderLength)
        {
            error = Format($"too short: {message.Length} bytes, a VRRP header needs {HeaderLength}");
            return false;
        }

        // 2. TTL / hop limit 255, so adverts cannot come from off-link (RFC 3768 7.1, RFC 5798 7.1).
        if (ttl >= 0 && ttl != VrrpConstants.RequiredTtl)
        {
            error = family == VrrpAddressFamily.IPv6
                ? Format($"hop limit {ttl}, expected {VrrpConstants.RequiredTtl}")
                : Format($"TTL {ttl}, expected {VrrpConstants.RequiredTtl}");
            return false;
        }

        // 3. Version (RFC 3768 5.3.1, RFC 5798 5.2.1); VRRPv2 is defined for IPv4 only.
        var versionNumber = message[0] >> 4;
        if (versionNumber is not ((int)VrrpVersion.V2 or (int)VrrpVersion.V3))
        {
            error = Format($"version {versionNumber}, expected 2 or 3");
            return false;
        }

        var version = (VrrpVersion)versionNumber;
        if (version == VrrpVersion.V2 && family == VrrpAddressFamily.IPv6)
        {
            error = "version 2 over IPv6: VRRPv2 is IPv4 only (RFC 3768)";
            return false;
        }

        // 4. Type (RFC 5798 5.2.2).
        var type = message[0] & 0x0F;
        if (type != AdvertisementType)
        {
            error = Format($"type {type}, expected {AdvertisementType} (advertisement)");
            return false;
        }

        // 5. Checksum (RFC 3768 5.3.8, RFC 5798 5.2.8).
        var checksum = BinaryPrimitives.ReadUInt16BigEndian(message[6..]);
        var pseudoKnown = !pseudoSource.IsEmpty;
        var usesPseudo = UsesPseudoHeader(version, family, options.V3ChecksumAsV2);
        if (!usesPseudo || pseudoKnown)
        {
            var residue = usesPseudo
                ? InternetChecksum.ComputeWithPseudoHeader(pseudoSource, pseudoDestination, VrrpConstants.IpProtocol, message)
                : InternetChecksum.Compute(message);
            if (residue != 0)
            {
                error = BadChecksum(message, version, family, usesPseudo, pseudoKnown, pseudoSource, pseudoDestination);
                return false;
            }
        }

        // 6. Address count against length (RFC 5798 7.1: "the complete VRRP packet").
        var count = message[3];
        var expectedLength = MessageLength(version, family, count);
        if (message.Length != expectedLength)
        {
            error = Format($"address count {count} needs {expectedLength} bytes, message has {message.Length}");
            return false;
        }

        // 7. Authentication (RFC 3768 5.3.6 and 7.1). VRRPv3 has none: byte 4 holds reserved bits and interval.
        var authType = VrrpAuthType.None;
        var authData = default(VrrpAuthData);
        ushort adverInt;
        if (version == VrrpVersion.V2)
        {
            adverInt = message[5];
            authType = (VrrpAuthType)message[4];
            authData = VrrpAuthData.Read(message[^VrrpAuthData.Length..]);
            if (!TryCheckAuthV2(authType, authData, options.ExpectedAuth, out error))
            {
                return false;
            }
        }
        else
        {
            adverInt = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(message[4..]) & MaxAdverIntV3);
            if (options.ExpectedAuth is { Type: not VrrpAuthType.None } expected)
            {
                error = Format($"VRRPv3 carries no authentication, but auth type {AuthName(expected.Type)} is configured");
                return false;
            }
        }

        advert = new VrrpAdvert(
            version, family, message[1], message[2], count, authType, adverInt, checksum, authData, messageOffset, message.Length);
        error = null;
        return true;
    }

    private static bool TryCheckAuthV2(
        VrrpAuthType authType, VrrpAuthData authData, VrrpAuth? expected, [NotNullWhen(false)] out string? error)
    {
        if (authType == VrrpAuthType.IpAuthenticationHeader)
        {
            error = "auth type 2 (IPsec AH) not supported";
            return false;
        }

        if (authType is not (VrrpAuthType.None or VrrpAuthType.SimpleText))
        {
            error = Format($"unknown auth type {(byte)authType}");
            return false;
        }

        if (expected is { } configured)
        {
            if (authType != configured.Type)
            {
                error = Format($"auth type {AuthName(authType)}, expected {AuthName(configured.Type)}");
                return false;
            }

            // With no authentication the data is ignored on reception (RFC 2338 5.3.10).
            if (authType == VrrpAuthType.SimpleText && authData != configured.Data)
            {
                error = Format($"password \"{authData}\" does not match auth_pass");
                return false;
            }
        }

        error = null;
        return true;
    }

    /// <summary>The reason for a bad checksum, naming the other checksum convention when that one matches.</summary>
    private static string BadChecksum(
        ReadOnlySpan<byte> message,
        VrrpVersion version,
        VrrpAddressFamily family,
        bool usedPseudo,
        bool pseudoKnown,
        ReadOnlySpan<byte> pseudoSource,
        ReadOnlySpan<byte> pseudoDestination)
    {
        var received = BinaryPrimitives.ReadUInt16BigEndian(message[6..]);
        var zeroed = message.ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(zeroed.AsSpan(6), 0);
        var expected = usedPseudo
            ? InternetChecksum.ComputeWithPseudoHeader(pseudoSource, pseudoDestination, VrrpConstants.IpProtocol, zeroed)
            : InternetChecksum.Compute(zeroed);
        var reason = Format($"bad checksum 0x{received:x4}, expected 0x{expected:x4}");
        if (version != VrrpVersion.V3 || !pseudoKnown)
        {
            return reason;
        }

        // keepalived's old_unicast_checksum: unicast adverts whose pseudo-header still names the multicast group.
        var group = family == VrrpAddressFamily.IPv6 ? MulticastGroupIPv6 : MulticastGroupIPv4;
        if (usedPseudo && !pseudoDestination.SequenceEqual(group)
            && InternetChecksum.ComputeWithPseudoHeader(pseudoSource, group, VrrpConstants.IpProtocol, message) == 0)
        {
            return reason + Format($" (it is computed with destination {new IPAddress(group)} in the pseudo-header: the sender uses old_unicast_checksum)");
        }

        if (family != VrrpAddressFamily.IPv4)
        {
            return reason;
        }

        // VRRPv3 over IPv4 has two conventions in the field (keepalived's v3_checksum_as_v2); say which one matched.
        if (usedPseudo && InternetChecksum.Compute(message) == 0)
        {
            return reason + " (it is computed without the IPv4 pseudo-header: the sender uses v3_checksum_as_v2)";
        }

        if (!usedPseudo && InternetChecksum.ComputeWithPseudoHeader(pseudoSource, pseudoDestination, VrrpConstants.IpProtocol, message) == 0)
        {
            return reason + " (it is computed with the IPv4 pseudo-header: the sender does not use v3_checksum_as_v2)";
        }

        return reason;
    }

    /// <summary>tcpdump's names for auth types, so log lines and <c>actorha decode</c> read alike.</summary>
    internal static string AuthName(VrrpAuthType type) => type switch
    {
        VrrpAuthType.None => "0 (none)",
        VrrpAuthType.SimpleText => "1 (simple)",
        VrrpAuthType.IpAuthenticationHeader => "2 (ah)",
        _ => ((byte)type).ToString(CultureInfo.InvariantCulture),
    };

    private static bool UsesPseudoHeader(VrrpVersion version, VrrpAddressFamily family, bool v3ChecksumAsV2) =>
        version == VrrpVersion.V3 && !(family == VrrpAddressFamily.IPv4 && v3ChecksumAsV2);

    private static void Validate(in VrrpAdvertSpec spec, int count)
    {
        if (spec.Version is not (VrrpVersion.V2 or VrrpVersion.V3))
        {
            throw new ArgumentException(Format($"version {(int)spec.Version} is neither 2 nor 3"), nameof(spec));
        }

        if (spec.Family is not (VrrpAddressFamily.IPv4 or VrrpAddressFamily.IPv6))
        {
            throw new ArgumentException(Format($"family {(int)spec.Family} is neither IPv4 nor IPv6"), nameof(spec));
        }

        if (spec.Version == VrrpVersion.V2 && spec.Family == VrrpAddressFamily.IPv6)
        {
            throw new ArgumentException("VRRPv2 is IPv4 only (RFC 3768)", nameof(spec));
        }

        if (count > byte.MaxValue)
        {
            throw new ArgumentException(Format($"{count} addresses do not fit the 8-bit count (RFC 5798 5.2.5)"), nameof(spec));
        }

        var maxInterval = spec.Version == VrrpVersion.V2 ? byte.MaxValue : MaxAdverIntV3;
        if (spec.AdverInt > maxInterval)
        {
            throw new ArgumentException(Format($"advert interval {spec.AdverInt} exceeds {maxInterval} for version {(int)spec.Version}"), nameof(spec));
        }

        if (spec.Auth.Type == VrrpAuthType.IpAuthenticationHeader)
        {
            throw new NotSupportedException("auth_type AH is not supported (see VrrpCodec remarks)");
        }

        if (spec.Auth.Type is not (VrrpAuthType.None or VrrpAuthType.SimpleText))
        {
            throw new ArgumentException(Format($"unknown auth type {(byte)spec.Auth.Type}"), nameof(spec));
        }

        if (spec.Version == VrrpVersion.V3 && spec.Auth.Type != VrrpAuthType.None)
        {
            throw new ArgumentException("VRRPv3 has no authentication (RFC 5798 9.1)", nameof(spec));
        }
    }

    private static void WritePseudoAddress(IPAddress? address, VrrpAddressFamily family, Span<byte> destination, string name)
    {
        if (address is null)
        {
            throw new ArgumentNullException(name, "VRRPv3 needs the IP source and destination for its checksum (RFC 5798 5.2.8)");
        }

        if (!address.TryWriteBytes(destination, out var written) || written != destination.Length)
        {
            throw new ArgumentException(Format($"{address} is not {family}"), name);
        }
    }

    private static void WriteIPv6(IPAddress address, Span<byte> destination, string name)
    {
        ArgumentNullException.ThrowIfNull(address, name);
        if (address.AddressFamily != AddressFamily.InterNetworkV6 || !address.TryWriteBytes(destination, out _))
        {
            throw new ArgumentException(Format($"{address} is not IPv6"), name);
        }
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
