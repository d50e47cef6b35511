namespace ActorHa.Node.Diagnostics;

/// <summary>
/// The runtime's garbage-collection count and total pause at one moment; the difference of two marks says whether a
/// collection ran between them (a takeover's last milliseconds: a gen0 collection stops every thread of the node,
/// the event loop included, for as long as it takes).
/// </summary>
internal readonly record struct GcMark(int Collections, TimeSpan Paused)
{
    /// <summary>Now. Gen0's count includes every collection: a gen1 or gen2 one collects gen0 too.</summary>
    public static GcMark Now() => new(GC.CollectionCount(0), GC.GetTotalPauseDuration());

    /// <summary>What ran from <paramref name="start"/> to this mark.</summary>
    public GcMark Since(GcMark start) => new(Collections - start.Collections, Paused - start.Paused);
}
