namespace ActorHa.Protocol.Vrrp;

/// <summary>A VRRPv2 authentication setting: what an instance sends and what it expects to receive.</summary>
public readonly record struct VrrpAuth(VrrpAuthType Type, VrrpAuthData Data)
{
    public static VrrpAuth None => default;

    /// <summary>keepalived's <c>authentication { auth_type PASS; auth_pass ... }</c>.</summary>
    public static VrrpAuth SimpleText(string password) => new(VrrpAuthType.SimpleText, VrrpAuthData.FromPassword(password));
}
