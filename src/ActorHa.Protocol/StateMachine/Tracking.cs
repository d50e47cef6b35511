namespace ActorHa.Protocol.StateMachine;

/// <summary>
/// keepalived's tracking rule, the same for track_script, track_interface and track_file: a positive weight is
/// added to the priority while the tracked thing is up, a negative weight while it is down; <c>reverse</c> flips
/// the sign of the adjustment; weight 0 means "down is a fault" (with reverse: "up is a fault").
/// </summary>
public static class Tracking
{
    public static (int Weight, bool Fault) Contribution(bool up, int weight, bool reverse)
    {
        if (weight == 0)
        {
            return (0, reverse ? up : !up);
        }

        var applies = weight > 0 ? up : !up;
        var value = applies ? weight : 0;
        return (reverse ? -value : value, false);
    }

    /// <summary>
    /// keepalived.conf(5), "Track files": with weight 0 a non-zero value is a fault and 0 is OK; otherwise the value
    /// times the weight (negated by <c>reverse</c>) is added to the priority, and a result below -253 faults the
    /// instance. Above 253 it is capped there: the effective priority is clamped to 1..254 anyway. Computed in 128
    /// bits so that no value a file can hold overflows.
    /// </summary>
    public static (int Weight, bool Fault) FileContribution(long value, long weight, bool reverse)
    {
        if (weight == 0)
        {
            return (0, value != 0);
        }

        var product = (Int128)value * weight * (reverse ? -1 : 1);
        if (product < -MaxFileWeight)
        {
            return (0, true);
        }

        return ((int)Int128.Min(product, MaxFileWeight), false);
    }

    private const int MaxFileWeight = 253;
}
