using System.Buffers.Binary;
using System.Text;

namespace ActorHa.Protocol.Netlink;

/// <summary>
/// Generic netlink (genetlink(7)) requests as bytes. IPVS is a generic-netlink family named "IPVS": asking the
/// controller for it is how a node learns whether the kernel has IPVS at all.
/// </summary>
public static class GenlMessages
{
    /// <summary>GENL_ID_CTRL: the controller family, always 16 (include/uapi/linux/genetlink.h).</summary>
    public const ushort ControllerFamily = 16;

    private const byte CtrlCmdGetFamily = 3;
    private const ushort CtrlAttrFamilyName = 2;

    /// <summary>CTRL_CMD_GETFAMILY for <paramref name="family"/>, with an ACK requested.</summary>
    public static byte[] GetFamily(string family, uint sequence)
    {
        ArgumentNullException.ThrowIfNull(family);
        var name = Encoding.ASCII.GetBytes(family + "\0");
        var attrLength = 4 + name.Length;
        var total = 16 + 4 + ((attrLength + 3) & ~3);
        var m = new byte[total];
        BinaryPrimitives.WriteUInt32LittleEndian(m, (uint)total);
        BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(4), ControllerFamily);
        BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(6), RtnlMessages.NlmFRequest | RtnlMessages.NlmFAck);
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(8), sequence);
        m[16] = CtrlCmdGetFamily;
        m[17] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(20), (ushort)attrLength);
        BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(22), CtrlAttrFamilyName);
        name.CopyTo(m, 24);
        return m;
    }
}
