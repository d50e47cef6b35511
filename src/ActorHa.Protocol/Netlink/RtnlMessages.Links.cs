namespace ActorHa.Protocol.Netlink;

/// <summary>
/// A VRRP virtual MAC interface (use_vmac): <c>ip link add link PARENT name NAME address MAC type macvlan mode
/// private</c>. Private mode, as keepalived uses, keeps a macvlan from talking to its siblings on the same parent.
/// </summary>
public sealed record RtnlMacvlan(string Name, int ParentIndex, ReadOnlyMemory<byte> Mac);

/// <summary>Link requests (rtnetlink(7) RTM_NEWLINK / RTM_DELLINK / RTM_GETLINK), as bytes.</summary>
public static partial class RtnlMessages
{
    public const ushort RtmNewLink = 16;
    public const ushort RtmDelLink = 17;
    public const ushort RtmGetLink = 18;
    public const ushort RtmGetAddr = 22;
    public const ushort NlmFDump = 0x300;

    /// <summary>net_device flags (netdevice(7)): administratively up, operationally up, carrier.</summary>
    public const uint IffUp = 0x1;

    public const uint IffRunning = 0x40;
    public const uint IffLowerUp = 0x10000;

    /// <summary>multicast groups of sockaddr_nl.nl_groups (the legacy bit masks RTMGRP_*).</summary>
    public const uint RtmGrpLink = 0x1;

    public const uint RtmGrpIPv4IfAddr = 0x10;
    public const uint RtmGrpIPv6IfAddr = 0x100;

    public const uint MacvlanModePrivate = 1;

    private const ushort IflaAddress = 1;
    private const ushort IflaIfName = 3;
    private const ushort IflaLink = 5;
    private const ushort IflaLinkInfo = 18;
    private const ushort IflaInfoKind = 1;
    private const ushort IflaInfoData = 2;
    private const ushort IflaMacvlanMode = 1;

    /// <summary><c>ip link show</c>: a dump of every link, answered by one RTM_NEWLINK each and NLMSG_DONE.</summary>
    public static byte[] GetLinks(uint sequence) => Dump(RtmGetLink, sequence, new byte[16]);

    /// <summary><c>ip addr show</c>: a dump of every address of every family.</summary>
    public static byte[] GetAddresses(uint sequence) => Dump(RtmGetAddr, sequence, new byte[8]);

    public static byte[] NewMacvlan(RtnlMacvlan m, uint sequence)
    {
        ArgumentNullException.ThrowIfNull(m);
        var w = new NetlinkWriter(RtmNewLink, NlmFRequest | NlmFAck | NlmFCreate | NlmFExcl, sequence);
        IfInfo(w, 0, 0, 0);
        // The order and encoding of iproute2's `ip link add link P name N address M type macvlan mode private`.
        w.AttrBytes(IflaAddress, m.Mac.Span);
        w.AttrU32(IflaLink, unchecked((uint)m.ParentIndex));
        w.AttrString(IflaIfName, m.Name);
        var info = w.BeginNest(IflaLinkInfo);
        w.AttrBytes(IflaInfoKind, "macvlan"u8);
        var data = w.BeginNest(IflaInfoData);
        w.AttrU32(IflaMacvlanMode, MacvlanModePrivate);
        w.EndNest(data);
        w.EndNest(info);
        return w.Finish();
    }

    /// <summary><c>ip link set dev IFINDEX up|down</c>: only IFF_UP is in the change mask, so no other flag moves.</summary>
    public static byte[] SetLinkUp(int ifIndex, bool up, uint sequence)
    {
        var w = new NetlinkWriter(RtmNewLink, NlmFRequest | NlmFAck, sequence);
        IfInfo(w, ifIndex, up ? IffUp : 0, IffUp);
        return w.Finish();
    }

    public static byte[] DeleteLink(int ifIndex, uint sequence)
    {
        var w = new NetlinkWriter(RtmDelLink, NlmFRequest | NlmFAck, sequence);
        IfInfo(w, ifIndex, 0, 0);
        return w.Finish();
    }

    private static byte[] Dump(ushort type, uint sequence, byte[] body)
    {
        var w = new NetlinkWriter(type, NlmFRequest | NlmFDump, sequence);
        w.Bytes(body);
        return w.Finish();
    }

    /// <summary>struct ifinfomsg: family AF_UNSPEC, pad, type, index, flags, change mask.</summary>
    private static void IfInfo(NetlinkWriter w, int ifIndex, uint flags, uint change)
    {
        w.Bytes([0, 0, 0, 0]);
        w.U32(unchecked((uint)ifIndex));
        w.U32(flags);
        w.U32(change);
    }
}
