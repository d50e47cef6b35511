namespace ActorHa.Protocol.StateMachine;

/// <summary>Priority values of RFC 5798 5.2.4 and keepalived's tracking arithmetic.</summary>
public static class VrrpPriority
{
    /// <summary>The master is giving up (RFC 5798 5.2.4).</summary>
    public const byte Resign = 0;

    /// <summary>The lowest priority a backup can have.</summary>
    public const byte Minimum = 1;

    /// <summary>The highest priority a non-owner can have; tracking never lifts an instance above it.</summary>
    public const byte MaximumBackup = 254;

    /// <summary>The address owner (RFC 5798 5.2.4).</summary>
    public const byte Owner = 255;

    /// <summary>
    /// keepalived's effective priority: base priority plus the tracking weights, limited to 1..254.
    /// The owner's priority is never adjusted, so it stays 255 whatever the trackers say.
    /// </summary>
    public static byte Effective(byte basePriority, int trackingWeight) =>
        basePriority == Owner
            ? Owner
            : (byte)Math.Clamp((long)basePriority + trackingWeight, Minimum, MaximumBackup);
}
