using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ActorHa.Config.Diagnostics;

namespace ActorHa.Config.Syntax;

/// <summary>
/// One line ready for the tokenizer. <see cref="Columns"/> maps each character of <see cref="Text"/> back to its
/// 1-based column in the file, so a word produced by <c>$NAME</c> substitution points at the <c>$</c>.
/// </summary>
internal sealed record LogicalLine(string Text, string File, int Line, int[] Columns)
{
    public static LogicalLine FromSource(string text, string file, int line) =>
        new(text, file, line, Enumerable.Range(1, text.Length).ToArray());

    public int ColumnAt(int index) => Columns.Length == 0 ? 1 : Columns[Math.Clamp(index, 0, Columns.Length - 1)];

    /// <summary>Replaces text[start..end) by value; every new character maps to the column of text[start].</summary>
    public LogicalLine Splice(int start, int end, string value)
    {
        var column = ColumnAt(start);
        var columns = new int[Text.Length - (end - start) + value.Length];
        Array.Copy(Columns, 0, columns, 0, start);
        Array.Fill(columns, column, start, value.Length);
        Array.Copy(Columns, end, columns, start + value.Length, Text.Length - end);
        return this with { Text = string.Concat(Text.AsSpan(0, start), value, Text.AsSpan(end)), Columns = columns };
    }

    /// <summary>Blanks text[start..end) with spaces, keeping every column where it was.</summary>
    public LogicalLine Blank(int start, int end) =>
        this with { Text = string.Concat(Text.AsSpan(0, start), new string(' ', end - start), Text.AsSpan(end)) };
}

/// <summary>
/// keepalived's line-level language, applied before words and blocks exist: comments, <c>include</c> (and its
/// checked variants), <c>@id</c>/<c>@^id</c> conditional lines, <c>$NAME=value</c> definitions (also multiline ones
/// continued with a backslash), <c>$NAME</c>/<c>${NAME}</c> substitution (recursive, at use time), the predefined
/// <c>${_PWD}</c>, <c>${_INSTANCE}</c>, <c>${_HASH}</c>, <c>${_BANG}</c>, <c>${_RANDOM}</c>, and <c>~SEQ</c>/<c>~SEQx</c>/<c>~LST</c> loops.
/// </summary>
internal sealed partial class Preprocessor
{
    private const int MaxDepth = 32;

    private static readonly string[] IncludeKeywords = ["include", "includer", "includem", "includew", "includeb", "includea"];

    private readonly ConfParseOptions _options;
    private readonly DiagnosticBag _diagnostics;
    private readonly Action<LogicalLine> _emit;
    private readonly Dictionary<string, string> _parameters = new(StringComparer.Ordinal);
    private readonly List<string> _files = [];
    private readonly List<string> _includeStack = [];
    private readonly Random _random;
    private string _includeCheck = "";
    private long _emitted;
    private bool _tooLarge;
    private string _rootDisplayDirectory = "";
    private string _rootFullDirectory = "";

    public Preprocessor(ConfParseOptions options, DiagnosticBag diagnostics, Action<LogicalLine> emit)
    {
        _options = options;
        _diagnostics = diagnostics;
        _emit = emit;
        _random = new Random(options.RandomSeed);
    }

    public IReadOnlyList<string> Files => _files;

    public void ProcessRootFile(string path)
    {
        var full = Path.GetFullPath(path);
        _rootDisplayDirectory = Path.GetDirectoryName(path) ?? "";
        _rootFullDirectory = Path.GetDirectoryName(full) ?? "/";
        string text;
        try
        {
            text = File.ReadAllText(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _diagnostics.Fatal(new SourceLocation(path, 0, 0), $"cannot read configuration file: {Describe(e)}");
            return;
        }

        _files.Add(full);
        _includeStack.Add(full);
        ProcessText(text, path, Path.GetDirectoryName(full) ?? "/");
        _includeStack.RemoveAt(_includeStack.Count - 1);
    }

    public void ProcessRootText(string text, string fileName)
    {
        var full = Path.GetFullPath(fileName);
        _rootDisplayDirectory = Path.GetDirectoryName(fileName) ?? "";
        _rootFullDirectory = Path.GetDirectoryName(full) ?? "/";
        _files.Add(full);
        _includeStack.Add(full);
        ProcessText(text, fileName, Path.GetDirectoryName(full) ?? "/");
        _includeStack.RemoveAt(_includeStack.Count - 1);
    }

    private void ProcessText(string text, string displayFile, string directory)
    {
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length && !_tooLarge; i++)
        {
            var lineNumber = i + 1;
            var stripped = LineTokenizer.StripComment(lines[i].TrimEnd('\r'));
            var source = LogicalLine.FromSource(stripped, displayFile, lineNumber);

            var definition = MultilineDefinitionStart().Match(stripped);
            if (definition.Success)
            {
                var value = new StringBuilder();
                while (i + 1 < lines.Length)
                {
                    i++;
                    var part = LineTokenizer.StripComment(lines[i].TrimEnd('\r')).TrimEnd();
                    var continued = part.EndsWith('\\');
                    value.Append(continued ? part[..^1] : part).Append('\n');
                    if (!continued)
                    {
                        break;
                    }
                }

                var prefix = definition.Groups["cond"].Value;
                if (prefix.Length == 0 || ConditionHolds(prefix.Trim()))
                {
                    _parameters[definition.Groups["name"].Value] = value.ToString().TrimEnd('\n');
                }

                continue;
            }

            var words = QuotedWords.Split(stripped);
            if (words.Count > 0 && words[0] == "include_check")
            {
                _includeCheck = words.Count > 1 ? string.Join(' ', words.Skip(1)) : "all";
                continue;
            }

            if (words.Count > 0 && Array.IndexOf(IncludeKeywords, words[0]) >= 0)
            {
                var at = new SourceLocation(displayFile, lineNumber, stripped.IndexOf(words[0], StringComparison.Ordinal) + 1);
                Include(words, at, directory);
                continue;
            }

            ProcessLogical(source, directory, 0);
        }
    }

    private void Include(IReadOnlyList<string> words, SourceLocation at, string directory)
    {
        var keyword = words[0];
        if (words.Count < 2)
        {
            _diagnostics.Error(at, $"'{keyword}' needs a file name");
            return;
        }

        var checks = keyword switch
        {
            "includer" => "readable",
            "includem" => "match",
            "includew" => "wildcard_match",
            "includeb" => "brace_match",
            "includea" => "readable match wildcard_match brace_match",
            _ => _includeCheck,
        };
        var strict = checks.Length > 0;

        foreach (var pattern in words.Skip(1))
        {
            var alternatives = IncludeGlob.Expand(pattern, directory);
            var files = alternatives.SelectMany(a => a.Files).Distinct(StringComparer.Ordinal).ToList();
            if (files.Count == 0)
            {
                Report(strict && (checks.Contains("match", StringComparison.Ordinal) || checks == "all"), at, $"{keyword} '{pattern}' matched no file");
            }
            else
            {
                foreach (var alternative in alternatives.Where(a => a.Files.Count == 0))
                {
                    if (alternative.HasWildcard && (checks.Contains("wildcard_match", StringComparison.Ordinal) || checks == "all"))
                    {
                        _diagnostics.Error(at, $"{keyword} '{alternative.Pattern}' matched no file");
                    }
                    else if (!alternative.HasWildcard && alternatives.Count > 1 && (checks.Contains("brace_match", StringComparison.Ordinal) || checks == "all"))
                    {
                        _diagnostics.Error(at, $"{keyword} '{alternative.Pattern}' matched no file");
                    }
                }
            }

            foreach (var file in files)
            {
                IncludeFile(file, at, strict && (checks.Contains("readable", StringComparison.Ordinal) || checks == "all"));
            }
        }
    }

    private void IncludeFile(string full, SourceLocation at, bool strict)
    {
        if (_includeStack.Contains(full, StringComparer.Ordinal))
        {
            var chain = _includeStack.SkipWhile(f => f != full).Append(full).Select(Display);
            _diagnostics.Error(at, $"include cycle: {string.Join(" -> ", chain)}");
            return;
        }

        if (_includeStack.Count >= MaxDepth)
        {
            _diagnostics.Error(at, $"includes nested deeper than {MaxDepth} files");
            return;
        }

        string text;
        try
        {
            text = File.ReadAllText(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Report(strict, at, $"cannot read included file '{Display(full)}': {Describe(e)}");
            return;
        }

        if (!_files.Contains(full, StringComparer.Ordinal))
        {
            _files.Add(full);
        }

        _includeStack.Add(full);
        ProcessText(text, Display(full), Path.GetDirectoryName(full) ?? "/");
        _includeStack.RemoveAt(_includeStack.Count - 1);
    }

    private void ProcessLogical(LogicalLine line, string directory, int depth)
    {
        if (_tooLarge)
        {
            return;
        }

        if (depth > MaxDepth)
        {
            _diagnostics.Error(At(line, 0), $"parameter substitution nested deeper than {MaxDepth} levels (a definition that uses itself?)");
            return;
        }

        var text = line.Text;
        var start = 0;
        while (start < text.Length && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        if (start == text.Length)
        {
            return;
        }

        if (text[start] == '@')
        {
            var end = start;
            while (end < text.Length && !char.IsWhiteSpace(text[end]))
            {
                end++;
            }

            if (!ConditionHolds(text[start..end]))
            {
                return;
            }

            ProcessLogical(line.Blank(start, end), directory, depth);
            return;
        }

        if (text.AsSpan(start).StartsWith("~SEQ", StringComparison.Ordinal) || text.AsSpan(start).StartsWith("~LST", StringComparison.Ordinal))
        {
            Loop(line, start, directory, depth);
            return;
        }

        var definition = Definition().Match(text, start);
        if (definition.Success && definition.Index == start)
        {
            _parameters[definition.Groups["name"].Value] = definition.Groups["value"].Value.Trim();
            return;
        }

        var substituted = Substitute(line, directory);
        if (!ReferenceEquals(substituted, line))
        {
            if (substituted.Text.Contains('\n', StringComparison.Ordinal))
            {
                var offset = 0;
                foreach (var part in substituted.Text.Split('\n'))
                {
                    ProcessLogical(
                        substituted with { Text = part, Columns = substituted.Columns[offset..(offset + part.Length)] },
                        directory,
                        depth + 1);
                    offset += part.Length + 1;
                }
            }
            else
            {
                ProcessLogical(substituted, directory, depth + 1);
            }

            return;
        }

        if (++_emitted > _options.MaxExpandedLines)
        {
            _tooLarge = true;
            _diagnostics.Fatal(At(line, start), $"configuration expands to more than {_options.MaxExpandedLines} lines; stopping");
            return;
        }

        _emit(line);
    }

    private bool ConditionHolds(string condition)
    {
        // "@id" keeps the line on the node whose config-id is id; "@^id" keeps it everywhere else.
        var negative = condition.StartsWith("@^", StringComparison.Ordinal);
        var id = condition[(negative ? 2 : 1)..];
        var matches = string.Equals(id, _options.ConfigId, StringComparison.Ordinal);
        return negative ? !matches : matches;
    }

    /// <summary>One pass of parameter substitution; returns the same instance when nothing was replaced.</summary>
    private LogicalLine Substitute(LogicalLine line, string directory)
    {
        var current = line;
        var i = 0;
        while (i < current.Text.Length)
        {
            var text = current.Text;
            if (text[i] != '$' || i + 1 >= text.Length)
            {
                i++;
                continue;
            }

            string? value = null;
            var end = i;
            if (text[i + 1] == '{')
            {
                var close = text.IndexOf('}', i + 2);
                if (close > 0)
                {
                    value = Lookup(text[(i + 2)..close].Trim(), directory);
                    end = close + 1;
                }
            }
            else
            {
                var name = ParameterName().Match(text, i + 1);
                if (name.Success && name.Index == i + 1)
                {
                    var after = i + 1 + name.Length;
                    if (after == text.Length || char.IsWhiteSpace(text[after]))
                    {
                        value = Lookup(name.Value, directory);
                        end = after;
                    }
                }
            }

            if (value is null)
            {
                i++;
                continue;
            }

            current = current.Splice(i, end, value);
            i += value.Length;
        }

        return current;
    }

    private string? Lookup(string reference, string directory)
    {
        var parts = reference.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            return null;
        }

        switch (parts[0])
        {
            case "_PWD":
                return directory;
            case "_INSTANCE":
                return _options.ConfigId ?? "";
            case "_HASH":
                return "#";
            case "_BANG":
                return "!";
            case "_RANDOM":
                var min = parts.Length > 1 && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var a) ? a : 0;
                var max = parts.Length > 2 && int.TryParse(parts[2], CultureInfo.InvariantCulture, out var b) ? b : 32767;
                return _random.Next(min, Math.Max(min, max) + 1).ToString(CultureInfo.InvariantCulture);
        }

        return parts.Length == 1 && _parameters.TryGetValue(parts[0], out var value) ? value : null;
    }

    private void Loop(LogicalLine line, int start, string directory, int depth)
    {
        var text = line.Text;
        var open = text.IndexOf('(', start);
        var close = open < 0 ? -1 : MatchingParen(text, open);
        if (open < 0 || close < 0)
        {
            _diagnostics.Error(At(line, start), "loop needs '(' ... ')': ~SEQ(var, start, step, end) or ~LST(var, value, ...)");
            return;
        }

        var kind = text[(start + 1)..open];
        var args = SplitTopLevel(text[(open + 1)..close]);
        var body = line.Blank(start, close + 1);
        List<(string[] Names, string[] Values)> iterations;
        try
        {
            iterations = kind switch
            {
                "SEQ" or "SEQx" => Sequence(args, kind == "SEQx", _options.MaxExpandedLines),
                "LST" => List(args),
                _ => throw new FormatException($"unknown loop '~{kind}', expected ~SEQ, ~SEQx or ~LST"),
            };
        }
        catch (FormatException e)
        {
            _diagnostics.Error(At(line, start), e.Message);
            return;
        }

        foreach (var (names, values) in iterations)
        {
            var saved = names.Select(n => _parameters.TryGetValue(n, out var v) ? v : null).ToArray();
            for (var n = 0; n < names.Length; n++)
            {
                _parameters[names[n]] = values[n];
            }

            ProcessLogical(body, directory, depth + 1);
            for (var n = 0; n < names.Length; n++)
            {
                if (saved[n] is { } old)
                {
                    _parameters[names[n]] = old;
                }
                else
                {
                    _parameters.Remove(names[n]);
                }
            }

            if (_tooLarge)
            {
                return;
            }
        }
    }

    private static List<(string[] Names, string[] Values)> Sequence(IReadOnlyList<string> args, bool hex, long maxValues)
    {
        if (args.Count is < 2 or > 4)
        {
            throw new FormatException("~SEQ takes (var, end), (var, start, end) or (var, start, step, end)");
        }

        var numbers = args.Skip(1).Select(ParseNumber).ToArray();
        var end = numbers[^1];
        var start = numbers.Length >= 2 ? numbers[0] : end >= 0 ? 1 : -1;
        var step = numbers.Length == 3 ? numbers[1] : end >= start ? 1 : -1;
        if (step == 0)
        {
            throw new FormatException("~SEQ step must not be 0");
        }

        var result = new List<(string[], string[])>();
        for (var v = start; step > 0 ? v <= end : v >= end; v += step)
        {
            var text = hex ? v.ToString("x", CultureInfo.InvariantCulture) : v.ToString(CultureInfo.InvariantCulture);
            result.Add(([args[0]], [text]));
            if (result.Count > maxValues)
            {
                throw new FormatException($"~SEQ produces more than {maxValues} values");
            }
        }

        return result;
    }

    private static List<(string[] Names, string[] Values)> List(IReadOnlyList<string> args)
    {
        if (args.Count < 2)
        {
            throw new FormatException("~LST takes (var, value, ...) or ({var, var}, {value, value}, ...)");
        }

        var names = Unbrace(args[0]);
        var result = new List<(string[], string[])>();
        foreach (var arg in args.Skip(1))
        {
            var values = Unbrace(arg);
            if (values.Length != names.Length)
            {
                throw new FormatException($"~LST value '{arg}' has {values.Length} item(s) for {names.Length} variable(s)");
            }

            result.Add((names, values));
        }

        return result;

        static string[] Unbrace(string s) =>
            s.StartsWith('{') && s.EndsWith('}')
                ? s[1..^1].Split(',', StringSplitOptions.TrimEntries)
                : [s.Trim()];
    }

    private static long ParseNumber(string s)
    {
        s = s.Trim();
        var negative = s.StartsWith('-');
        var body = negative ? s[1..] : s;
        long value;
        var ok = body.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? long.TryParse(body[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out value)
            : long.TryParse(body, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        if (!ok)
        {
            throw new FormatException($"'{s}' is not a number");
        }

        return negative ? -value : value;
    }

    private static int MatchingParen(string text, int open)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            if (text[i] == '(')
            {
                depth++;
            }
            else if (text[i] == ')' && --depth == 0)
            {
                return i;
            }
        }

        return -1;
    }

    private static List<string> SplitTopLevel(string s)
    {
        var parts = new List<string>();
        var depth = 0;
        var from = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '{')
            {
                depth++;
            }
            else if (s[i] == '}')
            {
                depth--;
            }
            else if (s[i] == ',' && depth == 0)
            {
                parts.Add(s[from..i].Trim());
                from = i + 1;
            }
        }

        parts.Add(s[from..].Trim());
        return parts;
    }

    private void Report(bool asError, SourceLocation at, string message)
    {
        if (asError)
        {
            _diagnostics.Error(at, message);
        }
        else
        {
            _diagnostics.Warning(at, message);
        }
    }

    private string Display(string full)
    {
        var relative = Path.GetRelativePath(_rootFullDirectory, full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative)
            ? full
            : Path.Join(_rootDisplayDirectory, relative);
    }

    private static SourceLocation At(LogicalLine line, int index) => new(line.File, line.Line, line.ColumnAt(index));

    private static string Describe(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => "No such file or directory",
        UnauthorizedAccessException => "Permission denied",
        _ => e.Message,
    };

    [GeneratedRegex(@"^\s*(?<cond>@\^?\S+\s+)?\$(?<name>[A-Za-z_][A-Za-z0-9_]*)=\s*\\\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex MultilineDefinitionStart();

    [GeneratedRegex(@"\$(?<name>[A-Za-z_][A-Za-z0-9_]*)=(?<value>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex Definition();

    [GeneratedRegex(@"[A-Za-z_][A-Za-z0-9_]*", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterName();
}
