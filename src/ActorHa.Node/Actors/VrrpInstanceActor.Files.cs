using System.Globalization;
using ActorHa.Protocol.StateMachine;
using Akka.Actor;

namespace ActorHa.Node.Actors;

/// <summary>
/// The instance's track_file entries: each file's value comes from its /track-files actor; times the weight (the
/// entry's, else the block's) it moves the effective priority, and with weight 0 a non-zero value faults the
/// instance (<see cref="Tracking.FileContribution"/>).
/// </summary>
internal sealed partial class VrrpInstanceActor
{
    private readonly Dictionary<string, TrackFileActor.State> _fileStates = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _fileWeights = new(StringComparer.Ordinal);

    private static string FileSource(string name) => $"file {name}";

    private void OnFileState(TrackFileActor.State state)
    {
        var entry = _config.TrackFile.FirstOrDefault(t => t.Name == state.TrackFile);
        if (entry is null)
        {
            return;
        }

        _fileStates[state.TrackFile] = state;
        var weight = entry.Weight ?? state.Weight;
        var reverse = entry.Reverse || (entry.Weight is null && state.WeightReverse);
        var (adds, fault) = Tracking.FileContribution(state.Value, weight, reverse);
        _fileWeights[state.TrackFile] = adds;
        OnFaultChanged(new FaultChanged(
            FileSource(state.TrackFile),
            fault ? string.Create(CultureInfo.InvariantCulture, $"track_file {state.TrackFile} value {state.Value}") : null));
        var total = TrackingTotal();
        if (_state is not null && total != _state.TrackingWeight)
        {
            Handle(new PriorityChanged(total));
        }
    }

    /// <summary>A reload changed track_file: files no longer tracked stop counting, new ones are subscribed to.</summary>
    private void RetrackFiles(IReadOnlySet<string> old)
    {
        foreach (var gone in old.Except(_config.TrackFile.Select(t => t.Name)))
        {
            _fileStates.Remove(gone);
            _fileWeights.Remove(gone);
            OnFaultChanged(new FaultChanged(FileSource(gone), null));
        }

        // Kept files are asked again too: their entry's weight may have changed.
        SubscribeFiles(_config.TrackFile.Select(t => t.Name));
    }

    private string DescribeFiles() =>
        _fileStates.Count == 0
            ? ""
            : ", files: " + string.Join(" ", _fileStates.Values.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.TrackFile}={s.Value} ({_fileWeights.GetValueOrDefault(s.TrackFile):+0;-0;0})")));
}
