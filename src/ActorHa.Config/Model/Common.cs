using System.Net;
using System.Net.Sockets;

namespace ActorHa.Config.Model;

/// <summary>An address with its prefix length, as <c>ip addr</c> writes it: <c>192.0.2.1/24</c>.</summary>
public sealed record IpPrefix(IPAddress Address, int PrefixLength)
{
    public AddressFamily Family => Address.AddressFamily;

    public override string ToString() => $"{Address}/{PrefixLength}";
}

/// <summary>
/// A script keepalived runs on an event (notify_master, notify_up, quorum_up ...): the command line as written,
/// and the optional <c>username [groupname]</c> that follow it.
/// </summary>
public sealed record NotifyScript(string Command, string? User = null, string? Group = null);

/// <summary>The notify scripts shared by vrrp_instance and vrrp_sync_group.</summary>
public sealed record NotifyScripts(
    NotifyScript? Master = null,
    NotifyScript? Backup = null,
    NotifyScript? Fault = null,
    NotifyScript? Stop = null,
    NotifyScript? Deleted = null,
    NotifyScript? MasterRxLowerPri = null,
    NotifyScript? Notify = null)
{
    public static readonly NotifyScripts None = new();
}

/// <summary>
/// <c>track_interface</c>: an unweighted interface faults the instance when down; a weighted one moves its priority.
/// </summary>
public sealed record TrackedInterface(string Name, int Weight, bool Reverse);

/// <summary><c>track_script</c>: a null <see cref="Weight"/> means "use the vrrp_script's own weight".</summary>
public sealed record TrackedScript(string Name, int? Weight, bool Reverse);

/// <summary>
/// <c>track_file</c> in an instance or sync group: the file's number times the weight is added to the priority; a null
/// <see cref="Weight"/> means "use the track_file block's own weight".
/// </summary>
public sealed record TrackedFile(string Name, int? Weight, bool Reverse);
