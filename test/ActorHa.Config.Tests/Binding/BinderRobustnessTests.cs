using ActorHa.Config.Binding;
using ActorHa.Config.Diagnostics;
using ActorHa.Config.Syntax;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace ActorHa.Config.Tests.Binding;

/// <summary>
/// Whatever the syntax tree, binding reports and goes on: it never throws, and every diagnostic points into the file.
/// Trees are built from real keywords (so deep paths are reached) mixed with junk words and values.
/// </summary>
public sealed class BinderRobustnessTests
{
    private static readonly string[] Words =
    [
        "global_defs", "vrrp_instance", "vrrp_script", "vrrp_sync_group", "virtual_server", "virtual_server_group", "static_routes",
        "static_ipaddress", "static_rules", "real_server", "HTTP_GET", "TCP_CHECK", "SMTP_CHECK", "MISC_CHECK", "url", "host", "group",
        "state", "priority", "virtual_router_id", "advert_int", "version", "nopreempt", "track_script", "track_interface",
        "virtual_ipaddress", "virtual_routes", "virtual_rules", "unicast_peer", "authentication", "auth_type", "auth_pass", "use_vmac",
        "weight", "reverse", "dev", "via", "src", "table", "from", "to", "fwmark", "lb_algo", "lb_kind", "protocol", "sorry_server",
        "status_code", "connect_port", "nb_get_retry", "smtp_server", "lvs_sync_daemon", "notify_master", "VI_1", "VI_2", "chk",
        "MASTER", "BACKUP", "PASS", "AH", "eth0", "0", "1", "51", "255", "300", "-1", "0.5", "40.96", "abc", "", "192.0.2.1",
        "192.0.2.1/24", "192.0.2.3-10", "2001:db8::1/64", "::/0", "default", "200-299", "on", "off", "80", "65536",
    ];

    private static Gen<ConfWord> Word(int line) =>
        Gen.Elements(Words).Zip(Gen.Choose(1, 40)).Select(t => new ConfWord(t.Item1, new SourceLocation("g.conf", line, t.Item2)));

    private static Gen<ConfStatement> Statement(int depth, int line) =>
        Word(line).Zip(Gen.ListOf(Word(line)).Select(l => l.Take(5).ToList()))
            .Zip(depth == 0 ? Gen.Constant<IReadOnlyList<ConfStatement>?>(null) : Block(depth - 1, line + 1))
            .Select(t => new ConfStatement(t.Item1.Item1, t.Item1.Item2, t.Item2));

    private static Gen<IReadOnlyList<ConfStatement>?> Block(int depth, int line) =>
        Gen.Frequency(
            (1, Gen.Constant<IReadOnlyList<ConfStatement>?>(null)),
            (3, Gen.ListOf(Statement(depth, line)).Select(l => (IReadOnlyList<ConfStatement>?)l.Take(6).ToList())));

    [Property(MaxTest = 300)]
    public Property Binding_never_throws_and_locates_every_diagnostic()
    {
        var documents = Gen.ListOf(Statement(3, 1)).Select(l => new ConfDocument(l.Take(8).ToList(), ["g.conf"]));
        return Prop.ForAll(documents.ToArbitrary(), document =>
        {
            var diagnostics = new DiagnosticBag();
            var config = ConfigBinder.Bind(document, diagnostics);
            return config is not null && diagnostics.Items.All(d => d.Location.File == "g.conf" && d.Location.Line >= 1 && d.Message.Length > 0);
        });
    }
}
