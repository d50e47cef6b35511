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
}
