namespace ActorHa.EndToEnd.Tests.Lab;

/// <summary>
/// Lab tests run one at a time: each builds its own namespaces (unique names, so they could run in parallel), but
/// failover timing on a 2-core machine is only meaningful when tests don't steal each other's CPU.
/// </summary>
[CollectionDefinition("lab", DisableParallelization = true)]
public sealed class LabCollection;
