using System.Collections.Frozen;

namespace ActorHa.Config.Binding;

/// <summary>
/// The keywords of one kind of block: those the binder reads, and those keepalived 2.2.7 knows but ActorHa does
/// not act on (accepted with one warning listing them). Anything else is unknown and gets a suggestion.
/// </summary>
internal sealed class BlockKeywords
{
    private readonly string[] _all;

    public BlockKeywords(string block, string[] handled, string[] unused)
    {
        Block = block;
        Handled = handled.ToFrozenSet(StringComparer.Ordinal);
        Unused = unused.ToFrozenSet(StringComparer.Ordinal);
        _all = [.. handled, .. unused];
    }

    /// <summary>How messages name the block: <c>vrrp_instance</c>, <c>HTTP_GET</c>, <c>top level</c>.</summary>
    public string Block { get; }

    public FrozenSet<string> Handled { get; }

    public FrozenSet<string> Unused { get; }

    /// <summary>The nearest keyword of this block, if a typo away (optimal string alignment distance).</summary>
    public string? Suggest(string word)
    {
        var limit = word.Length <= 4 ? 1 : 2;
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in _all)
        {
            var distance = Distance(word, candidate);
            if (distance <= limit && distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    /// <summary>Damerau-Levenshtein distance, optimal string alignment variant (a transposition counts 1).</summary>
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}

/// <summary>The keyword catalogue, block by block, from keepalived.conf(5) of keepalived 2.2.7.</summary>
internal static class Keywords
{
    public static readonly BlockKeywords TopLevel = new(
        "top level",
        ["global_defs", "static_ipaddress", "static_routes", "static_rules", "vrrp_script", "track_file", "vrrp_track_file", "vrrp_instance",
            "vrrp_sync_group", "virtual_server_group", "virtual_server"],
        ["linkbeat_interfaces", "static_track_group", "vrrp_track_process", "bfd_instance",
            "garp_group", "interface_up_down_delays", "SSL", "net_namespace", "net_namespace_ipvs", "namespace_with_ipsets",
            "instance", "use_pid_dir", "linkbeat_use_polling", "child_wait_time"]);

    public static readonly BlockKeywords GlobalDefs = new(
        "global_defs",
        ["notification_email", "notification_email_from", "smtp_server", "smtp_connect_timeout", "smtp_helo_name", "smtp_alert",
            "smtp_alert_vrrp", "smtp_alert_checker", "router_id", "lvs_id", "enable_traps", "vrrp_mcast_group4", "vrrp_mcast_group6",
            "vrrp_garp_master_delay", "vrrp_garp_master_repeat", "vrrp_garp_master_refresh", "vrrp_garp_master_refresh_repeat",
            "vrrp_garp_interval", "vrrp_gna_interval", "vrrp_version", "vrrp_check_unicast_src", "vrrp_skip_check_adv_addr",
            "vrrp_strict", "vrrp_iptables", "notify_fifo", "notify_fifo_script", "vrrp_notify_fifo", "vrrp_notify_fifo_script",
            "lvs_notify_fifo", "lvs_notify_fifo_script", "script_user", "enable_script_security", "lvs_sync_daemon", "default_interface",
            "vrrp_priority", "vrrp_rt_priority", "vrrp_rlimit_rttime"],
        ["bfd_cpu_affinity", "bfd_no_swap", "bfd_priority", "bfd_process_name", "bfd_rlimit_rttime", "bfd_rt_priority",
            "checker_cpu_affinity", "checker_log_all_failures", "checker_no_swap", "checker_priority", "checker_process_name",
            "checker_rlimit_rttime", "checker_rt_priority", "config_save_dir", "data_use_instance", "dbus_service_name",
            "disable_local_igmp", "dynamic_interfaces", "enable_dbus", "enable_snmp_checker", "enable_snmp_rfc", "enable_snmp_rfcv2",
            "enable_snmp_rfcv3", "enable_snmp_vrrp", "fifo_write_vrrp_states_on_reload", "log_unknown_vrids",
            "lvs_flush", "lvs_flush_on_stop", "lvs_netlink_cmd_rcv_bufs", "lvs_netlink_cmd_rcv_bufs_force",
            "lvs_netlink_monitor_rcv_bufs", "lvs_netlink_monitor_rcv_bufs_force", "lvs_timeouts", "max_auto_priority",
            "min_auto_priority_delay", "nftables", "nftables_counters", "nftables_ifindex", "nftables_ipvs", "nftables_ipvs_priority",
            "nftables_ipvs_start_fwmark", "nftables_priority", "no_checker_emails", "no_email_faults", "process_monitor_rcv_bufs",
            "process_monitor_rcv_bufs_force", "process_name", "process_names", "random_seed", "reload_check_config", "reload_file",
            "reload_repeat", "reload_time_file", "rs_init_notifies", "shutdown_script", "shutdown_script_timeout", "snmp_socket",
            "startup_script", "startup_script_timeout", "tmp_config_directory", "umask", "vmac_addr_prefix", "vmac_prefix",
            "vrrp_cpu_affinity", "vrrp_down_timer_adverts", "vrrp_garp_extra_if", "vrrp_garp_lower_prio_delay",
            "vrrp_garp_lower_prio_repeat", "vrrp_higher_prio_send_advert", "vrrp_ipsets", "vrrp_lower_prio_no_advert", "vrrp_min_garp",
            "vrrp_netlink_cmd_rcv_bufs", "vrrp_netlink_cmd_rcv_bufs_force", "vrrp_netlink_monitor_rcv_bufs",
            "vrrp_netlink_monitor_rcv_bufs_force", "vrrp_no_swap", "vrrp_notify_priority_changes", "vrrp_process_name",
            "vrrp_rx_bufs_multiplier", "vrrp_rx_bufs_policy", "vrrp_startup_delay",
            "net_namespace", "net_namespace_ipvs", "namespace_with_ipsets", "instance", "use_pid_dir", "linkbeat_use_polling",
            "child_wait_time", "smtp_alert_bfd"]);

    public static readonly BlockKeywords VrrpScript = new(
        "vrrp_script",
        ["script", "interval", "timeout", "weight", "rise", "fall", "user", "init_fail"],
        []);

    public static readonly BlockKeywords TrackFile = new("track_file", ["file", "weight", "init_file"], []);

    public static readonly BlockKeywords VrrpInstance = new(
        "vrrp_instance",
        ["state", "interface", "use_vmac", "vmac_xmit_base", "dont_track_primary", "track_interface", "track_script", "track_file",
            "mcast_src_ip", "mcast_dst_ip", "unicast_src_ip", "unicast_peer", "unicast_ttl", "check_unicast_src",
            "lvs_sync_daemon_interface", "garp_master_delay", "garp_master_repeat", "garp_master_refresh", "garp_master_refresh_repeat",
            "virtual_router_id", "priority", "advert_int", "authentication", "virtual_ipaddress", "virtual_ipaddress_excluded",
            "virtual_routes", "virtual_rules", "nopreempt", "preempt", "preempt_delay", "debug", "notify_master", "notify_backup",
            "notify_fault", "notify_stop", "notify_deleted", "notify_master_rx_lower_pri", "notify", "smtp_alert", "version", "accept",
            "no_accept", "native_ipv6", "strict_mode", "skip_check_adv_addr"],
        ["vrf", "use_vmac_addr", "use_ipvlan", "track_process", "track_bfd", "track_src_ip", "unicast_fault_no_peer",
            "old_unicast_checksum", "promote_secondaries", "garp_lower_prio_delay", "garp_lower_prio_repeat", "garp_extra_if",
            "garp_extra_if_vmac", "lower_prio_no_advert", "higher_prio_send_advert", "down_timer_adverts", "kernel_rx_buf_size",
            "linkbeat_use_polling", "notify_priority_changes"]);

    public static readonly BlockKeywords Authentication = new("authentication", ["auth_type", "auth_pass"], []);

    public static readonly BlockKeywords SyncGroup = new(
        "vrrp_sync_group",
        ["group", "notify_master", "notify_backup", "notify_fault", "notify_stop", "notify_deleted", "notify", "smtp_alert",
            "track_interface", "track_script", "track_file", "global_tracking", "sync_group_tracking_weight"],
        [ "track_process", "track_bfd", "notify_priority_changes"]);

    public static readonly BlockKeywords VirtualServer = new(
        "virtual_server",
        ["delay_loop", "lb_algo", "lvs_sched", "lb_kind", "lvs_method", "persistence_timeout", "persistence_granularity",
            "persistence_engine", "protocol", "ha_suspend", "ops", "virtualhost", "alpha", "omega", "quorum", "hysteresis", "quorum_up",
            "quorum_down", "sorry_server", "sorry_server_inhibit", "sorry_server_lvs_method", "smtp_alert", "inhibit_on_failure",
            "connect_timeout", "retry", "delay_before_retry", "warmup", "real_server", "flag-1", "flag-2", "flag-3", "sh-port",
            "sh-fallback", "mh-port", "mh-fallback"],
        ["snmp_name", "ip_family"]);

    public static readonly BlockKeywords RealServer = new(
        "real_server",
        ["weight", "lvs_method", "lb_kind", "notify_up", "notify_down", "uthreshold", "lthreshold", "smtp_alert", "virtualhost", "alpha",
            "connect_timeout", "retry", "delay_before_retry", "warmup", "delay_loop", "inhibit_on_failure", "HTTP_GET", "SSL_GET",
            "TCP_CHECK", "SMTP_CHECK", "DNS_CHECK", "MISC_CHECK", "UDP_CHECK", "PING_CHECK", "FILE_CHECK", "BFD_CHECK"],
        ["snmp_name"]);

    private static readonly string[] CheckerCommon =
        ["connect_ip", "connect_port", "bindto", "bind_if", "bind_port", "fwmark", "alpha", "connect_timeout", "retry", "nb_get_retry",
            "delay_before_retry", "warmup", "delay_loop", "log_all_failures"];

    public static readonly BlockKeywords HttpGet = new("HTTP_GET", [.. CheckerCommon, "url", "http_protocol", "virtualhost", "fast_recovery"], []);

    public static readonly BlockKeywords SslGet = new("SSL_GET", [.. CheckerCommon, "url", "http_protocol", "virtualhost", "fast_recovery", "enable_sni"], []);

    public static readonly BlockKeywords TcpCheck = new("TCP_CHECK", CheckerCommon, []);

    public static readonly BlockKeywords SmtpCheck = new("SMTP_CHECK", [.. CheckerCommon, "helo_name", "host"], []);

    public static readonly BlockKeywords DnsCheck = new("DNS_CHECK", [.. CheckerCommon, "type", "name"], []);

    public static readonly BlockKeywords MiscCheck = new("MISC_CHECK", [.. CheckerCommon, "misc_path", "misc_timeout", "misc_dynamic", "user"], []);

    public static readonly BlockKeywords UdpCheck = new("UDP_CHECK", [.. CheckerCommon, "payload", "require_reply", "min_reply_length", "max_reply_length"], []);

    public static readonly BlockKeywords PingCheck = new("PING_CHECK", CheckerCommon, []);

    public static readonly BlockKeywords FileCheck = new("FILE_CHECK", ["track_file", "dynamic", "weight"], []);

    public static readonly BlockKeywords BfdCheck = new("BFD_CHECK", ["name"], []);

    public static readonly BlockKeywords Url = new(
        "url",
        ["path", "digest", "status_code", "virtualhost", "regex", "regex_no_match"],
        ["regex_options", "regex_stack", "regex_min_offset", "regex_max_offset"]);

    public static readonly BlockKeywords SmtpHost = new("host", ["connect_ip", "connect_port", "bindto", "bind_if", "bind_port", "fwmark"], []);
}
