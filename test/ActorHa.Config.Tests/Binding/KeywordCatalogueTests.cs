using ActorHa.Config.Binding;

namespace ActorHa.Config.Tests.Binding;

/// <summary>
/// The catalogue and the binder's switches must agree: a keyword the catalogue says is read is never reported
/// as unknown, and one it lists as not used by ActorHa is reported as such, not as unknown.
/// </summary>
public sealed class KeywordCatalogueTests
{
    public static TheoryData<string, string> Blocks() => new()
    {
        { "global_defs", "global_defs {\n  KW 1\n}\n" },
        { "vrrp_script", "vrrp_script s {\n  script /bin/true\n  KW 1\n}\n" },
        { "vrrp_instance", Compile.Instance("  KW 1") },
        { "authentication", Compile.Instance("  authentication {\n    auth_type PASS\n    auth_pass x\n    KW 1\n  }") },
        { "vrrp_sync_group", "vrrp_sync_group G {\n  KW 1\n}\n" },
        { "virtual_server", "virtual_server 192.0.2.1 80 {\n  KW 1\n}\n" },
        { "real_server", "virtual_server 192.0.2.1 80 {\n  real_server 192.0.2.2 80 {\n    KW 1\n  }\n}\n" },
        { "HTTP_GET", "virtual_server 192.0.2.1 80 {\n  real_server 192.0.2.2 80 {\n    HTTP_GET {\n      KW 1\n    }\n  }\n}\n" },
        { "SSL_GET", "virtual_server 192.0.2.1 80 {\n  real_server 192.0.2.2 80 {\n    SSL_GET {\n      KW 1\n    }\n  }\n}\n" },
        { "SMTP_CHECK", "virtual_server 192.0.2.1 80 {\n  real_server 192.0.2.2 80 {\n    SMTP_CHECK {\n      KW 1\n    }\n  }\n}\n" },
        { "MISC_CHECK", "virtual_server 192.0.2.1 80 {\n  real_server 192.0.2.2 80 {\n    MISC_CHECK {\n      KW 1\n    }\n  }\n}\n" },
        { "url", "virtual_server 192.0.2.1 80 {\n  real_server 192.0.2.2 80 {\n    HTTP_GET {\n      url {\n        KW 1\n      }\n    }\n  }\n}\n" },
        { "top level", "KW 1\n" },
    };

    private static BlockKeywords Catalogue(string block) => block switch
    {
        "global_defs" => Keywords.GlobalDefs,
        "vrrp_script" => Keywords.VrrpScript,
        "vrrp_instance" => Keywords.VrrpInstance,
        "authentication" => Keywords.Authentication,
        "vrrp_sync_group" => Keywords.SyncGroup,
        "virtual_server" => Keywords.VirtualServer,
        "real_server" => Keywords.RealServer,
        "HTTP_GET" => Keywords.HttpGet,
        "SSL_GET" => Keywords.SslGet,
        "SMTP_CHECK" => Keywords.SmtpCheck,
        "MISC_CHECK" => Keywords.MiscCheck,
        "url" => Keywords.Url,
        _ => Keywords.TopLevel,
    };

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Handled_keywords_are_never_unknown_and_unused_ones_are_listed(string block, string template)
    {
        var keywords = Catalogue(block);
        foreach (var keyword in keywords.Handled)
        {
            var messages = Compile.Text(template.Replace("KW", keyword, StringComparison.Ordinal)).Messages();
            Assert.DoesNotContain(messages, m => m.Contains("unknown keyword", StringComparison.Ordinal) || m.Contains("not used by ActorHa", StringComparison.Ordinal));
        }

        foreach (var keyword in keywords.Unused)
        {
            var messages = Compile.Text(template.Replace("KW", keyword, StringComparison.Ordinal)).Messages();
            Assert.Contains(messages, m => m.EndsWith($"keepalived keywords not used by ActorHa: {keyword}", StringComparison.Ordinal));
        }
    }
}
