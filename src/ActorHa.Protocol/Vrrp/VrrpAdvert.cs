namespace ActorHa.Protocol.Vrrp;

/// <summary>
/// A validated VRRP advertisement (RFC 3768 5.1, RFC 5798 5.1). A value with no references, so parsing
/// allocates nothing; the addresses stay in the received bytes and are read with <see cref="GetAddresses"/>.
/// </summary>
public readonly record struct VrrpAdvert
{
    internal VrrpAdvert(
        VrrpVersion version,
        VrrpAddressFamily family,
        byte virtualRouterId,
        byte priority,
        byte countIPAddrs,
        VrrpAuthType authType,
        ushort adverInt,
        ushort checksum,
        VrrpAuthData authData,
        int messageOffset,
        int length)
    {
        Version = version;
        Family = family;
        VirtualRouterId = virtualRouterId;
        Priority = priority;
        CountIPAddrs = countIPAddrs;
        AuthType = authType;
        AdverInt = adverInt;
        Checksum = checksum;
        AuthData = authData;
        MessageOffset = messageOffset;
        Length = length;
    }

    public VrrpVersion Version { get; }

    /// <summary>IPv4 or IPv6: given by the socket the advert came in on, not by the message.</summary>
    public VrrpAddressFamily Family { get; }

    /// <summary>Always <see cref="VrrpCodec.AdvertisementType"/>: any other type is rejected (RFC 5798 5.2.2).</summary>
    public byte Type => VrrpCodec.AdvertisementType;

    /// <summary>Virtual Rtr ID (RFC 5798 5.2.3). Which VRIDs to accept is the caller's policy.</summary>
    public byte VirtualRouterId { get; }

    /// <summary>Priority (RFC 5798 5.2.4); 0 means the master is giving up.</summary>
    public byte Priority { get; }

    /// <summary>Count IPvX Addr (RFC 5798 5.2.5).</summary>
    public byte CountIPAddrs { get; }

    /// <summary>Auth Type (RFC 3768 5.3.6); always None for VRRPv3, which has no such field.</summary>
    public VrrpAuthType AuthType { get; }

    /// <summary>
    /// The interval field as sent: Adver Int in seconds for VRRPv2 (RFC 3768 5.3.7), Max Adver Int in
    /// centiseconds (12 bits) for VRRPv3 (RFC 5798 5.2.7).
    /// </summary>
    public ushort AdverInt { get; }

    /// <summary>The advertisement interval in centiseconds whatever the version.</summary>
    public int AdverIntCentiseconds => Version == VrrpVersion.V2 ? AdverInt * 100 : AdverInt;

    /// <summary>The checksum field as received (already verified).</summary>
    public ushort Checksum { get; }

    /// <summary>Authentication Data (RFC 2338 5.3.10); zero for VRRPv3.</summary>
    public VrrpAuthData AuthData { get; }

    /// <summary>Where the VRRP message starts in the span that was parsed: the IPv4 header length, or 0.</summary>
    public int MessageOffset { get; }

    /// <summary>Length of the VRRP message in bytes.</summary>
    public int Length { get; }

    /// <summary>
    /// The advert's addresses, read from <paramref name="parsed"/>, which must be the very span given to the
    /// TryParse method that produced this advert (the advert holds offsets into it, not copies).
    /// </summary>
    public VrrpAddressList GetAddresses(ReadOnlySpan<byte> parsed)
    {
        var start = MessageOffset + VrrpCodec.HeaderLength;
        var length = CountIPAddrs * VrrpCodec.AddressLength(Family);
        if (parsed.Length < MessageOffset + Length)
        {
            throw new ArgumentException(
                "not the span this advert was parsed from: it is shorter than the advert", nameof(parsed));
        }

        return new VrrpAddressList(parsed.Slice(start, length), Family);
    }
}
