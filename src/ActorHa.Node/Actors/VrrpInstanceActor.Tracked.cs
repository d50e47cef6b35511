using Akka.Actor;

namespace ActorHa.Node.Actors;

/// <summary>
/// Tracked scripts and files are children of /user/node/scripts and /user/node/track-files, which create them from a
/// message, at start-up and on a reload that adds one, concurrently with this instance. A Subscribe therefore goes
/// through the container (<see cref="ActorContainer.Forward"/>): the container's mailbox runs the Create first, and
/// the child answers a Subscribe with its state at once. A selection straight to the child's path could arrive
/// before the child exists and be a dead letter (CI saw that: an instance never learnt its track_file's state).
/// </summary>
internal sealed partial class VrrpInstanceActor
{
    private const string ScriptsPath = "/user/node/scripts";
    private const string TrackFilesPath = "/user/node/track-files";

    private static void SubscribeTracked(IUntypedActorContext context, string container, string name, object subscribe) =>
        context.ActorSelection(container).Tell(new ActorContainer.Forward(ActorNames.Safe(name), subscribe));

    private void SubscribeScripts(IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            SubscribeTracked(Context, ScriptsPath, name, new TrackScriptActor.Subscribe(Self));
        }
    }

    private void SubscribeFiles(IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            SubscribeTracked(Context, TrackFilesPath, name, new TrackFileActor.Subscribe(Self));
        }
    }

    /// <summary>
    /// A reload changed track_script: scripts no longer tracked stop counting; the others are asked again (a Subscribe
    /// is answered with the state at once), so a weight changed in this instance's track_script applies now rather
    /// than at the script's next change of state.
    /// </summary>
    private void RetrackScripts(IReadOnlySet<string> old)
    {
        foreach (var gone in old.Except(_config.TrackScript.Select(t => t.Name)))
        {
            _scriptStates.Remove(gone);
            _scriptWeights.Remove(gone);
            OnFaultChanged(new FaultChanged($"script {gone}", null));
        }

        SubscribeScripts(_config.TrackScript.Select(t => t.Name));
    }
}
