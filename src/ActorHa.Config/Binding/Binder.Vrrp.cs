using System.Net;
using System.Net.Sockets;
using ActorHa.Config.Diagnostics;
using ActorHa.Config.Model;
using ActorHa.Config.Syntax;

namespace ActorHa.Config.Binding;

/// <summary>vrrp_script, vrrp_instance and vrrp_sync_group, with keepalived 2.2.7's defaults and fallbacks.</summary>
internal sealed partial class Binder
{
    /// <summary>RFC 5798 section 5.2.4: priority 255 is the address owner; keepalived's default for others is 100.</summary>
    private const int OwnerPriority = 255;
    private const int DefaultPriority = 100;

    private static readonly TimeSpan DefaultAdvertInt = TimeSpan.FromSeconds(1);

    /// <summary>RFC 5798 section 5.2.7: Max Adver Int is 12 bits of centiseconds.</summary>
    private static readonly TimeSpan MaxAdvertIntV3 = TimeSpan.FromMilliseconds(40_950);

    private void BindScript(ConfStatement block)
    {
        if (BlockName(block) is not { } name)
        {
            return;
        }

        var who = $"({name}) ";
        if (_scripts.Exists(s => s.Name == name))
        {
            // keepalived says nothing here; a second definition is still almost always a copy-paste slip.
            _d.Warning(block.Arguments[0].Location, $"{who}vrrp_script already defined, ignoring this one");
            return;
        }

        var script = new VrrpScript(name, "", DefaultAdvertInt, null, 0, false, 1, 1, null, false, block.Location);
        var unused = new List<ConfStatement>();
        foreach (var st in Block(block, who))
        {
            switch (st.Name)
            {
                case "script":
                    script = script with { Script = Text(st, who) ?? script.Script };
                    if (st.Arguments.Count > 1)
                    {
                        _d.Warning(st.Arguments[1].Location, $"{who}script has several words; quote the command line so they are one");
                    }

                    _scriptsUsedAt.Add(st.Location);
                    break;
                case "interval":
                    script = script with { Interval = Seconds(st, who, TimeSpan.FromTicks(10), MaxTimer, script.Interval) };
                    break;
                case "timeout":
                    script = script with { Timeout = OptionalSeconds(st, who, TimeSpan.FromTicks(10), MaxTimer) ?? script.Timeout };
                    break;
                case "weight":
                    script = script with
                    {
                        Weight = Int(st, who, -253, 253, 0),
                        WeightReverse = st.Arguments.Count > 1 && Reverse(st, st.Arguments[1], who),
                    };
                    break;
                case "rise":
                    script = script with { Rise = Int(st, who, 1, int.MaxValue, 1) };
                    break;
                case "fall":
                    script = script with { Fall = Int(st, who, 1, int.MaxValue, 1) };
                    break;
                case "user":
                    script = script with { User = User(st, who) ?? script.User };
                    break;
                case "init_fail":
                    script = script with { InitFail = Flag(st, who) };
                    break;
                default:
                    Other(st, Keywords.VrrpScript, unused);
                    break;
            }
        }

        if (script.Script.Length == 0)
        {
            // keepalived drops such a script; instances tracking it then report it as not found.
            _d.Error(block.Location, $"{who}vrrp_script has no script, ignoring it");
            return;
        }

        _scripts.Add(script);
    }

    /// <summary>
    /// <c>track_file NAME { file PATH; weight W [reverse]; init_file [VALUE] [overwrite] }</c>, keepalived's defaults:
    /// weight 1, no init_file; <c>init_file</c> alone writes 0.
    /// </summary>
    private void BindTrackFile(ConfStatement block)
    {
        if (BlockName(block) is not { } name)
        {
            return;
        }

        var who = $"({name}) ";
        if (block.Name == "vrrp_track_file")
        {
            _d.Warning(block.Location, $"{who}vrrp_track_file is deprecated, use track_file");
        }

        if (_trackFiles.Exists(f => f.Name == name))
        {
            _d.Warning(block.Arguments[0].Location, $"{who}track_file already defined, ignoring this one");
            return;
        }

        var file = new VrrpTrackFile(name, "", 1, false, null, false, block.Location);
        var unused = new List<ConfStatement>();
        foreach (var st in Block(block, who))
        {
            switch (st.Name)
            {
                case "file":
                    file = file with { File = Text(st, who) ?? file.File };
                    break;
                case "weight":
                    file = file with
                    {
                        Weight = Int(st, who, -int.MaxValue, int.MaxValue, 1),
                        WeightReverse = st.Arguments.Count > 1 && Reverse(st, st.Arguments[1], who),
                    };
                    break;
                case "init_file":
                    file = InitFile(file, st, who);
                    break;
                default:
                    Other(st, Keywords.TrackFile, unused);
                    break;
            }
        }

        ReportUnused(who, unused);
        if (file.File.Length == 0)
        {
            // As for a vrrp_script without script: the block is dropped and whoever tracks it is told so.
            _d.Error(block.Location, $"{who}track_file has no file, ignoring it");
            return;
        }

        _trackFiles.Add(file);
    }

    /// <summary><c>init_file [VALUE] [overwrite]</c>, in either order keepalived accepts: a number and/or the word.</summary>
    private VrrpTrackFile InitFile(VrrpTrackFile file, ConfStatement st, string who)
    {
        long value = 0;
        var overwrite = false;
        foreach (var word in st.Arguments)
        {
            if (word.Text == "overwrite")
            {
                overwrite = true;
            }
            else if (ParseInt(st, who, word, int.MinValue, int.MaxValue, "using 0") is { } v)
            {
                value = v;
            }
        }

        return file with { InitValue = value, InitOverwrite = overwrite };
    }

    /// <summary><c>reverse</c> / <c>no_reverse</c> / <c>noreverse</c> after a weight.</summary>
    private bool Reverse(ConfStatement st, ConfWord word, string who)
    {
        switch (word.Text)
        {
            case "reverse":
                return true;
            case "no_reverse" or "noreverse":
                return false;
            default:
                _d.Error(word.Location, $"{who}{st.Name}: '{word.Text}' is not reverse|no_reverse, ignoring it");
                return false;
        }
    }

    private void BindInstance(ConfStatement block)
    {
        if (BlockName(block) is not { } name)
        {
            return;
        }

        var who = $"({name}) ";
        if (_instances.Exists(i => i.Name == name))
        {
            _d.Error(block.Arguments[0].Location, $"{who}vrrp_instance already defined, ignoring this one");
            return;
        }

        var g = _global;
        var i = new VrrpInstance(
            name, VrrpState.Backup, null, AddressFamily.InterNetwork, g.VrrpVersion, 0, DefaultPriority, DefaultAdvertInt, null, null,
            false, false, [], [], [], null, null, null, [], null, g.VrrpCheckUnicastSrc, null, g.VrrpGarpMasterDelay,
            g.VrrpGarpMasterRepeat, g.VrrpGarpMasterRefresh, g.VrrpGarpMasterRefreshRepeat, [], [], [], [], false, TimeSpan.Zero,
            !g.VrrpStrict, g.VrrpStrict, g.VrrpSkipCheckAdvAddr, false, 0, NotifyScripts.None, null, [], block.Location);

        ConfStatement? priorityAt = null, vridAt = null, advertAt = null, versionAt = null, nopreemptAt = null, preemptDelayAt = null;
        ConfStatement? authAt = null, vmacAt = null;
        TimeSpan? advert = null;
        var hasVipBlock = false;
        var unused = new List<ConfStatement>();
        foreach (var st in Block(block, who))
        {
            switch (st.Name)
            {
                case "state":
                    i = i with { State = State(st, who) };
                    break;
                case "interface":
                    i = i with { Interface = Text(st, who) ?? i.Interface };
                    break;
                case "use_vmac":
                    vmacAt = st;
                    i = i with { UseVmac = new UseVmac(st.Arguments.Count > 0 ? st.Arguments[0].Text : null, st.Arguments.Count > 1 ? st.Arguments[1].Text : null) };
                    break;
                case "vmac_xmit_base":
                    i = i with { VmacXmitBase = Flag(st, who) };
                    break;
                case "dont_track_primary":
                    i = i with { DontTrackPrimary = Flag(st, who) };
                    break;
                case "track_interface":
                    i = i with { TrackInterface = [.. i.TrackInterface, .. TrackInterfaces(st, who, name)] };
                    break;
                case "track_script":
                    i = i with { TrackScript = [.. i.TrackScript, .. TrackScripts(st, who, name)] };
                    break;
                case "track_file":
                    i = i with { TrackFile = [.. i.TrackFile, .. TrackFiles(st, who, name)] };
                    break;
                case "mcast_src_ip":
                    i = i with { McastSrcIp = Ip(st, who) ?? i.McastSrcIp };
                    break;
                case "mcast_dst_ip":
                    i = i with { McastDstIp = Ip(st, who) ?? i.McastDstIp };
                    break;
                case "unicast_src_ip":
                    i = i with { UnicastSrcIp = Ip(st, who) ?? i.UnicastSrcIp };
                    break;
                case "unicast_peer":
                    i = i with { UnicastPeer = [.. i.UnicastPeer, .. UnicastPeers(st, who)] };
                    break;
                case "unicast_ttl":
                    i = i with { UnicastTtl = OptionalInt(st, who, 1, 255) ?? i.UnicastTtl };
                    break;
                case "check_unicast_src":
                    i = i with { CheckUnicastSrc = Flag(st, who) };
                    break;
                case "lvs_sync_daemon_interface":
                    _d.Warning(st.Location, $"{who}lvs_sync_daemon_interface is deprecated, use lvs_sync_daemon in global_defs");
                    i = i with { LvsSyncDaemonInterface = Text(st, who) };
                    break;
                case "garp_master_delay":
                    i = i with { GarpMasterDelay = WholeSeconds(st, who, 0, 255, i.GarpMasterDelay) };
                    break;
                case "garp_master_repeat":
                    i = i with { GarpMasterRepeat = Int(st, who, 1, 255, i.GarpMasterRepeat) };
                    break;
                case "garp_master_refresh":
                    i = i with { GarpMasterRefresh = WholeSeconds(st, who, 0, 86400, i.GarpMasterRefresh) };
                    break;
                case "garp_master_refresh_repeat":
                    i = i with { GarpMasterRefreshRepeat = Int(st, who, 1, 255, i.GarpMasterRefreshRepeat) };
                    break;
                case "virtual_router_id":
                    vridAt = st;
                    i = i with { VirtualRouterId = VirtualRouterId(st, who) };
                    break;
                case "priority":
                    priorityAt = st;
                    i = i with { Priority = Int(st, who, 1, OwnerPriority, DefaultPriority) };
                    break;
                case "advert_int":
                    advertAt = st;
                    advert = Seconds(st, who, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(255), DefaultAdvertInt);
                    break;
                case "version":
                    versionAt = st;
                    i = i with { Version = Int(st, who, 2, 3, g.VrrpVersion) };
                    break;
                case "authentication":
                    authAt = st;
                    i = i with { Authentication = BindAuthentication(st, who) ?? i.Authentication };
                    break;
                case "virtual_ipaddress":
                    hasVipBlock = true;
                    i = i with { VirtualIpaddress = [.. i.VirtualIpaddress, .. BindAddresses(st, who)] };
                    break;
                case "virtual_ipaddress_excluded":
                    i = i with { VirtualIpaddressExcluded = [.. i.VirtualIpaddressExcluded, .. BindAddresses(st, who)] };
                    break;
                case "virtual_routes":
                    i = i with { VirtualRoutes = [.. i.VirtualRoutes, .. BindRoutes(st, who)] };
                    break;
                case "virtual_rules":
                    i = i with { VirtualRules = [.. i.VirtualRules, .. BindRules(st, who)] };
                    break;
                case "nopreempt":
                    nopreemptAt = st;
                    i = i with { Nopreempt = Flag(st, who) };
                    break;
                case "preempt":
                    i = i with { Nopreempt = !Flag(st, who) };
                    break;
                case "preempt_delay":
                    preemptDelayAt = st;
                    i = i with { PreemptDelay = Seconds(st, who, TimeSpan.Zero, TimeSpan.FromSeconds(1000), TimeSpan.Zero) };
                    break;
                case "debug":
                    i = i with { Debug = st.Arguments.Count == 0 ? 1 : Int(st, who, 0, 4, 0) };
                    break;
                case "notify_master" or "notify_backup" or "notify_fault" or "notify_stop" or "notify_deleted" or "notify_master_rx_lower_pri" or "notify":
                    i = i with { Notify = Notify(i.Notify, st, who) };
                    break;
                case "smtp_alert":
                    i = i with { SmtpAlert = Bool(st, who) };
                    break;
                case "accept":
                    i = i with { Accept = Flag(st, who) };
                    break;
                case "no_accept":
                    i = i with { Accept = !Flag(st, who) };
                    break;
                case "native_ipv6":
                    _d.Warning(st.Location, $"{who}native_ipv6 is deprecated, the virtual addresses decide the family");
                    i = i with { NativeIpv6 = Flag(st, who) };
                    break;
                case "strict_mode":
                    i = i with { StrictMode = Bool(st, who) };
                    break;
                case "skip_check_adv_addr":
                    i = i with { SkipCheckAdvAddr = Bool(st, who) };
                    break;
                default:
                    Other(st, Keywords.VrrpInstance, unused);
                    break;
            }
        }

        ReportUnused(who, unused);
        i = i with { UnusedKeywords = [.. unused.Select(s => s.Name).Distinct(StringComparer.Ordinal)] };
        i = CompleteInstance(i, who, block, priorityAt, vridAt, advertAt, advert, versionAt, nopreemptAt, preemptDelayAt, authAt, vmacAt, hasVipBlock);
        _instances.Add(i);
    }

    /// <summary>What keepalived decides once the whole instance is read (its vrrp_complete_instance).</summary>
    private VrrpInstance CompleteInstance(
        VrrpInstance i, string who, ConfStatement block, ConfStatement? priorityAt, ConfStatement? vridAt, ConfStatement? advertAt,
        TimeSpan? advert, ConfStatement? versionAt, ConfStatement? nopreemptAt, ConfStatement? preemptDelayAt, ConfStatement? authAt,
        ConfStatement? vmacAt, bool hasVipBlock)
    {
        if (vridAt is null)
        {
            _d.Fatal(block.Location, $"{who}virtual_router_id is not set");
        }
        else if (i.VirtualRouterId != 0)
        {
            _vridAt[i.Name] = vridAt.Arguments[0].Location;
        }

        // keepalived.conf(5): without a priority, state MASTER means the address owner.
        if (priorityAt is null && i.State == VrrpState.Master)
        {
            i = i with { Priority = OwnerPriority };
        }

        i = ResolveFamily(i, who);
        if (i.Family == AddressFamily.InterNetworkV6 && i.Version == 2)
        {
            if (versionAt is not null)
            {
                _d.Warning(versionAt.Location, $"{who}IPv6 instances always use VRRPv3, using version 3");
            }

            i = i with { Version = 3 };
        }

        i = i with { AdvertInt = AdvertInt(who, advertAt, advert, i.Version) };

        if (i.Authentication is not null && i.Version == 3)
        {
            _d.Error(authAt!.Location, $"{who}authentication is not supported by VRRPv3, ignoring it");
            i = i with { Authentication = null };
        }

        if (i.Nopreempt && i.Priority == OwnerPriority)
        {
            _d.Warning(nopreemptAt!.Location, $"{who}nopreempt is ignored with priority 255 (the address owner always preempts)");
            i = i with { Nopreempt = false };
        }
        else if (i.Nopreempt && i.State == VrrpState.Master)
        {
            _d.Warning(nopreemptAt!.Location, $"{who}nopreempt is ignored with state MASTER; use state BACKUP on every node");
            i = i with { Nopreempt = false };
        }

        if (i.Nopreempt && i.PreemptDelay > TimeSpan.Zero)
        {
            _d.Warning(preemptDelayAt!.Location, $"{who}preempt_delay is ignored with nopreempt");
            i = i with { PreemptDelay = TimeSpan.Zero };
        }

        if (i.Interface is { } own && i.TrackInterface.Any(t => t.Name == own))
        {
            // The instance's own interface already faults it when it goes down.
            _d.Warning(_trackInterfaceAt[(i.Name, own)], $"{who}track_interface {own} is the instance's own interface, ignoring it");
            i = i with { TrackInterface = [.. i.TrackInterface.Where(t => t.Name != own)] };
        }

        if (i.UseVmac is not null && i.IsUnicast && !i.VmacXmitBase)
        {
            _d.Error(vmacAt!.Location, $"{who}use_vmac with unicast_peer needs vmac_xmit_base, setting it");
            i = i with { VmacXmitBase = true };
        }

        if (i.StrictMode)
        {
            i = Strict(i, who, block, preemptDelayAt, authAt);
        }
        else if (!hasVipBlock)
        {
            _d.Warning(block.Location, $"{who}no virtual_ipaddress; at least one is sensible");
        }

        return i;
    }

    /// <summary>
    /// vrrp_strict / strict_mode: what keepalived enforces for RFC compliance, each reset with an error.
    /// </summary>
    private VrrpInstance Strict(VrrpInstance i, string who, ConfStatement block, ConfStatement? preemptDelayAt, ConfStatement? authAt)
    {
        if (i.VirtualIpaddress.Count == 0)
        {
            _d.Error(block.Location, $"{who}no virtual_ipaddress; strict mode requires at least one");
        }

        // RFC 5798 section 6.4.1: only the address owner (priority 255) starts as MASTER.
        if (i.State == VrrpState.Master && i.Priority != OwnerPriority)
        {
            _d.Error(block.Location, $"{who}state MASTER needs priority 255 in strict mode, using BACKUP");
            i = i with { State = VrrpState.Backup };
        }

        if (i.Authentication is not null)
        {
            _d.Error(authAt!.Location, $"{who}authentication is not allowed in strict mode, ignoring it");
            i = i with { Authentication = null };
        }

        if (i.PreemptDelay > TimeSpan.Zero)
        {
            _d.Error(preemptDelayAt!.Location, $"{who}preempt_delay is not allowed in strict mode, using 0");
            i = i with { PreemptDelay = TimeSpan.Zero };
        }

        if (i.VmacXmitBase)
        {
            _d.Error(block.Location, $"{who}vmac_xmit_base is not allowed in strict mode, ignoring it");
            i = i with { VmacXmitBase = false };
        }

        return i;
    }

    /// <summary>
    /// The family is the first virtual address's (IPv6 with native_ipv6), as in keepalived; virtual_ipaddress may
    /// not mix families (virtual_ipaddress_excluded may), and neither may the VRRP source and peers.
    /// </summary>
    private VrrpInstance ResolveFamily(VrrpInstance i, string who)
    {
        var family = i.NativeIpv6 ? AddressFamily.InterNetworkV6
            : i.VirtualIpaddress.Count > 0 ? i.VirtualIpaddress[0].Address.Family
            : i.UnicastSrcIp?.AddressFamily ?? i.McastSrcIp?.AddressFamily ?? AddressFamily.InterNetwork;
        var familyName = FamilyName(family);
        var vips = new List<AddressEntry>(i.VirtualIpaddress.Count);
        foreach (var vip in i.VirtualIpaddress)
        {
            if (vip.Address.Family != family)
            {
                _d.Error(vip.Location, $"{who}virtual_ipaddress {vip.Address} is not {familyName} like the instance, ignoring it (use virtual_ipaddress_excluded)");
                continue;
            }

            vips.Add(vip);
        }

        IPAddress? SameFamily(IPAddress? address, string keyword)
        {
            if (address is null || address.AddressFamily == family)
            {
                return address;
            }

            _d.Error(i.Location, $"{who}{keyword} {address} is not {familyName} like the instance, ignoring it");
            return null;
        }

        var peers = i.UnicastPeer.Where(p => SameFamily(p.Address, "unicast_peer") is not null).ToList();
        return i with
        {
            Family = family,
            VirtualIpaddress = vips,
            McastSrcIp = SameFamily(i.McastSrcIp, "mcast_src_ip"),
            UnicastSrcIp = SameFamily(i.UnicastSrcIp, "unicast_src_ip"),
            McastDstIp = SameFamily(i.McastDstIp, "mcast_dst_ip"),
            UnicastPeer = peers,
        };
    }

    private static string FamilyName(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4";

    /// <summary>
    /// RFC 3768 section 5.3.7 (v2): whole seconds, 1..255. RFC 5798 section 5.2.7 (v3): centiseconds, up to 40.95 s.
    /// keepalived rounds a v2 fraction and clamps a long v3 interval; ActorHa does the same and says so.
    /// </summary>
    private TimeSpan AdvertInt(string who, ConfStatement? at, TimeSpan? configured, int version)
    {
        if (at is null || configured is not { } value)
        {
            return DefaultAdvertInt;
        }

        var location = at.Arguments.Count > 0 ? at.Arguments[0].Location : at.Location;
        var text = ConfValues.FormatSeconds(value);
        if (version == 2)
        {
            var whole = Math.Max(1, Math.Round(value.TotalSeconds, MidpointRounding.AwayFromZero));
            if (whole != value.TotalSeconds)
            {
                _d.Error(location, $"{who}advert_int {text} must be whole seconds with VRRPv2, using {whole}");
                return TimeSpan.FromSeconds(whole);
            }

            return value;
        }

        if (value > MaxAdvertIntV3)
        {
            _d.Error(location, $"{who}advert_int {text} not in 0.01..40.95 with VRRPv3, using 40.95");
            return MaxAdvertIntV3;
        }

        var centiseconds = Math.Round(value.TotalMilliseconds / 10, MidpointRounding.AwayFromZero);
        if (centiseconds * 10 != value.TotalMilliseconds)
        {
            var rounded = TimeSpan.FromMilliseconds(Math.Max(1, centiseconds) * 10);
            _d.Error(location, $"{who}advert_int {text} is not in hundredths of a second with VRRPv3, using {ConfValues.FormatSeconds(rounded)}");
            return rounded;
        }

        return value;
    }

    private VrrpState State(ConfStatement st, string who) =>
        Choice(st, who, ["MASTER", "BACKUP"], "BACKUP") == "MASTER" ? VrrpState.Master : VrrpState.Backup;

    /// <summary>RFC 5798 section 5.2.3: VRID 1..255. Without a valid one the instance cannot run (fatal).</summary>
    private int VirtualRouterId(ConfStatement st, string who)
    {
        if (st.Arguments.Count == 0)
        {
            _d.Fatal(st.Location, $"{who}virtual_router_id needs a value");
            return 0;
        }

        var word = st.Arguments[0];
        if (!ConfValues.TryParseInt(word.Text, out var vrid) || vrid is < 1 or > 255)
        {
            _d.Fatal(word.Location, $"{who}virtual_router_id '{word.Text}' not in 1..255");
            return 0;
        }

        return (int)vrid;
    }

    private Authentication? BindAuthentication(ConfStatement block, string who)
    {
        AuthType? type = null;
        string? password = null;
        var unused = new List<ConfStatement>();
        foreach (var st in Block(block, who))
        {
            switch (st.Name)
            {
                case "auth_type":
                    type = Text(st, who) switch
                    {
                        "PASS" => AuthType.Pass,
                        "AH" => AuthType.Ah,
                        null => null,
                        var other => AuthTypeError(st, who, other),
                    };
                    break;
                case "auth_pass":
                    password = Text(st, who);
                    if (password is { Length: > 8 })
                    {
                        // RFC 2338 section 5.3.10: the authentication data field is 8 octets.
                        _d.Warning(st.Arguments[0].Location, $"{who}auth_pass is longer than 8 characters, only the first 8 are used");
                        password = password[..8];
                    }

                    break;
                default:
                    Other(st, Keywords.Authentication, unused);
                    break;
            }
        }

        ReportUnused(who, unused);
        if (type is null)
        {
            if (password is not null)
            {
                _d.Error(block.Location, $"{who}authentication without a valid auth_type, ignoring it");
            }

            return null;
        }

        if (type == AuthType.Ah)
        {
            // AH puts an IPsec header between IP and VRRP whose HMAC covers IP header fields the kernel fills in;
            // ActorHa lets the kernel build the IP header, so it cannot produce or verify it.
            _d.Error(block.Location, $"{who}auth_type AH is not supported by ActorHa (RFC 3768 withdrew it, VRRPv3 has none), running without authentication: peers using AH will reject our adverts");
            return null;
        }

        if (type == AuthType.Pass && password is null)
        {
            _d.Error(block.Location, $"{who}auth_type PASS without auth_pass, ignoring authentication");
            return null;
        }

        return new Authentication(type.Value, password ?? "");
    }

    private AuthType? AuthTypeError(ConfStatement st, string who, string text)
    {
        _d.Error(st.Arguments[0].Location, $"{who}auth_type '{text}' is not one of PASS|AH, ignoring authentication");
        return null;
    }

    private NotifyScripts Notify(NotifyScripts notify, ConfStatement st, string who)
    {
        var script = Script(st, who);
        if (script is null)
        {
            return notify;
        }

        return st.Name switch
        {
            "notify_master" => notify with { Master = script },
            "notify_backup" => notify with { Backup = script },
            "notify_fault" => notify with { Fault = script },
            "notify_stop" => notify with { Stop = script },
            "notify_deleted" => notify with { Deleted = script },
            "notify_master_rx_lower_pri" => notify with { MasterRxLowerPri = script },
            _ => notify with { Notify = script },
        };
    }

    /// <summary><c>track_interface { IF [weight N [reverse]] }</c>; weights -253..253.</summary>
    private IEnumerable<TrackedInterface> TrackInterfaces(ConfStatement block, string who, string owner)
    {
        foreach (var line in Block(block, who))
        {
            if (Weighted(line, who, "track_interface", 253) is var (weight, reverse, ok) && ok)
            {
                _trackInterfaceAt.TryAdd((owner, line.Name), line.Location);
                yield return new TrackedInterface(line.Name, weight ?? 0, reverse);
            }
        }
    }

    private IEnumerable<TrackedScript> TrackScripts(ConfStatement block, string who, string owner)
    {
        foreach (var line in Block(block, who))
        {
            if (Weighted(line, who, "track_script", 253) is var (weight, reverse, ok) && ok)
            {
                _trackScriptAt.TryAdd((owner, line.Name), line.Location);
                yield return new TrackedScript(line.Name, weight, reverse);
            }
        }
    }

    /// <summary><c>track_file { NAME [weight N [reverse]] }</c>; weights -254..254 (254 lets a negative value in the file count).</summary>
    private IEnumerable<TrackedFile> TrackFiles(ConfStatement block, string who, string owner)
    {
        foreach (var line in Block(block, who))
        {
            if (Weighted(line, who, "track_file", 254) is var (weight, reverse, ok) && ok)
            {
                _trackFileAt.TryAdd((owner, line.Name), line.Location);
                yield return new TrackedFile(line.Name, weight, reverse);
            }
        }
    }

    /// <summary><c>NAME [weight N [reverse|no_reverse]]</c>; an out-of-range weight drops the line, as keepalived does.</summary>
    private (int? Weight, bool Reverse, bool Ok) Weighted(ConfStatement line, string who, string what, int limit)
    {
        var args = line.Arguments;
        if (args.Count == 0)
        {
            return (null, false, true);
        }

        if (args[0].Text != "weight")
        {
            _d.Error(args[0].Location, $"{who}{what} {line.Name}: expected 'weight', found '{args[0].Text}', ignoring it");
            return (null, false, false);
        }

        if (args.Count < 2)
        {
            _d.Error(args[0].Location, $"{who}{what} {line.Name}: weight needs a value, ignoring it");
            return (null, false, false);
        }

        if (!ConfValues.TryParseInt(args[1].Text, out var weight) || weight < -limit || weight > limit)
        {
            _d.Error(args[1].Location, $"{who}{what} {line.Name} weight {args[1].Text} not in {-limit}..{limit}, ignoring it");
            return (null, false, false);
        }

        var reverse = args.Count > 2 && Reverse(line, args[2], who);
        return ((int)weight, reverse, true);
    }

    /// <summary><c>unicast_peer { IP [min_ttl N] [max_ttl N] }</c>.</summary>
    private IEnumerable<UnicastPeer> UnicastPeers(ConfStatement block, string who)
    {
        foreach (var line in Block(block, who))
        {
            if (Ip(line.Keyword, $"{who}unicast_peer") is not { } address)
            {
                continue;
            }

            int? minTtl = null, maxTtl = null;
            var args = line.Arguments;
            for (var k = 0; k < args.Count; k += 2)
            {
                if (args[k].Text is not ("min_ttl" or "max_ttl") || k + 1 >= args.Count)
                {
                    _d.Error(args[k].Location, $"{who}unicast_peer {line.Name}: expected min_ttl N or max_ttl N, ignoring '{args[k].Text}'");
                    break;
                }

                var ttl = (int?)ParseInt(line, who, args[k + 1], 0, 255, Ignoring);
                if (args[k].Text == "min_ttl")
                {
                    minTtl = ttl;
                }
                else
                {
                    maxTtl = ttl;
                }
            }

            yield return new UnicastPeer(address, minTtl, maxTtl);
        }
    }

    private void BindSyncGroup(ConfStatement block)
    {
        if (BlockName(block) is not { } name)
        {
            return;
        }

        var who = $"({name}) ";
        if (_syncGroups.Exists(s => s.Name == name))
        {
            _d.Error(block.Arguments[0].Location, $"{who}vrrp_sync_group already defined, ignoring this one");
            return;
        }

        var group = new SyncGroup(name, [], NotifyScripts.None, null, [], [], [], false, block.Location);
        var unused = new List<ConfStatement>();
        foreach (var st in Block(block, who))
        {
            switch (st.Name)
            {
                case "group":
                    foreach (var member in Block(st, who).SelectMany(line => line.Arguments.Prepend(line.Keyword)))
                    {
                        _memberAt.TryAdd((name, member.Text), member.Location);
                        group = group with { Group = [.. group.Group, member.Text] };
                    }

                    break;
                case "notify_master" or "notify_backup" or "notify_fault" or "notify_stop" or "notify_deleted" or "notify":
                    group = group with { Notify = Notify(group.Notify, st, who) };
                    break;
                case "smtp_alert":
                    group = group with { SmtpAlert = Bool(st, who) };
                    break;
                case "track_interface":
                    group = group with { TrackInterface = [.. group.TrackInterface, .. TrackInterfaces(st, who, name)] };
                    break;
                case "track_script":
                    group = group with { TrackScript = [.. group.TrackScript, .. TrackScripts(st, who, name)] };
                    break;
                case "track_file":
                    group = group with { TrackFile = [.. group.TrackFile, .. TrackFiles(st, who, name)] };
                    break;
                case "sync_group_tracking_weight":
                    group = group with { SyncGroupTrackingWeight = Flag(st, who) };
                    break;
                case "global_tracking":
                    _d.Warning(st.Location, $"{who}global_tracking is deprecated, use track_interface, track_script and track_file on the sync group");
                    break;
                default:
                    Other(st, Keywords.SyncGroup, unused);
                    break;
            }
        }

        ReportUnused(who, unused);
        _syncGroups.Add(group);
    }
}
