using ActorHa.Config.Diagnostics;
using ActorHa.Config.Model;
using ActorHa.Config.Syntax;

namespace ActorHa.Config.Binding;

/// <summary>
/// One binding. Split by block family across files (Binder.*.cs); this part dispatches the top level and holds
/// the shared helpers for blocks and keywords. Messages name their object keepalived-style: <c>(VI_1) ...</c>.
/// </summary>
internal sealed partial class Binder(DiagnosticBag diagnostics, ConfigBindOptions options)
{
    private readonly DiagnosticBag _d = diagnostics;
    private readonly ConfigBindOptions _options = options;

    private GlobalDefs _global = GlobalDefs.Default;
    private readonly List<AddressEntry> _staticAddresses = [];
    private readonly List<RouteEntry> _staticRoutes = [];
    private readonly List<RuleEntry> _staticRules = [];
    private readonly List<VrrpScript> _scripts = [];
    private readonly List<VrrpTrackFile> _trackFiles = [];
    private readonly List<VrrpInstance> _instances = [];
    private readonly List<SyncGroup> _syncGroups = [];
    private readonly List<VirtualServerGroup> _vsGroups = [];
    private readonly List<VirtualServer> _virtualServers = [];

    /// <summary>Where things were written, for cross-reference messages after all blocks are read.</summary>
    private readonly Dictionary<string, SourceLocation> _vridAt = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Owner, string Script), SourceLocation> _trackScriptAt = [];
    private readonly Dictionary<(string Owner, string Interface), SourceLocation> _trackInterfaceAt = [];
    private readonly Dictionary<(string Owner, string File), SourceLocation> _trackFileAt = [];
    private readonly Dictionary<(string Group, string Member), SourceLocation> _memberAt = [];
    private readonly List<SourceLocation> _scriptsUsedAt = [];

    public KeepalivedConfig Bind(ConfDocument document)
    {
        var unused = new List<ConfStatement>();
        foreach (var st in document.Statements)
        {
            switch (st.Name)
            {
                case "global_defs":
                    BindGlobalDefs(st);
                    break;
                case "static_ipaddress":
                    _staticAddresses.AddRange(BindAddresses(st, ""));
                    break;
                case "static_routes":
                    _staticRoutes.AddRange(BindRoutes(st, ""));
                    break;
                case "static_rules":
                    _staticRules.AddRange(BindRules(st, ""));
                    break;
                case "vrrp_script":
                    BindScript(st);
                    break;
                case "track_file" or "vrrp_track_file":
                    BindTrackFile(st);
                    break;
                case "vrrp_instance":
                    BindInstance(st);
                    break;
                case "vrrp_sync_group":
                    BindSyncGroup(st);
                    break;
                case "virtual_server_group":
                    BindVirtualServerGroup(st);
                    break;
                case "virtual_server":
                    BindVirtualServer(st);
                    break;
                default:
                    Other(st, Keywords.TopLevel, unused);
                    break;
            }
        }

        ReportUnused("", unused);
        CheckCrossReferences();
        return new KeepalivedConfig(
            _global, _staticAddresses, _staticRoutes, _staticRules, _scripts, _instances, _syncGroups, _vsGroups, _virtualServers)
        {
            TrackFiles = _trackFiles,
        };
    }

    /// <summary>
    /// A keyword the block's switch did not take: a real keepalived keyword ActorHa does not use goes to
    /// <paramref name="unused"/> (reported once per block), anything else is an unknown-keyword warning.
    /// keepalived too only logs unknown keywords and runs on.
    /// </summary>
    private void Other(ConfStatement st, BlockKeywords keywords, List<ConfStatement> unused)
    {
        if (keywords.Unused.Contains(st.Name))
        {
            unused.Add(st);
            return;
        }

        var where = keywords == Keywords.TopLevel ? "at top level" : $"in {keywords.Block}";
        var suggestion = keywords.Suggest(st.Name);
        _d.Warning(st.Location, suggestion is null
            ? $"unknown keyword '{st.Name}' {where}"
            : $"unknown keyword '{st.Name}' {where}, did you mean '{suggestion}'?");
    }

    private void ReportUnused(string who, List<ConfStatement> unused)
    {
        if (unused.Count > 0)
        {
            var names = string.Join(", ", unused.Select(s => s.Name).Distinct(StringComparer.Ordinal));
            _d.Warning(unused[0].Location, $"{who}keepalived keywords not used by ActorHa: {names}");
        }
    }

    /// <summary>The statements of a block keyword; an error (and nothing) when the braces are missing.</summary>
    private IReadOnlyList<ConfStatement> Block(ConfStatement st, string who)
    {
        if (st.Block is null)
        {
            _d.Error(st.Location, $"{who}{st.Name} expects a {{ block }}, ignoring it");
            return [];
        }

        return st.Block;
    }

    /// <summary>The name after a block keyword (<c>vrrp_instance VI_1 {</c>); null, with an error, when missing.</summary>
    private string? BlockName(ConfStatement st)
    {
        if (st.Arguments.Count == 0)
        {
            _d.Error(st.Location, $"{st.Name} needs a name, ignoring the block");
            return null;
        }

        if (st.Arguments.Count > 1)
        {
            _d.Warning(st.Arguments[1].Location, $"{st.Name} {st.Arguments[0].Text}: extra words after the name ignored");
        }

        return st.Arguments[0].Text;
    }
}
