using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace ActorHa.Protocol.Netlink;

/// <summary>
/// A netlink message under construction (netlink(7)): the 16-byte header, then the family's fixed header and
/// attributes padded to 4 bytes. Host byte order except where an attribute says otherwise. Shared by the rtnetlink
/// and generic-netlink (IPVS) builders.
/// </summary>
internal sealed class NetlinkWriter
{
    private const ushort NlaFNested = 0x8000;
    private readonly List<byte> _bytes = new(128);

    public NetlinkWriter(ushort type, ushort flags, uint sequence)
    {
        U32(0);
        U16(type);
        U16(flags);
        U32(sequence);
        U32(0);
    }

    public void Bytes(ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            _bytes.Add(b);
        }
    }

    public void U16(ushort v)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, v);
        Bytes(b);
    }

    public void U32(uint v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        Bytes(b);
    }

    public void AttrAddress(ushort type, IPAddress address) => AttrBytes(type, address.GetAddressBytes());

    public void AttrU16(ushort type, ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        AttrBytes(type, b);
    }

    public void AttrU16BigEndian(ushort type, ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(b, value);
        AttrBytes(type, b);
    }

    public void AttrU32(ushort type, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        AttrBytes(type, b);
    }

    public void AttrString(ushort type, string value) => AttrBytes(type, Encoding.ASCII.GetBytes(value + "\0"));

    public void AttrBytes(ushort type, ReadOnlySpan<byte> data)
    {
        U16((ushort)(4 + data.Length));
        U16(type);
        Bytes(data);
        while (_bytes.Count % 4 != 0)
        {
            _bytes.Add(0);
        }
    }

    /// <summary>
    /// Opens a nested attribute, flagged NLA_F_NESTED when <paramref name="flagged"/> (as ipvsadm sends them; the
    /// kernel accepts both); <see cref="EndNest"/> writes its length once its content is known.
    /// </summary>
    public int BeginNest(ushort type, bool flagged = false)
    {
        var start = _bytes.Count;
        U16(0);
        U16(flagged ? (ushort)(type | NlaFNested) : type);
        return start;
    }

    public void EndNest(int start)
    {
        var length = (ushort)(_bytes.Count - start);
        _bytes[start] = (byte)length;
        _bytes[start + 1] = (byte)(length >> 8);
    }

    public byte[] Finish()
    {
        var result = _bytes.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(result, (uint)result.Length);
        return result;
    }
}
