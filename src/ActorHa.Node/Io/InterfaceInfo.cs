using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace ActorHa.Node.Io;

/// <summary>
/// What an instance needs to know about its interface: index, MAC, whether it is up, its primary IPv4 address
/// (first configured, as keepalived picks it) and its IPv6 link-local address (the source of VRRPv3 IPv6 adverts).
/// Read from the current network namespace.
/// </summary>
internal sealed record InterfaceInfo(string Name, int Index, bool Up, PhysicalAddress Mac, IPAddress? PrimaryIPv4, IPAddress? LinkLocalIPv6, IReadOnlyList<IPAddress> Addresses)
{
    public static InterfaceInfo? Find(string name)
    {
        var nic = NetworkInterface.GetAllNetworkInterfaces().FirstOrDefault(n => n.Name == name);
        if (nic is null)
        {
            return null;
        }

        var props = nic.GetIPProperties();
        var addresses = props.UnicastAddresses.Select(u => u.Address).ToList();
        var index = nic.Supports(NetworkInterfaceComponent.IPv4) ? props.GetIPv4Properties().Index : props.GetIPv6Properties().Index;
        return new InterfaceInfo(
            name,
            index,
            nic.OperationalStatus is OperationalStatus.Up or OperationalStatus.Unknown,
            nic.GetPhysicalAddress(),
            addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork),
            addresses.FirstOrDefault(a => a.IsIPv6LinkLocal),
            addresses);
    }
}
