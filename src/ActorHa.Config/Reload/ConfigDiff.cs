using System.Net.Sockets;
using ActorHa.Config.Model;

namespace ActorHa.Config.Reload;

/// <summary>
/// Which VRRP router an instance is, across reloads: the same VRID on the same interface, address family and
/// transport (multicast or unicast) is the same router on the wire, whatever the block is called. Such an
/// instance keeps its state and timers on reload; anything else is a new router.
/// </summary>
public readonly record struct InstanceKey(int VirtualRouterId, AddressFamily Family, string Interface, bool Unicast)
{
    public static InstanceKey Of(VrrpInstance i) => new(i.VirtualRouterId, i.Family, i.Interface ?? "", i.IsUnicast);

    public override string ToString() =>
        $"VRID {VirtualRouterId} on {(Interface.Length == 0 ? "(default)" : Interface)} ({(Family == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4")}, {(Unicast ? "unicast" : "multicast")})";
}

/// <summary>An instance present before and after: <see cref="Old"/> is what runs, <see cref="New"/> what it becomes.</summary>
public sealed record KeptInstance(VrrpInstance Old, VrrpInstance New, string Group, bool Changed);

/// <summary>
/// What a reload does to the VRRP side: instances to keep (reconfigured in place when <see cref="KeptInstance.Changed"/>),
/// to start (as BACKUP), and to stop (priority 0, VIPs removed, notify). An instance whose sync group or VRRP
/// version changed is stopped and started again: a different group or version is a different coordination or
/// wire format, and the plan says so in <see cref="Restarted"/> so the node can log why.
/// </summary>
public sealed record ReloadPlan(
    IReadOnlyList<KeptInstance> Kept,
    IReadOnlyList<(VrrpInstance Instance, string Group)> Added,
    IReadOnlyList<(VrrpInstance Instance, string Group)> Removed,
    IReadOnlyList<string> Restarted,
    bool StaticChanged)
{
    public bool IsEmpty => Added.Count == 0 && Removed.Count == 0 && !Kept.Any(k => k.Changed) && !StaticChanged;

    public override string ToString() =>
        $"{Kept.Count(k => k.Changed)} instance(s) changed, {Kept.Count(k => !k.Changed)} unchanged, {Added.Count} added, {Removed.Count} removed";
}

/// <summary>Pure: the difference between the running configuration and a newly compiled one.</summary>
public static class ConfigDiff
{
    /// <summary>The group an instance runs under: its vrrp_sync_group, or an implicit group named after itself.</summary>
    public static string GroupOf(KeepalivedConfig config, VrrpInstance instance)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(instance);
        return config.SyncGroups.FirstOrDefault(g => g.Group.Contains(instance.Name, StringComparer.Ordinal))?.Name ?? instance.Name;
    }

    public static ReloadPlan Compute(KeepalivedConfig running, KeepalivedConfig next)
    {
        ArgumentNullException.ThrowIfNull(running);
        ArgumentNullException.ThrowIfNull(next);
        var oldByKey = running.VrrpInstances.ToDictionary(InstanceKey.Of);
        var newByKey = next.VrrpInstances.ToDictionary(InstanceKey.Of);
        var kept = new List<KeptInstance>();
        var added = new List<(VrrpInstance, string)>();
        var removed = new List<(VrrpInstance, string)>();
        var restarted = new List<string>();

        foreach (var (key, old) in oldByKey)
        {
            var oldGroup = GroupOf(running, old);
            if (!newByKey.TryGetValue(key, out var updated))
            {
                removed.Add((old, oldGroup));
                continue;
            }

            var newGroup = GroupOf(next, updated);
            var wasImplicit = IsImplicit(running, old);
            var isImplicit = IsImplicit(next, updated);
            // An implicit group is named after its instance, so renaming the instance is not a group change.
            var groupChanged = !(wasImplicit && isImplicit) && (wasImplicit != isImplicit || newGroup != oldGroup);
            if (groupChanged)
            {
                restarted.Add($"({updated.Name}) moves from group {oldGroup} to {newGroup}: restarting it");
                removed.Add((old, oldGroup));
                added.Add((updated, newGroup));
            }
            else if (old.Version != updated.Version)
            {
                restarted.Add($"({updated.Name}) changes from VRRPv{old.Version} to VRRPv{updated.Version}: restarting it");
                removed.Add((old, oldGroup));
                added.Add((updated, newGroup));
            }
            else
            {
                kept.Add(new KeptInstance(old, updated, oldGroup, !SameExceptLocations(old, updated)));
            }
        }

        foreach (var (key, instance) in newByKey)
        {
            if (!oldByKey.ContainsKey(key))
            {
                added.Add((instance, GroupOf(next, instance)));
            }
        }

        var staticChanged = !running.StaticAddresses.Select(Strip).SequenceEqual(next.StaticAddresses.Select(Strip))
            || !running.StaticRoutes.Select(Strip).SequenceEqual(next.StaticRoutes.Select(Strip));
        return new ReloadPlan(kept, added, removed, restarted, staticChanged);
    }

    private static bool IsImplicit(KeepalivedConfig config, VrrpInstance instance) =>
        !config.SyncGroups.Any(g => g.Group.Contains(instance.Name, StringComparer.Ordinal));

    /// <summary>Equal as configuration: where a block was written (file, line) is not a change.</summary>
    private static bool SameExceptLocations(VrrpInstance a, VrrpInstance b) =>
        Canonical(a) == Canonical(b);

    private static string Canonical(VrrpInstance i) =>
        System.Text.Json.JsonSerializer.Serialize(Strip(i), ConfigJson.Options);

    private static VrrpInstance Strip(VrrpInstance i) => i with
    {
        Location = Diagnostics.SourceLocation.None,
        VirtualIpaddress = i.VirtualIpaddress.Select(Strip).ToList(),
        VirtualIpaddressExcluded = i.VirtualIpaddressExcluded.Select(Strip).ToList(),
        VirtualRoutes = i.VirtualRoutes.Select(Strip).ToList(),
        VirtualRules = i.VirtualRules.Select(r => r with { Location = Diagnostics.SourceLocation.None }).ToList(),
    };

    private static AddressEntry Strip(AddressEntry a) => a with { Location = Diagnostics.SourceLocation.None };

    private static RouteEntry Strip(RouteEntry r) => r with { Location = Diagnostics.SourceLocation.None };

    /// <summary>
    /// What makes two virtual_servers the same for a reload: everything they say (real servers, checkers, and the
    /// virtual_server_group they name, expanded) except where it was written. Equal keys mean nothing to do.
    /// </summary>
    public static string VirtualServerKey(VirtualServer vs, KeepalivedConfig config)
    {
        ArgumentNullException.ThrowIfNull(vs);
        ArgumentNullException.ThrowIfNull(config);
        var node = new System.Text.Json.Nodes.JsonObject
        {
            ["server"] = System.Text.Json.JsonSerializer.SerializeToNode(vs, ConfigJson.Options),
            ["group"] = vs.Group is { } name
                ? System.Text.Json.JsonSerializer.SerializeToNode(config.VirtualServerGroups.FirstOrDefault(g => g.Name == name), ConfigJson.Options)
                : null,
        };
        StripLocations(node);
        return node.ToJsonString();
    }

    private static void StripLocations(System.Text.Json.Nodes.JsonNode? node)
    {
        switch (node)
        {
            case System.Text.Json.Nodes.JsonObject o:
                o.Remove("location");
                foreach (var (_, child) in o.ToList())
                {
                    StripLocations(child);
                }

                break;
            case System.Text.Json.Nodes.JsonArray a:
                foreach (var child in a)
                {
                    StripLocations(child);
                }

                break;
        }
    }
}
