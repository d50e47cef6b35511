using ActorHa.Config.Model;

namespace ActorHa.Config.Tests.Binding;

/// <summary>Compiles configuration text as <c>k.conf</c> and renders diagnostics the way <c>actorha check</c> prints them.</summary>
internal static class Compile
{
    public static CompileResult Text(string text, IReadOnlySet<string>? interfaces = null) =>
        ConfigCompiler.CompileText(text, "k.conf", new ConfigCompileOptions(KnownInterfaces: interfaces));

    public static string[] Messages(this CompileResult result) => [.. result.Diagnostics.Select(d => d.ToString())];

    public static KeepalivedConfig Clean(string text)
    {
        var result = Text(text);
        Assert.Empty(result.Messages());
        return result.Config;
    }

    /// <summary>A minimal valid instance around the given lines, so a test shows only what it is about.</summary>
    public static string Instance(string lines, string name = "VI_1", int vrid = 51, string vip = "192.0.2.10/24", string iface = "eth0") =>
        $"vrrp_instance {name} {{\n  interface {iface}\n  virtual_router_id {vrid}\n{lines}\n  virtual_ipaddress {{\n    {vip}\n  }}\n}}\n";
}
