namespace ActorHa.Protocol.StateMachine;

/// <summary>One track_interface entry: <c>NAME [weight W [reverse]]</c>.</summary>
public sealed record TrackedLink(string Name, int Weight, bool Reverse);

/// <summary>
/// What the links an instance depends on add up to: its own interface faults it while down (unless
/// dont_track_primary, <paramref name="ownInterface"/> null), and each track_interface entry faults it or adds its
/// weight by keepalived's rule (<see cref="Tracking"/>). A link not reported yet counts neither way; a link that
/// does not exist is down. Pure: the actor feeds it link states and reads faults and the weight sum.
/// </summary>
public sealed class TrackingState
{
    private readonly string? _own;
    private readonly Dictionary<string, TrackedLink> _tracked = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _up = new(StringComparer.Ordinal);

    public TrackingState(string? ownInterface, IEnumerable<TrackedLink> tracked)
    {
        ArgumentNullException.ThrowIfNull(tracked);
        _own = ownInterface;
        foreach (var t in tracked)
        {
            // The binder keeps one entry per name; should two reach here, the first is the one in force.
            _tracked.TryAdd(t.Name, t);
        }
    }

    /// <summary>Every interface whose state matters: the own one first, then the tracked ones.</summary>
    public IEnumerable<string> Interfaces => (_own is null ? [] : new[] { _own }).Concat(_tracked.Keys.Where(n => n != _own));

    /// <summary>The source name under which a link's fault is raised and cleared.</summary>
    public static string Source(string name) => $"interface {name}";

    /// <summary>Records the link's state; false when it changed nothing (a name not tracked, or the same state).</summary>
    public bool Update(string name, bool up)
    {
        if (name != _own && !_tracked.ContainsKey(name))
        {
            return false;
        }

        if (_up.TryGetValue(name, out var was) && was == up)
        {
            return false;
        }

        _up[name] = up;
        return true;
    }

    /// <summary>The fault reason for <paramref name="name"/>, or null when it faults nothing now.</summary>
    public string? FaultOf(string name)
    {
        if (!_up.TryGetValue(name, out var up))
        {
            return null;
        }

        if (name == _own)
        {
            return up ? null : $"interface {name} down";
        }

        if (!_tracked.TryGetValue(name, out var t))
        {
            return null;
        }

        var (_, fault) = Tracking.Contribution(up, t.Weight, t.Reverse);
        return fault ? $"tracked interface {name} {(up ? "up" : "down")}" : null;
    }

    /// <summary>The sum of the weighted track_interface entries in force.</summary>
    public int Weight =>
        _tracked.Values
            .Where(t => _up.ContainsKey(t.Name))
            .Sum(t => Tracking.Contribution(_up[t.Name], t.Weight, t.Reverse).Weight);
}
