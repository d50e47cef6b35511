using ActorHa.Config.Diagnostics;
using ActorHa.Config.Model;
using ActorHa.Config.Syntax;

namespace ActorHa.Config.Binding;

/// <summary>
/// What the binder may know about the host. <see cref="KnownInterfaces"/> is supplied by a node that has read its
/// links; without it, interface names cannot be checked at compile time and are not.
/// </summary>
public sealed record ConfigBindOptions(IReadOnlySet<string>? KnownInterfaces = null)
{
    public static readonly ConfigBindOptions Default = new();
}

/// <summary>
/// Syntax tree to <see cref="KeepalivedConfig"/>, with keepalived 2.2.7's semantics: defaults, ranges, fallbacks,
/// deprecations and cross-references. Every finding goes to the diagnostics; binding never stops at the first.
/// </summary>
public static class ConfigBinder
{
    public static KeepalivedConfig Bind(ConfDocument document, DiagnosticBag diagnostics, ConfigBindOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(diagnostics);
        return new Binder(diagnostics, options ?? ConfigBindOptions.Default).Bind(document);
    }
}
