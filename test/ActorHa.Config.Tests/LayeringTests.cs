using System.Reflection;

namespace ActorHa.Config.Tests;

/// <summary>ActorHa.Config is pure: no Akka, no sockets, no clock (ARCHITECTURE.md).</summary>
public sealed class LayeringTests
{
    [Fact]
    public void Config_assembly_references_neither_Akka_nor_networking()
    {
        var refs = typeof(Diagnostics.Diagnostic).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? "").ToList();
        Assert.DoesNotContain(refs, r => r.StartsWith("Akka", StringComparison.Ordinal));
        Assert.DoesNotContain(refs, r => r.StartsWith("System.Net.Sockets", StringComparison.Ordinal));
        Assert.DoesNotContain(refs, r => r.Equals("ActorHa.Protocol", StringComparison.Ordinal) || r.Equals("actorha", StringComparison.Ordinal));
    }
}
