using Akka.Actor;

namespace ActorHa.Node.Actors;

/// <summary>
/// Watches the folders of every file the configuration was read from (conf.d fragments included) and tells the
/// supervisor when one of them, or a new file next to them, changes. The supervisor debounces: an editor writing a
/// file in three steps is one reload. Watchers are rebuilt after each reload because includes can change.
/// </summary>
internal sealed class ConfigWatcher : IDisposable
{
    private readonly List<FileSystemWatcher> _watchers = [];

    private ConfigWatcher()
    {
    }

    /// <param name="readSince">When the configuration began to be read: a file written after that (between the read and
    /// this call, which can be seconds on a loaded host) would otherwise be missed, so it triggers a reload now.</param>
    public static ConfigWatcher Start(IEnumerable<string> files, IActorRef supervisor, DateTime? readSince = null)
    {
        var watcher = new ConfigWatcher();
        var list = files.Select(Path.GetFullPath).ToList();
        var read = new HashSet<string>(list, StringComparer.Ordinal);
        // The main file's folder is watched with its subfolders: a glob include such as conf.d/*.conf may match files
        // (or a folder) that do not exist yet.
        var main = list.Count > 0 ? Path.GetDirectoryName(list[0]) : null;
        foreach (var dir in read.Select(Path.GetDirectoryName).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            if (main is not null && dir != main && dir.StartsWith(main + "/", StringComparison.Ordinal))
            {
                continue;
            }

            if (!Directory.Exists(dir))
            {
                continue;
            }

            var w = new FileSystemWatcher(dir)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
                IncludeSubdirectories = dir == main,
            };
            void Changed(object _, FileSystemEventArgs e)
            {
                // A file we read, or a new *.conf fragment a glob include may pick up; not pid files, ledgers, or an
                // editor's swap and backup files.
                var name = Path.GetFileName(e.FullPath);
                var relevant = read.Contains(e.FullPath) || (name.EndsWith(".conf", StringComparison.Ordinal) && !name.StartsWith('.'));
                if (!relevant)
                {
                    return;
                }

                supervisor.Tell(new NodeSupervisor.ConfigFileChanged(e.FullPath));
            }

            w.Changed += Changed;
            w.Created += Changed;
            w.Deleted += Changed;
            w.Renamed += (s, e) => Changed(s, e);
            w.EnableRaisingEvents = true;
            watcher._watchers.Add(w);
        }

        if (readSince is { } since && ChangedSince(read, main, since) is { } changed)
        {
            supervisor.Tell(new NodeSupervisor.ConfigFileChanged(changed));
        }

        return watcher;
    }

    /// <summary>A file read that is gone or newer than <paramref name="since"/>, or a newer *.conf under the main folder.</summary>
    private static string? ChangedSince(HashSet<string> read, string? main, DateTime since)
    {
        // A file stamped in the future (a skewed clock, a copied tree) is not "newer": it would reload forever.
        var now = DateTime.UtcNow;
        bool Newer(string f)
        {
            var t = File.GetLastWriteTimeUtc(f);
            return t > since && t <= now;
        }

        foreach (var file in read)
        {
            if (!File.Exists(file) || Newer(file))
            {
                return file;
            }
        }

        if (main is null || !Directory.Exists(main))
        {
            return null;
        }

        try
        {
            return Directory.EnumerateFiles(main, "*.conf", SearchOption.AllDirectories)
                .FirstOrDefault(f => !Path.GetFileName(f).StartsWith('.') && Newer(f));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        foreach (var w in _watchers)
        {
            w.Dispose();
        }
    }
}
