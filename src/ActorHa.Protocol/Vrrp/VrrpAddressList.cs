using System.Net;

namespace ActorHa.Protocol.Vrrp;

/// <summary>
/// The IPvX Address(es) of an advert (RFC 5798 5.2.9), read in place from the received bytes: parsing never
/// materialises <see cref="IPAddress"/> objects. Call <see cref="GetIPAddress"/> or <see cref="ToArray"/> when
/// an advert is kept beyond the receive buffer.
/// </summary>
public readonly ref struct VrrpAddressList
{
    private readonly ReadOnlySpan<byte> _bytes;

    internal VrrpAddressList(ReadOnlySpan<byte> bytes, VrrpAddressFamily family)
    {
        _bytes = bytes;
        Family = family;
    }

    public VrrpAddressFamily Family { get; }

    public int AddressLength => VrrpCodec.AddressLength(Family);

    public int Count => _bytes.Length / AddressLength;

    /// <summary>All addresses back to back, as on the wire.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>The bytes of address <paramref name="index"/>, in network order.</summary>
    public ReadOnlySpan<byte> this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return _bytes.Slice(index * AddressLength, AddressLength);
        }
    }

    public IPAddress GetIPAddress(int index) => new(this[index]);

    public IPAddress[] ToArray()
    {
        var result = new IPAddress[Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = GetIPAddress(i);
        }

        return result;
    }

    /// <summary>Whether <paramref name="address"/> is among them, without allocating.</summary>
    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written) || written != AddressLength)
        {
            return false;
        }

        for (var i = 0; i < Count; i++)
        {
            if (this[i].SequenceEqual(bytes[..written]))
            {
                return true;
            }
        }

        return false;
    }

    public Enumerator GetEnumerator() => new(this);

    /// <summary>Enumerates the addresses as byte spans, so <c>foreach</c> allocates nothing.</summary>
    public ref struct Enumerator
    {
        private readonly VrrpAddressList _list;
        private int _index;

        internal Enumerator(VrrpAddressList list)
        {
            _list = list;
            _index = -1;
        }

        public readonly ReadOnlySpan<byte> Current => _list[_index];

        public bool MoveNext() => ++_index < _list.Count;
    }
}
