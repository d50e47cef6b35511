using System.Globalization;
using ActorHa.Config.Model;
using Akka.Actor;
using Akka.Event;

namespace ActorHa.Node.Actors;

/// <summary>
/// /track-files/&lt;name&gt;: one track_file block. Reads the number in the file when inotify says it changed
/// (FileSystemWatcher on its folder) and, as a fallback for what inotify misses (a folder that did not exist yet,
/// a bind mount, an overflowed queue), every <see cref="Settings.Reread"/>; tells its subscribers (the instances that
/// track it) each new value. A missing or unreadable file, or one with no number at its start, counts as 0, as
/// keepalived treats a file that has disappeared. init_file writes the value at start-up.
/// </summary>
internal sealed class TrackFileActor : ReceiveActor, IWithTimers
{
    public sealed record Settings(VrrpTrackFile File, TimeSpan Reread)
    {
        public static readonly TimeSpan DefaultReread = TimeSpan.FromSeconds(1);
    }

    /// <summary>Subscribe to the file's value; the subscriber gets the current value at once.</summary>
    public sealed record Subscribe(IActorRef Subscriber);

    public sealed record Unsubscribe(IActorRef Subscriber);

    /// <summary>The file's value and the block's own weight (a track_file entry may override it).</summary>
    public sealed record State(string TrackFile, long Value, int Weight, bool WeightReverse);

    /// <summary>A reload changed the track_file block; subscribers stay.</summary>
    public sealed record Reconfigure(VrrpTrackFile File);

    /// <summary>The watcher saw the file change.</summary>
    private sealed record Changed
    {
        public static readonly Changed Instance = new();

        private Changed()
        {
        }
    }

    /// <summary>Read the file now: a settled change, or the fallback timer.</summary>
    private sealed record Reread
    {
        public static readonly Reread Instance = new();

        private Reread()
        {
        }
    }

    /// <summary>
    /// `echo 5 &gt; f` truncates, then writes: reading on the first event could see the empty file in between. A read
    /// waits this long after the last event of a burst.
    /// </summary>
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(5);

    /// <summary>A file is read to its first 127 bytes: a number, not a document.</summary>
    private const int ReadLimit = 127;

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly HashSet<IActorRef> _subscribers = [];
    private readonly TimeSpan _reread;
    private VrrpTrackFile _file;
    private FileSystemWatcher? _watcher;
    private long _value;
    private string? _problem;
    private long _reads;
    private bool _restarted;

    public TrackFileActor(Settings settings)
    {
        _file = settings.File;
        _reread = settings.Reread;
        Receive<Subscribe>(s =>
        {
            _subscribers.Add(s.Subscriber);
            Context.Watch(s.Subscriber);
            s.Subscriber.Tell(CurrentState());
        });
        Receive<Unsubscribe>(u => _subscribers.Remove(u.Subscriber));
        Receive<Terminated>(t => _subscribers.Remove(t.ActorRef));
        Receive<Changed>(_ => Timers.StartSingleTimer(nameof(Changed), Reread.Instance, Settle));
        Receive<Reread>(_ => Read(publishAlways: false));
        Receive<Reconfigure>(r =>
        {
            var moved = r.File.File != _file.File;
            _file = r.File;
            if (moved)
            {
                Watch();
            }

            Read(publishAlways: true);
        });
        Receive<ActorTree.DescribeTree>(_ => ActorTree.Reply(Context, string.Create(
            CultureInfo.InvariantCulture,
            $"{_file.File} = {_value}, weight {_file.Weight}{(_file.WeightReverse ? " reverse" : "")}, {(_watcher is null ? "polled" : "watched")}, {_reads} read(s), {_subscribers.Count} tracker(s){(_problem is null ? "" : ", " + _problem)}")));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(Settings settings) => Akka.Actor.Props.Create(() => new TrackFileActor(settings));

    protected override void PreStart()
    {
        if (!_restarted)
        {
            InitFile();
        }

        Watch();
        Read(publishAlways: false);
        Timers.StartPeriodicTimer(nameof(Reread), Reread.Instance, _reread);
    }

    protected override void PostStop() => _watcher?.Dispose();

    /// <summary>
    /// A restart (a handler threw) keeps the file as the last reload left it and the trackers (sent to the successor
    /// through the mailbox), and does not apply init_file again: with overwrite it would undo what was written since.
    /// </summary>
    protected override void PreRestart(Exception reason, object message)
    {
        Self.Tell(new Reconfigure(_file));
        foreach (var subscriber in _subscribers)
        {
            Self.Tell(new Subscribe(subscriber));
        }

        base.PreRestart(reason, message);
    }

    protected override void PostRestart(Exception reason)
    {
        _restarted = true;
        base.PostRestart(reason);
    }

    private State CurrentState() => new(_file.Name, _value, _file.Weight, _file.WeightReverse);

    /// <summary>keepalived's init_file: write the value when the file is missing, or always with overwrite.</summary>
    private void InitFile()
    {
        if (_file.InitValue is not { } value || (File.Exists(_file.File) && !_file.InitOverwrite))
        {
            return;
        }

        try
        {
            File.WriteAllText(_file.File, value.ToString(CultureInfo.InvariantCulture) + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.Error("Track file {0}: cannot initialise {1}: {2}", _file.Name, _file.File, e.Message);
        }
    }

    /// <summary>
    /// Watches the file's folder (editors and `echo 1 &gt; f` replace or truncate the file; both show up there). Every
    /// event only asks for a read: the actor reads, the watcher's thread just tells.
    /// </summary>
    private void Watch()
    {
        _watcher?.Dispose();
        _watcher = null;
        var folder = Path.GetDirectoryName(Path.GetFullPath(_file.File));
        if (folder is null || !Directory.Exists(folder))
        {
            return;
        }

        var self = Self;
        var watcher = new FileSystemWatcher(folder, Path.GetFileName(_file.File))
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        FileSystemEventHandler changed = (_, _) => self.Tell(Changed.Instance);
        watcher.Changed += changed;
        watcher.Created += changed;
        watcher.Deleted += changed;
        watcher.Renamed += (_, _) => self.Tell(Changed.Instance);
        watcher.Error += (_, _) => self.Tell(Changed.Instance);
        watcher.EnableRaisingEvents = true;
        _watcher = watcher;
    }

    private void Read(bool publishAlways)
    {
        _reads++;
        if (_watcher is null && Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(_file.File))))
        {
            // The folder appeared since: from now on inotify reports changes and the timer only backs it up.
            Watch();
        }

        var (value, problem) = ReadValue(_file.File);
        if (problem != _problem)
        {
            if (problem is not null)
            {
                _log.Warning("Track file {0}: {1}, using value 0", _file.Name, problem);
            }

            _problem = problem;
        }

        if (value == _value && !publishAlways)
        {
            return;
        }

        _log.Info("Track file {0}: value {1} (was {2})", _file.Name, value, _value);
        _value = value;
        var state = CurrentState();
        foreach (var s in _subscribers)
        {
            s.Tell(state);
        }
    }

    /// <summary>The number at the start of the file (after blanks); 0, with the reason, when there is none.</summary>
    internal static (long Value, string? Problem) ReadValue(string path)
    {
        string text;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var buffer = new byte[ReadLimit];
            var length = stream.Read(buffer, 0, buffer.Length);
            text = System.Text.Encoding.ASCII.GetString(buffer, 0, length);
        }
        catch (FileNotFoundException)
        {
            return (0, $"{path} does not exist");
        }
        catch (DirectoryNotFoundException)
        {
            return (0, $"{path} does not exist");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (0, $"cannot read {path}: {e.Message}");
        }

        var span = text.AsSpan().TrimStart();
        var end = span.Length > 0 && span[0] is '-' or '+' ? 1 : 0;
        while (end < span.Length && char.IsAsciiDigit(span[end]))
        {
            end++;
        }

        if (long.TryParse(span[..end], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return (value, null);
        }

        return span.IsEmpty ? (0, null) : (0, $"{path} does not start with a number");
    }
}
