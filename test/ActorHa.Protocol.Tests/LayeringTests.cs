namespace ActorHa.Protocol.Tests;

/// <summary>ActorHa.Protocol is pure: no Akka, no sockets, no clock (ARCHITECTURE.md).</summary>
public sealed class LayeringTests
{
    [Fact]
    public void Protocol_assembly_references_neither_Akka_nor_sockets()
    {
        var refs = typeof(VrrpConstants).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? "").ToList();
        Assert.DoesNotContain(refs, r => r.StartsWith("Akka", StringComparison.Ordinal));
        Assert.DoesNotContain(refs, r => r.StartsWith("System.Net.Sockets", StringComparison.Ordinal));
    }
}
