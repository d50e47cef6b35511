using System.Net.Sockets;
using ActorHa.Config.Diagnostics;
using ActorHa.Config.Model;

namespace ActorHa.Config.Binding;

/// <summary>
/// Cross-references, checked once every block is read (keepalived too resolves them after parsing): tracked
/// scripts, sync-group members, VRID and VIP clashes, and interface names when the host supplied them.
/// </summary>
internal sealed partial class Binder
{
    private void CheckCrossReferences()
    {
        CheckTrackedScripts();
        CheckSyncGroups();
        CheckVrids();
        CheckSharedVips();
        CheckVirtualServerGroups();
        CheckLvsSyncDaemon();
        CheckInterfaces();
        CheckScriptSecurity();
        ApplyGroupTracking();
    }

    private void CheckTrackedScripts()
    {
        var names = _scripts.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        List<TrackedScript> Known(string owner, IReadOnlyList<TrackedScript> tracked)
        {
            var kept = new List<TrackedScript>(tracked.Count);
            foreach (var t in tracked)
            {
                if (names.Contains(t.Name))
                {
                    kept.Add(t);
                }
                else
                {
                    _d.Error(_trackScriptAt[(owner, t.Name)], $"({owner}) track_script {t.Name} is not a vrrp_script, ignoring it");
                }
            }

            return kept;
        }

        for (var k = 0; k < _instances.Count; k++)
        {
            _instances[k] = _instances[k] with { TrackScript = Known(_instances[k].Name, _instances[k].TrackScript) };
        }

        for (var k = 0; k < _syncGroups.Count; k++)
        {
            _syncGroups[k] = _syncGroups[k] with { TrackScript = Known(_syncGroups[k].Name, _syncGroups[k].TrackScript) };
        }

        var files = _trackFiles.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        List<TrackedFile> KnownFiles(string owner, IReadOnlyList<TrackedFile> tracked)
        {
            var kept = new List<TrackedFile>(tracked.Count);
            foreach (var t in tracked)
            {
                if (files.Contains(t.Name))
                {
                    kept.Add(t);
                }
                else
                {
                    _d.Error(_trackFileAt[(owner, t.Name)], $"({owner}) track_file {t.Name} is not a track_file, ignoring it");
                }
            }

            return kept;
        }

        for (var k = 0; k < _instances.Count; k++)
        {
            _instances[k] = _instances[k] with { TrackFile = KnownFiles(_instances[k].Name, _instances[k].TrackFile) };
        }

        for (var k = 0; k < _syncGroups.Count; k++)
        {
            _syncGroups[k] = _syncGroups[k] with { TrackFile = KnownFiles(_syncGroups[k].Name, _syncGroups[k].TrackFile) };
        }
    }

    /// <summary>
    /// keepalived: a sync group's track_interface, track_script and track_file "update the status/priority of all
    /// VRRP instances which are members of the sync group". Each member gets the group's entries (its own entry of
    /// the same name stays in force); the group's weights apply alike to every member, so they are kept. Done last,
    /// so that the members' checks above report what was written in each block, once.
    /// </summary>
    private void ApplyGroupTracking()
    {
        foreach (var group in _syncGroups)
        {
            if (group.TrackScript.Count + group.TrackInterface.Count + group.TrackFile.Count == 0)
            {
                continue;
            }

            foreach (var member in group.Group)
            {
                var index = _instances.FindIndex(i => i.Name == member);
                var i = _instances[index];
                _instances[index] = i with
                {
                    TrackScript = [.. i.TrackScript, .. group.TrackScript.Where(t => !i.TrackScript.Any(o => o.Name == t.Name))],
                    TrackInterface = [.. i.TrackInterface, .. group.TrackInterface.Where(t => t.Name != i.Interface && !i.TrackInterface.Any(o => o.Name == t.Name))],
                    TrackFile = [.. i.TrackFile, .. group.TrackFile.Where(t => !i.TrackFile.Any(o => o.Name == t.Name))],
                };
            }
        }
    }

    /// <summary>Members must exist and belong to one group only; keepalived keeps the first group that names them.</summary>
    private void CheckSyncGroups()
    {
        var instances = _instances.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var owner = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var k = 0; k < _syncGroups.Count; k++)
        {
            var group = _syncGroups[k];
            var who = $"({group.Name}) ";
            var members = new List<string>();
            foreach (var member in group.Group)
            {
                var at = _memberAt[(group.Name, member)];
                if (!instances.Contains(member))
                {
                    _d.Error(at, $"{who}vrrp_instance {member} does not exist, ignoring it");
                }
                else if (owner.TryGetValue(member, out var first))
                {
                    _d.Error(at, first == group.Name
                        ? $"{who}{member} is listed twice, ignoring the second"
                        : $"{who}{member} is already in sync group {first}, ignoring it here");
                }
                else
                {
                    owner[member] = group.Name;
                    members.Add(member);
                }
            }

            if (!group.SyncGroupTrackingWeight)
            {
                foreach (var member in members)
                {
                    var index = _instances.FindIndex(i => i.Name == member);
                    _instances[index] = WithoutTrackingWeights(_instances[index], group.Name);
                }
            }

            if (members.Count == 1)
            {
                _d.Warning(group.Location, $"{who}sync group has only 1 member, which is probably not what you want");
            }

            _syncGroups[k] = group with { Group = members };
        }
    }

    /// <summary>
    /// A sync group moves its members together, so keepalived ignores their tracking weights: a failing tracked
    /// script or interface then faults the group instead of lowering one member's priority.
    /// </summary>
    private VrrpInstance WithoutTrackingWeights(VrrpInstance i, string group)
    {
        var who = $"({i.Name}) ";
        var weights = _scripts.ToDictionary(s => s.Name, s => s.Weight, StringComparer.Ordinal);
        var scripts = i.TrackScript.Select(t =>
        {
            if ((t.Weight ?? weights.GetValueOrDefault(t.Name)) == 0)
            {
                return t;
            }

            _d.Warning(_trackScriptAt[(i.Name, t.Name)], $"{who}track_script {t.Name} weight ignored in sync group {group} (a failure faults the group)");
            return t with { Weight = 0 };
        }).ToList();
        var interfaces = i.TrackInterface.Select(t =>
        {
            if (t.Weight == 0)
            {
                return t;
            }

            _d.Warning(_trackInterfaceAt[(i.Name, t.Name)], $"{who}track_interface {t.Name} weight ignored in sync group {group} (a failure faults the group)");
            return t with { Weight = 0 };
        }).ToList();
        var fileWeights = _trackFiles.ToDictionary(f => f.Name, f => f.Weight, StringComparer.Ordinal);
        var files = i.TrackFile.Select(t =>
        {
            if ((t.Weight ?? fileWeights.GetValueOrDefault(t.Name)) == 0)
            {
                return t;
            }

            _d.Warning(_trackFileAt[(i.Name, t.Name)], $"{who}track_file {t.Name} weight ignored in sync group {group} (a failure faults the group)");
            return t with { Weight = 0 };
        }).ToList();
        return i with { TrackScript = scripts, TrackInterface = interfaces, TrackFile = files };
    }

    /// <summary>
    /// RFC 5798 section 7.3: a VRID identifies one virtual router on a LAN. Two multicast instances on the same
    /// interface and family with one VRID would answer each other's adverts. Unicast instances talk to their own
    /// peers, so keepalived allows them to share a VRID, and so does ActorHa.
    /// </summary>
    private void CheckVrids()
    {
        var seen = new Dictionary<(string? Interface, AddressFamily Family, int Vrid), string>();
        foreach (var i in _instances)
        {
            if (i.VirtualRouterId == 0 || i.IsUnicast)
            {
                continue;
            }

            var key = (i.Interface, i.Family, i.VirtualRouterId);
            if (seen.TryGetValue(key, out var first))
            {
                _d.Error(_vridAt[i.Name],
                    $"({i.Name}) virtual_router_id {i.VirtualRouterId} is already used by {first} on {i.Interface ?? "the default interface"} ({FamilyName(i.Family)})");
            }
            else
            {
                seen[key] = i.Name;
            }
        }
    }

    /// <summary>keepalived accepts one address in two instances, but whichever becomes master last takes it over.</summary>
    private void CheckSharedVips()
    {
        var owners = new Dictionary<System.Net.IPAddress, string>();
        foreach (var i in _instances)
        {
            foreach (var vip in i.VirtualIpaddress.Concat(i.VirtualIpaddressExcluded))
            {
                if (owners.TryGetValue(vip.Address.Address, out var first))
                {
                    if (first != i.Name)
                    {
                        _d.Warning(vip.Location, $"({i.Name}) virtual_ipaddress {vip.Address.Address} is also in {first}");
                    }
                }
                else
                {
                    owners[vip.Address.Address] = i.Name;
                }
            }
        }
    }

    private void CheckVirtualServerGroups()
    {
        var groups = _vsGroups.Select(g => g.Name).ToHashSet(StringComparer.Ordinal);
        _virtualServers.RemoveAll(vs =>
        {
            if (vs.Group is null || groups.Contains(vs.Group))
            {
                return false;
            }

            _d.Error(vs.Location, $"(group {vs.Group}) virtual_server_group {vs.Group} does not exist, ignoring the virtual_server");
            return true;
        });
    }

    private void CheckLvsSyncDaemon()
    {
        if (_global.LvsSyncDaemon?.VrrpInstance is { } name && !_instances.Exists(i => i.Name == name))
        {
            _d.Error(_global.Location, $"lvs_sync_daemon: vrrp_instance {name} does not exist");
        }
    }

    /// <summary>Only when the node told us its interfaces; keepalived warns and runs on, the interface may appear later.</summary>
    private void CheckInterfaces()
    {
        if (_options.KnownInterfaces is not { } known)
        {
            return;
        }

        void Check(string? name, SourceLocation at, string what)
        {
            if (name is not null && !known.Contains(name))
            {
                _d.Warning(at, $"{what} {name} does not exist on this host");
            }
        }

        foreach (var i in _instances)
        {
            var who = $"({i.Name}) ";
            Check(i.Interface, i.Location, $"{who}interface");
            foreach (var t in i.TrackInterface)
            {
                Check(t.Name, _trackInterfaceAt[(i.Name, t.Name)], $"{who}track_interface");
            }

            foreach (var a in i.VirtualIpaddress.Concat(i.VirtualIpaddressExcluded))
            {
                Check(a.Device, a.Location, $"{who}virtual_ipaddress {a.Address.Address} dev");
            }

            foreach (var r in i.VirtualRoutes)
            {
                Check(r.Device, r.Location, $"{who}virtual_routes {r.Destination} dev");
            }
        }

        foreach (var g in _syncGroups)
        {
            foreach (var t in g.TrackInterface)
            {
                Check(t.Name, _trackInterfaceAt[(g.Name, t.Name)], $"({g.Name}) track_interface");
            }
        }

        foreach (var a in _staticAddresses)
        {
            Check(a.Device, a.Location, $"static_ipaddress {a.Address.Address} dev");
        }

        foreach (var r in _staticRoutes)
        {
            Check(r.Device, r.Location, $"static_routes {r.Destination} dev");
        }
    }

    /// <summary>keepalived refuses to run scripts as root silently: it wants enable_script_security and a script_user.</summary>
    private void CheckScriptSecurity()
    {
        if (_scriptsUsedAt.Count > 0 && !_global.EnableScriptSecurity)
        {
            _d.Warning(_scriptsUsedAt[0], "scripts are configured but enable_script_security is not set in global_defs");
        }
    }
}
