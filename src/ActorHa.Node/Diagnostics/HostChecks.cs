using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.Json;
using ActorHa.Config.Model;

namespace ActorHa.Node.Diagnostics;

/// <summary>An interface as the doctor needs it: flags from /sys/class/net/NAME/flags and its addresses.</summary>
internal sealed record InterfaceFacts(string Name, bool Up, bool Running, bool Multicast, IReadOnlyList<(IPAddress Address, int PrefixLength)> Addresses);

/// <summary>What the doctor reads from the host; an interface so the checks run on made-up hosts in unit tests.</summary>
internal interface IHostProbe
{
    /// <summary>A sysctl as in /proc/sys, e.g. ("net/ipv4/conf/eth0", "rp_filter"); null when it does not exist.</summary>
    string? Sysctl(string directory, string name);

    /// <summary>Null when there is no such interface in this network namespace.</summary>
    InterfaceFacts? Interface(string name);

    IReadOnlyList<InterfaceFacts> Interfaces();

    /// <summary>The interface the kernel routes <paramref name="address"/> through (ip route get), or null.</summary>
    string? RouteDevice(IPAddress address);
}

/// <summary>The live host (the current network namespace).</summary>
internal sealed class LiveHostProbe : IHostProbe
{
    private const int IffUp = 0x1;
    private const int IffRunning = 0x40;
    private const int IffMulticast = 0x1000;

    public string? Sysctl(string directory, string name)
    {
        var path = Path.Combine("/proc/sys", directory, name);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }

    public InterfaceFacts? Interface(string name)
    {
        var flagsPath = Path.Combine("/sys/class/net", name, "flags");
        if (name.Contains('/', StringComparison.Ordinal) || !File.Exists(flagsPath))
        {
            return null;
        }

        var flags = Convert.ToInt32(File.ReadAllText(flagsPath).Trim(), 16);
        var nic = NetworkInterface.GetAllNetworkInterfaces().FirstOrDefault(n => n.Name == name);
        var addresses = nic?.GetIPProperties().UnicastAddresses.Select(u => (u.Address, u.PrefixLength)).ToList() ?? [];
        return new InterfaceFacts(name, (flags & IffUp) != 0, (flags & IffRunning) != 0, (flags & IffMulticast) != 0, addresses);
    }

    public IReadOnlyList<InterfaceFacts> Interfaces() =>
        Directory.Exists("/sys/class/net")
            ? Directory.GetDirectories("/sys/class/net").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)
                .Select(Interface).OfType<InterfaceFacts>().ToList()
            : [];

    public string? RouteDevice(IPAddress address)
    {
        var (exit, output) = Tool.Run("ip", ["-j", "route", "get", address.ToString()]);
        if (exit != 0)
        {
            return null;
        }

        using var json = JsonDocument.Parse(output);
        return json.RootElement.GetArrayLength() > 0 && json.RootElement[0].TryGetProperty("dev", out var dev) ? dev.GetString() : null;
    }
}

/// <summary>Runs a tool and returns its exit code and standard output; exit -1 when it is not installed.</summary>
internal static class Tool
{
    public static (int Exit, string Output) Run(string file, IReadOnlyList<string> args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        try
        {
            using var p = Process.Start(psi);
            if (p is null)
            {
                return (-1, "");
            }

            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                p.Kill(entireProcessTree: true);
                return (-1, "");
            }

            return (p.ExitCode, p.ExitCode == 0 ? stdout.Result : stderr.Result);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (-1, "");
        }
    }
}

/// <summary>
/// The doctor's host checks: interfaces the configuration names, and the sysctls that quietly break VRRP or VIPs.
/// Each finding says why it matters here (the configuration decides whether a value hurts) and how to fix it.
/// </summary>
internal static class HostChecks
{
    /// <summary>Interfaces the configured instances use: each must exist, be up (and running) and, for multicast, have IFF_MULTICAST.</summary>
    public static IEnumerable<Finding> Interfaces(KeepalivedConfig config, IHostProbe host)
    {
        foreach (var group in config.VrrpInstances.Where(i => i.Interface is not null).GroupBy(i => i.Interface!))
        {
            var names = string.Join(',', group.Select(i => i.Name));
            var facts = host.Interface(group.Key);
            if (facts is null)
            {
                yield return new Finding(Severity.Error, "interface", $"{group.Key} (used by {names}) does not exist in this network namespace",
                    $"no /sys/class/net/{group.Key}", $"fix the interface name in the configuration (`ip -br link` lists the interfaces)");
                continue;
            }

            if (!facts.Up)
            {
                yield return new Finding(Severity.Error, "interface", $"{group.Key} (used by {names}) is down: its instances stay in FAULT",
                    $"IFF_UP not set in /sys/class/net/{group.Key}/flags", $"ip link set {group.Key} up");
            }
            else if (!facts.Running)
            {
                yield return new Finding(Severity.Warning, "interface", $"{group.Key} (used by {names}) is up but has no carrier (not RUNNING): its instances stay in FAULT",
                    $"IFF_RUNNING not set in /sys/class/net/{group.Key}/flags", $"check the cable / the other end of {group.Key}");
            }

            var multicast = group.Where(i => !i.IsUnicast).Select(i => i.Name).ToList();
            if (!facts.Multicast && multicast.Count > 0)
            {
                yield return new Finding(Severity.Error, "interface", $"{group.Key} has no IFF_MULTICAST: {string.Join(',', multicast)} cannot send or receive adverts to 224.0.0.18 / ff02::12",
                    $"IFF_MULTICAST not set in /sys/class/net/{group.Key}/flags", $"ip link set {group.Key} multicast on   (or use unicast_peer)");
            }

            if (group.Any(i => i.Family == AddressFamily.InterNetworkV6)
                && (host.Sysctl($"net/ipv6/conf/{group.Key}", "disable_ipv6") == "1" || host.Sysctl("net/ipv6/conf/all", "disable_ipv6") == "1"))
            {
                yield return new Finding(Severity.Error, "sysctl", $"IPv6 is disabled on {group.Key}, which has IPv6 instances ({names})",
                    $"net.ipv6.conf.{group.Key}.disable_ipv6 = 1", $"sysctl -w net.ipv6.conf.{group.Key}.disable_ipv6=0");
            }
        }
    }

    /// <summary>
    /// rp_filter: the kernel uses the larger of conf.all and conf.IFACE (ip-sysctl.rst). Strict mode (1) drops a packet
    /// whose source is not routed back out of the interface it came in on. It hurts VRRP when an instance uses use_vmac
    /// (adverts and VIP traffic arrive on the macvlan, whose routes point at the base interface: keepalived and ActorHa
    /// set the macvlan's rp_filter to 0, which conf.all = 1 overrides) and when a unicast peer is routed through another
    /// interface. On a plain interface whose peers are on-link it is harmless, and not reported.
    /// </summary>
    public static IEnumerable<Finding> ReversePathFilter(KeepalivedConfig config, IHostProbe host)
    {
        var all = Int(host.Sysctl("net/ipv4/conf/all", "rp_filter"));
        foreach (var group in config.VrrpInstances.Where(i => i.Interface is not null && i.Family == AddressFamily.InterNetwork).GroupBy(i => i.Interface!))
        {
            var own = Int(host.Sysctl($"net/ipv4/conf/{group.Key}", "rp_filter"));
            var effective = Math.Max(all, own);
            var vmac = group.Where(i => i.UseVmac is not null).Select(i => i.Name).ToList();
            if (vmac.Count > 0 && all == 1)
            {
                yield return new Finding(Severity.Error, "sysctl",
                    $"net.ipv4.conf.all.rp_filter = 1 (strict) overrides the rp_filter 0 that use_vmac sets on the macvlan of {string.Join(',', vmac)}: adverts and VIP traffic arriving on it are dropped",
                    $"net.ipv4.conf.all.rp_filter = {all}, net.ipv4.conf.{group.Key}.rp_filter = {own} (the kernel uses the larger)",
                    "sysctl -w net.ipv4.conf.all.rp_filter=2   (loose; or 0)");
            }

            if (effective != 1)
            {
                continue;
            }

            foreach (var instance in group)
            {
                foreach (var peer in instance.UnicastPeer)
                {
                    var device = host.RouteDevice(peer.Address);
                    if (device is not null && device != group.Key)
                    {
                        yield return new Finding(Severity.Error, "sysctl",
                            $"strict rp_filter on {group.Key} drops the adverts of {instance.Name}'s unicast_peer {peer.Address}: the route back to it leaves through {device}",
                            $"net.ipv4.conf.{group.Key}.rp_filter = {own}, net.ipv4.conf.all.rp_filter = {all}; ip route get {peer.Address}: dev {device}",
                            $"sysctl -w net.ipv4.conf.{group.Key}.rp_filter=2 && sysctl -w net.ipv4.conf.all.rp_filter={Math.Min(all, 2)}   (loose), or route {peer.Address} through {group.Key}");
                    }
                }
            }
        }
    }

    /// <summary>
    /// arp_ignore (the larger of conf.all and conf.IFACE): 8 answers no ARP request at all, so clients never learn the
    /// VIP's MAC; 2 answers only for addresses in a subnet of the receiving interface, so a VIP outside the interface's
    /// subnets (a /32 from another range) is unreachable. 0 and 1 are fine for VIPs on the interface itself.
    /// </summary>
    public static IEnumerable<Finding> Arp(KeepalivedConfig config, IHostProbe host)
    {
        var all = Int(host.Sysctl("net/ipv4/conf/all", "arp_ignore"));
        foreach (var group in config.VrrpInstances.Where(i => i.Interface is not null && i.Family == AddressFamily.InterNetwork).GroupBy(i => i.Interface!))
        {
            var own = Int(host.Sysctl($"net/ipv4/conf/{group.Key}", "arp_ignore"));
            var effective = Math.Max(all, own);
            var evidence = $"net.ipv4.conf.all.arp_ignore = {all}, net.ipv4.conf.{group.Key}.arp_ignore = {own} (the kernel uses the larger)";
            var fix = $"sysctl -w net.ipv4.conf.all.arp_ignore=0 && sysctl -w net.ipv4.conf.{group.Key}.arp_ignore=1";
            if (effective == 8)
            {
                yield return new Finding(Severity.Error, "sysctl", $"arp_ignore 8 on {group.Key}: this host answers no ARP request, clients cannot reach the VIPs of {string.Join(',', group.Select(i => i.Name))}", evidence, fix);
                continue;
            }

            if (effective is 2 or 3)
            {
                var subnets = host.Interface(group.Key)?.Addresses.Where(a => a.Address.AddressFamily == AddressFamily.InterNetwork).ToList() ?? [];
                var outside = group.SelectMany(i => i.VirtualIpaddress.Where(v => (v.Device ?? group.Key) == group.Key).Select(v => v.Address.Address))
                    .Where(vip => !subnets.Any(s => !s.Address.Equals(vip) && FirewallRuleset.InPrefix(vip, s.Address, s.PrefixLength)))
                    .ToList();
                if (outside.Count > 0)
                {
                    yield return new Finding(Severity.Warning, "sysctl",
                        $"arp_ignore {effective} on {group.Key} answers ARP only for addresses in the interface's own subnets; VIP(s) {string.Join(',', outside)} are outside them and get no ARP reply from this host",
                        evidence, fix);
                }
            }
        }
    }

    /// <summary>ip_nonlocal_bind: a service on this host that binds a VIP (haproxy, nginx) fails to start while the VIP is on the other host.</summary>
    public static IEnumerable<Finding> NonlocalBind(KeepalivedConfig config, IHostProbe host)
    {
        foreach (var (family, sysctl) in new[] { (AddressFamily.InterNetwork, "net/ipv4"), (AddressFamily.InterNetworkV6, "net/ipv6") })
        {
            var vips = config.VrrpInstances.Where(i => i.Family == family).SelectMany(i => i.VirtualIpaddress).Select(v => v.Address.Address).ToList();
            if (vips.Count > 0 && host.Sysctl(sysctl, "ip_nonlocal_bind") == "0")
            {
                var name = sysctl.Replace('/', '.') + ".ip_nonlocal_bind";
                yield return new Finding(Severity.Info, "sysctl",
                    $"{name} = 0: a service here that binds a VIP ({string.Join(',', vips.Take(3))}{(vips.Count > 3 ? ", ..." : "")}) cannot start while this host is BACKUP (not needed for LVS/IPVS)",
                    $"{name} = 0", $"sysctl -w {name}=1");
            }
        }
    }

    private static int Int(string? value) => int.TryParse(value, CultureInfo.InvariantCulture, out var n) ? n : 0;
}
