using System.Net;
using System.Net.Sockets;
using ActorHa.Config.Model;
using ActorHa.Config.Syntax;

namespace ActorHa.Config.Binding;

/// <summary>global_defs. Several global_defs blocks are merged in order, as keepalived does.</summary>
internal sealed partial class Binder
{
    private static readonly TimeSpan MaxTimer = TimeSpan.FromDays(1);

    private void BindGlobalDefs(ConfStatement block)
    {
        const string who = "";
        var g = _global with { Location = _global.Location == Diagnostics.SourceLocation.None ? block.Location : _global.Location };
        var unused = new List<ConfStatement>();
        foreach (var st in Block(block, who))
        {
            switch (st.Name)
            {
                case "notification_email":
                    g = g with { NotificationEmail = [.. g.NotificationEmail, .. BlockWords(st, who)] };
                    break;
                case "notification_email_from":
                    g = g with { NotificationEmailFrom = Text(st, who) ?? g.NotificationEmailFrom };
                    break;
                case "smtp_server":
                    g = g with { SmtpServer = BindSmtpServer(st) ?? g.SmtpServer };
                    break;
                case "smtp_connect_timeout":
                    g = g with { SmtpConnectTimeout = WholeSeconds(st, who, 1, 86400, g.SmtpConnectTimeout) };
                    break;
                case "smtp_helo_name":
                    g = g with { SmtpHeloName = Text(st, who) ?? g.SmtpHeloName };
                    break;
                case "smtp_alert":
                    g = g with { SmtpAlert = Bool(st, who) };
                    break;
                case "smtp_alert_vrrp":
                    g = g with { SmtpAlertVrrp = Bool(st, who) };
                    break;
                case "smtp_alert_checker":
                    g = g with { SmtpAlertChecker = Bool(st, who) };
                    break;
                case "router_id":
                    g = g with { RouterId = Text(st, who) ?? g.RouterId };
                    break;
                case "lvs_id":
                    // keepalived 1.x's name for router_id; 2.2.7 no longer knows it.
                    _d.Warning(st.Location, "lvs_id is deprecated, use router_id");
                    g = g with { RouterId = g.RouterId ?? Text(st, who) };
                    break;
                case "enable_traps":
                    g = g with { EnableTraps = Bool(st, who) };
                    break;
                case "vrrp_mcast_group4":
                    g = g with { VrrpMcastGroup4 = Multicast(st, AddressFamily.InterNetwork) ?? g.VrrpMcastGroup4 };
                    break;
                case "vrrp_mcast_group6":
                    g = g with { VrrpMcastGroup6 = Multicast(st, AddressFamily.InterNetworkV6) ?? g.VrrpMcastGroup6 };
                    break;
                case "vrrp_garp_master_delay":
                    g = g with { VrrpGarpMasterDelay = WholeSeconds(st, who, 0, 255, g.VrrpGarpMasterDelay) };
                    break;
                case "vrrp_garp_master_repeat":
                    g = g with { VrrpGarpMasterRepeat = Int(st, who, 1, 255, g.VrrpGarpMasterRepeat) };
                    break;
                case "vrrp_garp_master_refresh":
                    g = g with { VrrpGarpMasterRefresh = WholeSeconds(st, who, 0, 86400, g.VrrpGarpMasterRefresh) };
                    break;
                case "vrrp_garp_master_refresh_repeat":
                    g = g with { VrrpGarpMasterRefreshRepeat = Int(st, who, 1, 255, g.VrrpGarpMasterRefreshRepeat) };
                    break;
                case "vrrp_garp_interval":
                    g = g with { VrrpGarpInterval = Seconds(st, who, TimeSpan.Zero, TimeSpan.FromSeconds(1), g.VrrpGarpInterval) };
                    break;
                case "vrrp_gna_interval":
                    g = g with { VrrpGnaInterval = Seconds(st, who, TimeSpan.Zero, TimeSpan.FromSeconds(1), g.VrrpGnaInterval) };
                    break;
                case "vrrp_version":
                    g = g with { VrrpVersion = Int(st, who, 2, 3, g.VrrpVersion) };
                    break;
                case "vrrp_check_unicast_src":
                    g = g with { VrrpCheckUnicastSrc = Flag(st, who) };
                    break;
                case "vrrp_skip_check_adv_addr":
                    g = g with { VrrpSkipCheckAdvAddr = Flag(st, who) };
                    break;
                case "vrrp_strict":
                    g = g with { VrrpStrict = Flag(st, who) };
                    break;
                case "vrrp_iptables":
                    g = g with { VrrpIptables = [.. st.Arguments.Select(a => a.Text)] };
                    break;
                case "notify_fifo":
                    g = g with { NotifyFifo = Fifo(st, g.NotifyFifo) };
                    break;
                case "notify_fifo_script":
                    g = g with { NotifyFifo = FifoScript(st, g.NotifyFifo) };
                    break;
                case "vrrp_notify_fifo":
                    g = g with { VrrpNotifyFifo = Fifo(st, g.VrrpNotifyFifo) };
                    break;
                case "vrrp_notify_fifo_script":
                    g = g with { VrrpNotifyFifo = FifoScript(st, g.VrrpNotifyFifo) };
                    break;
                case "lvs_notify_fifo":
                    g = g with { LvsNotifyFifo = Fifo(st, g.LvsNotifyFifo) };
                    break;
                case "lvs_notify_fifo_script":
                    g = g with { LvsNotifyFifo = FifoScript(st, g.LvsNotifyFifo) };
                    break;
                case "script_user":
                    g = g with { ScriptUser = User(st, who) ?? g.ScriptUser };
                    break;
                case "enable_script_security":
                    g = g with { EnableScriptSecurity = Flag(st, who) };
                    break;
                case "lvs_sync_daemon":
                    g = g with { LvsSyncDaemon = BindLvsSyncDaemon(st) ?? g.LvsSyncDaemon };
                    break;
                case "default_interface":
                    g = g with { DefaultInterface = Text(st, who) ?? g.DefaultInterface };
                    break;
                case "vrrp_priority":
                    g = g with { VrrpPriority = Int(st, who, -20, 19, 0) };
                    break;
                case "vrrp_rt_priority":
                    g = g with { VrrpRtPriority = Int(st, who, 1, 99, 1) };
                    break;
                case "vrrp_rlimit_rttime":
                    g = g with { VrrpRlimitRttime = Int(st, who, 1, int.MaxValue, 10000) };
                    break;

                default:
                    Other(st, Keywords.GlobalDefs, unused);
                    break;
            }
        }

        ReportUnused("global_defs: ", unused);
        _global = g with { UnusedKeywords = [.. g.UnusedKeywords, .. unused.Select(s => s.Name).Distinct(StringComparer.Ordinal)] };
    }

    /// <summary>The lines of a list block (<c>notification_email { a@b c@d }</c>): every word is an item.</summary>
    private IEnumerable<string> BlockWords(ConfStatement st, string who) =>
        Block(st, who).SelectMany(line => line.Arguments.Prepend(line.Keyword)).Select(w => w.Text);

    private SmtpServer? BindSmtpServer(ConfStatement st)
    {
        // keepalived 2.2.7 takes an address only ("Invalid smtp server" for a name).
        var address = Ip(st, "");
        if (address is null)
        {
            return null;
        }

        var port = st.Arguments.Count > 1 ? Port(st.Arguments[1], "smtp_server") ?? 25 : 25;
        return new SmtpServer(address, port);
    }

    private IPAddress? Multicast(ConfStatement st, AddressFamily family)
    {
        var address = Ip(st, "");
        if (address is null)
        {
            return null;
        }

        if (address.AddressFamily != family || !(family == AddressFamily.InterNetwork ? address.GetAddressBytes()[0] is >= 224 and <= 239 : address.IsIPv6Multicast))
        {
            _d.Error(st.Arguments[0].Location, $"{st.Name} '{st.Arguments[0].Text}' is not an {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} multicast address, ignoring");
            return null;
        }

        return address;
    }

    private NotifyFifo? Fifo(ConfStatement st, NotifyFifo? current)
    {
        var path = Text(st, "");
        if (path is null)
        {
            return current;
        }

        return new NotifyFifo(path, current?.Script);
    }

    private NotifyFifo? FifoScript(ConfStatement st, NotifyFifo? current)
    {
        var script = Script(st, "");
        if (current is null)
        {
            _d.Error(st.Location, $"{st.Name} without a FIFO ({st.Name[..^"_script".Length]}), ignoring");
            return null;
        }

        return current with { Script = script };
    }

    private ScriptUser? User(ConfStatement st, string who)
    {
        var user = Text(st, who);
        return user is null ? null : new ScriptUser(user, st.Arguments.Count > 1 ? st.Arguments[1].Text : null);
    }

    /// <summary><c>lvs_sync_daemon INTERFACE VRRP_INSTANCE [id N] [maxlen N] [port N] [ttl N] [group IP]</c>.</summary>
    private LvsSyncDaemon? BindLvsSyncDaemon(ConfStatement st)
    {
        var iface = Text(st, "");
        if (iface is null)
        {
            return null;
        }

        var args = st.Arguments;
        var index = 1;
        string? instance = null;
        if (index < args.Count && args[index].Text is not ("id" or "maxlen" or "port" or "ttl" or "group"))
        {
            instance = args[index++].Text;
        }

        var daemon = new LvsSyncDaemon(iface, instance, null, null, null, null, null);
        for (; index < args.Count; index += 2)
        {
            var option = args[index];
            if (index + 1 >= args.Count)
            {
                _d.Error(option.Location, $"lvs_sync_daemon {option.Text} needs a value, ignoring");
                break;
            }

            var value = args[index + 1];
            switch (option.Text)
            {
                case "id":
                    daemon = daemon with { SyncId = (int?)ParseInt(st, "", value, 0, 255, Ignoring) };
                    break;
                case "maxlen":
                    daemon = daemon with { MaxLength = (int?)ParseInt(st, "", value, 1, 65535 - 20 - 8, Ignoring) };
                    break;
                case "port":
                    daemon = daemon with { Port = Port(value, "lvs_sync_daemon") };
                    break;
                case "ttl":
                    daemon = daemon with { Ttl = (int?)ParseInt(st, "", value, 1, 255, Ignoring) };
                    break;
                case "group":
                    daemon = daemon with { Group = Ip(value, "lvs_sync_daemon group") };
                    break;
                default:
                    _d.Error(option.Location, $"lvs_sync_daemon option '{option.Text}' is not one of id|maxlen|port|ttl|group, ignoring");
                    index--;
                    break;
            }
        }

        return daemon;
    }
}
