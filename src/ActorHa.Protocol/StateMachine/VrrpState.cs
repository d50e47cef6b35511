namespace ActorHa.Protocol.StateMachine;

/// <summary>The states of RFC 5798 section 6.4, plus keepalived's FAULT and a terminal state after shutdown.</summary>
public enum VrrpState
{
    /// <summary>RFC 5798 6.4.1: waiting for the Startup event.</summary>
    Initialize,

    /// <summary>RFC 5798 6.4.2: monitoring the Master with the Master_Down_Timer.</summary>
    Backup,

    /// <summary>RFC 5798 6.4.3: forwarding for the virtual router, advertising every Advertisement_Interval.</summary>
    Master,

    /// <summary>keepalived's FAULT: a tracked interface, script or file failed; silent and deaf until it clears.</summary>
    Fault,

    /// <summary>After Shutdown; every further event is ignored.</summary>
    Stopped,
}
