using System.Text;
using System.Text.RegularExpressions;

namespace ActorHa.Config.Syntax;

/// <summary>
/// glob(3) as keepalived's include uses it: csh brace alternatives (<c>{a,b}</c>, nested), then <c>*</c>, <c>?</c>
/// and <c>[...]</c> per path segment, matches sorted, hidden files matched only by a pattern starting with a dot.
/// </summary>
internal static class IncludeGlob
{
    /// <summary>One brace alternative of a pattern and the files it matched (in glob order).</summary>
    public sealed record Alternative(string Pattern, bool HasWildcard, IReadOnlyList<string> Files);

    public static IReadOnlyList<Alternative> Expand(string pattern, string baseDirectory)
    {
        var result = new List<Alternative>();
        foreach (var alternative in ExpandBraces(pattern))
        {
            var full = Path.IsPathRooted(alternative) ? alternative : Path.Combine(baseDirectory, alternative);
            var hasWildcard = alternative.IndexOfAny(['*', '?', '[']) >= 0;
            IReadOnlyList<string> files = hasWildcard ? MatchWildcards(full) : File.Exists(full) ? [Path.GetFullPath(full)] : [];
            result.Add(new Alternative(alternative, hasWildcard, files));
        }

        return result;
    }

    /// <summary>Expands csh-style braces left to right; an unbalanced brace is kept literally, as glob does.</summary>
    public static IReadOnlyList<string> ExpandBraces(string pattern)
    {
        var open = pattern.IndexOf('{', StringComparison.Ordinal);
        if (open < 0)
        {
            return [pattern];
        }

        var depth = 0;
        var parts = new List<string>();
        var partStart = open + 1;
        for (var i = open; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '{')
            {
                depth++;
            }
            else if (c == '}')
            {
                depth--;
                if (depth == 0)
                {
                    parts.Add(pattern[partStart..i]);
                    var prefix = pattern[..open];
                    var suffix = pattern[(i + 1)..];
                    var expanded = new List<string>();
                    foreach (var part in parts)
                    {
                        expanded.AddRange(ExpandBraces(prefix + part + suffix));
                    }

                    return expanded;
                }
            }
            else if (c == ',' && depth == 1)
            {
                parts.Add(pattern[partStart..i]);
                partStart = i + 1;
            }
        }

        return [pattern];
    }

    private static List<string> MatchWildcards(string fullPattern)
    {
        var root = Path.GetPathRoot(fullPattern) ?? "/";
        var segments = fullPattern[root.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = new List<string> { root };
        for (var s = 0; s < segments.Length; s++)
        {
            var segment = segments[s];
            var last = s == segments.Length - 1;
            var next = new List<string>();
            foreach (var dir in current)
            {
                if (segment.IndexOfAny(['*', '?', '[']) < 0)
                {
                    var candidate = Path.Combine(dir, segment);
                    if (last ? File.Exists(candidate) : Directory.Exists(candidate))
                    {
                        next.Add(candidate);
                    }

                    continue;
                }

                if (!Directory.Exists(dir))
                {
                    continue;
                }

                var regex = SegmentRegex(segment);
                IEnumerable<string> entries;
                try
                {
                    entries = last ? Directory.EnumerateFileSystemEntries(dir) : Directory.EnumerateDirectories(dir);
                }
                catch (UnauthorizedAccessException)
                {
                    continue;
                }
                catch (IOException)
                {
                    continue;
                }

                foreach (var entry in entries)
                {
                    var name = Path.GetFileName(entry);
                    if (name.StartsWith('.') && !segment.StartsWith('.'))
                    {
                        continue;
                    }

                    if (regex.IsMatch(name) && (!last || File.Exists(entry)))
                    {
                        next.Add(entry);
                    }
                }
            }

            current = next;
        }

        current.Sort(StringComparer.Ordinal);
        return current.Select(Path.GetFullPath).ToList();
    }

    private static Regex SegmentRegex(string segment)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            switch (c)
            {
                case '*':
                    sb.Append(".*");
                    break;
                case '?':
                    sb.Append('.');
                    break;
                case '[':
                    var close = segment.IndexOf(']', i + 2);
                    if (close < 0)
                    {
                        sb.Append(@"\[");
                        break;
                    }

                    var set = segment[(i + 1)..close];
                    var negate = set.StartsWith('!') || set.StartsWith('^');
                    if (negate)
                    {
                        set = set[1..];
                    }

                    sb.Append('[').Append(negate ? "^" : "").Append(set.Replace(@"\", @"\\", StringComparison.Ordinal)).Append(']');
                    i = close;
                    break;
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        return new Regex(sb.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
