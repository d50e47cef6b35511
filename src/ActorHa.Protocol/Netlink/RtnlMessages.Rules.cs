using System.Net;
using System.Net.Sockets;

namespace ActorHa.Protocol.Netlink;

/// <summary>
/// A policy-routing rule: <c>ip rule add|del [from SRC/LEN] [to DST/LEN] [iif IF] [oif IF] [fwmark M[/MASK]]
/// [preference P] table T</c>. <see cref="Family"/> is AF_INET (2) or AF_INET6 (10).
/// </summary>
public sealed record RtnlRule(
    byte Family,
    IPAddress? From = null,
    int FromLength = 0,
    IPAddress? To = null,
    int ToLength = 0,
    uint Table = RtnlMessages.TableMain,
    uint? Preference = null,
    string? InputInterface = null,
    string? OutputInterface = null,
    uint? FwMark = null,
    uint? FwMask = null);

public static partial class RtnlMessages
{
    public const ushort RtmNewRule = 32;
    public const ushort RtmDelRule = 33;

    // linux/fib_rules.h
    private const ushort FraDst = 1;
    private const ushort FraSrc = 2;
    private const ushort FraIifName = 3;
    private const ushort FraPriority = 6;
    private const ushort FraFwMark = 10;
    private const ushort FraTable = 15;
    private const ushort FraFwMask = 16;
    private const ushort FraOifName = 17;
    private const byte FrActToTable = 1;

    /// <summary>The address family a rule belongs to: its addresses', else IPv4.</summary>
    public static byte RuleFamily(IPAddress? from, IPAddress? to) =>
        (from ?? to)?.AddressFamily == AddressFamily.InterNetworkV6 ? (byte)10 : (byte)2;

    /// <summary>RTM_NEWRULE / RTM_DELRULE: struct fib_rule_hdr (12 bytes) then FRA_* attributes; action "to table".</summary>
    public static byte[] Rule(bool add, RtnlRule r, uint sequence)
    {
        ArgumentNullException.ThrowIfNull(r);
        var w = new NetlinkWriter(add ? RtmNewRule : RtmDelRule, (ushort)(NlmFRequest | NlmFAck | (add ? NlmFCreate | NlmFExcl : 0)), sequence);
        // family, dst_len, src_len, tos, table (>255 goes in FRA_TABLE only), res1, res2, action; then u32 flags.
        w.Bytes([r.Family, (byte)(r.To is null ? 0 : r.ToLength), (byte)(r.From is null ? 0 : r.FromLength), 0, r.Table < 256 ? (byte)r.Table : (byte)0, 0, 0, FrActToTable]);
        w.U32(0);
        if (r.From is not null)
        {
            w.AttrAddress(FraSrc, r.From);
        }

        if (r.To is not null)
        {
            w.AttrAddress(FraDst, r.To);
        }

        if (r.InputInterface is not null)
        {
            w.AttrString(FraIifName, r.InputInterface);
        }

        if (r.OutputInterface is not null)
        {
            w.AttrString(FraOifName, r.OutputInterface);
        }

        if (r.Preference is { } preference)
        {
            w.AttrU32(FraPriority, preference);
        }

        if (r.FwMark is { } mark)
        {
            w.AttrU32(FraFwMark, mark);
        }

        if (r.FwMask is { } mask)
        {
            w.AttrU32(FraFwMask, mask);
        }

        w.AttrU32(FraTable, r.Table);
        return w.Finish();
    }
}
