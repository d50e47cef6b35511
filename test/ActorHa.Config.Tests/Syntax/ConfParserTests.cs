using ActorHa.Config.Diagnostics;
using ActorHa.Config.Syntax;

namespace ActorHa.Config.Tests.Syntax;

public sealed class ConfParserTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorha-parse-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (ConfDocument Doc, DiagnosticBag Diags) Parse(string text, string? configId = null, string file = "k.conf")
    {
        var diags = new DiagnosticBag();
        var doc = ConfParser.ParseText(text, file, new ConfParseOptions(configId), diags);
        return (doc, diags);
    }

    private static string Render(IEnumerable<ConfStatement> statements) =>
        string.Join(" ", statements.Select(s =>
            s.Name + string.Concat(s.Arguments.Select(a => " " + a.Text)) + (s.Block is null ? ";" : " {" + (s.Block.Count == 0 ? "" : " " + Render(s.Block)) + " }")));

    private string Write(string relative, string text)
    {
        var path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Hash_and_bang_comments_end_a_line_anywhere_outside_quotes()
    {
        var (doc, diags) = Parse("! header\nrouter_id lb1 # trailing\nscript \"a#b!c\" ! gone\n");
        Assert.Empty(diags.Items);
        Assert.Equal("router_id lb1; script a#b!c;", Render(doc.Statements));
    }

    [Fact]
    public void Blocks_nest_and_every_word_carries_file_line_and_column()
    {
        var (doc, diags) = Parse("vrrp_instance VI_1 {\n    state MASTER\n    virtual_ipaddress {\n        192.0.2.10/24 dev eth0\n    }\n}\n");
        Assert.Empty(diags.Items);
        Assert.Equal("vrrp_instance VI_1 { state MASTER; virtual_ipaddress { 192.0.2.10/24 dev eth0; } }", Render(doc.Statements));
        var vip = doc.Statements[0].Block![1].Block![0];
        Assert.Equal(new SourceLocation("k.conf", 4, 9), vip.Location);
        Assert.Equal(new SourceLocation("k.conf", 4, 23), vip.Arguments[0].Location);
    }

    [Fact]
    public void Open_brace_may_stand_alone_on_the_next_line()
    {
        var (doc, diags) = Parse("vrrp_instance VI_1\n{\n  priority 100\n}\n");
        Assert.Empty(diags.Items);
        Assert.Equal("vrrp_instance VI_1 { priority 100; }", Render(doc.Statements));
    }

    [Fact]
    public void Braces_need_no_surrounding_spaces_as_in_the_seed_config()
    {
        var (doc, diags) = Parse("virtual_routes{}\nauthentication { auth_type PASS\nauth_pass 1234 }\n");
        Assert.Empty(diags.Items);
        Assert.Equal("virtual_routes { } authentication { auth_type PASS; auth_pass 1234; }", Render(doc.Statements));
    }

    [Fact]
    public void Quoted_segments_join_adjacent_text_and_keep_spaces()
    {
        var (doc, _) = Parse("x abcd\" efg h jkl \"mnop 'a b' \"{\"\n");
        var args = doc.Statements[0].Arguments;
        Assert.Equal(["abcd efg h jkl mnop", "a b", "{"], args.Select(a => a.Text));
        Assert.All(args, a => Assert.True(a.Quoted));
    }

    [Theory]
    [InlineData(@"""a\tb""", "a\tb")]
    [InlineData(@"""a\nb""", "a\nb")]
    [InlineData(@"""\x41\101""", "AA")]
    [InlineData(@"""\cA""", "\u0001")]
    [InlineData(@"""\E""", "\u001b")]
    [InlineData(@"""say \""hi\""""", "say \"hi\"")]
    [InlineData(@"""back\\slash""", @"back\slash")]
    [InlineData(@"""\q""", "q")]
    public void Quoted_strings_support_keepalived_escapes(string written, string expected)
    {
        var (doc, diags) = Parse($"notify {written}\n");
        Assert.Empty(diags.Items);
        Assert.Equal(expected, doc.Statements[0].Arguments[0].Text);
    }

    [Fact]
    public void Unterminated_quote_is_an_error_at_its_column()
    {
        var (_, diags) = Parse("vrrp_instance VI_1 {\n  notify_master \"/bin/x\n}\n");
        Assert.Equal(["k.conf:2:17: error: unterminated quoted string"], diags.Items.Select(d => d.ToString()));
    }

    [Fact]
    public void Missing_close_brace_is_reported_at_the_block_that_was_left_open()
    {
        var (doc, diags) = Parse("vrrp_instance VI_1 {\n  priority 100\n");
        Assert.Equal(["k.conf:1:1: error: missing '}' for 'vrrp_instance' opened here"], diags.Items.Select(d => d.ToString()));
        Assert.Equal("vrrp_instance VI_1 { priority 100; }", Render(doc.Statements));
    }

    [Fact]
    public void Stray_close_brace_is_reported()
    {
        var (_, diags) = Parse("router_id x\n}\n");
        Assert.Equal(["k.conf:2:1: error: unexpected '}' with no block open"], diags.Items.Select(d => d.ToString()));
    }

    [Fact]
    public void Parameters_substitute_dollar_name_and_braced_name_at_use_time()
    {
        var text = "$ADDRESS_BASE=10.2.${ADDRESS_BASE_SUB}\n$ADDRESS_BASE_SUB=0\nip ${ADDRESS_BASE}.100/32\n$ADDRESS_BASE_SUB=10\nip ${ADDRESS_BASE}.100/32\n";
        var (doc, diags) = Parse(text);
        Assert.Empty(diags.Items);
        Assert.Equal("ip 10.2.0.100/32; ip 10.2.10.100/32;", Render(doc.Statements));
    }

    [Fact]
    public void Dollar_name_needs_whitespace_after_it_and_undefined_names_stay()
    {
        var (doc, _) = Parse("$P=240\npriority $P\nx $Pfoo ${UNDEF} $HOME\n");
        Assert.Equal("priority 240; x $Pfoo ${UNDEF} $HOME;", Render(doc.Statements));
    }

    [Fact]
    public void Substituted_words_point_at_the_dollar_sign()
    {
        var (doc, _) = Parse("$VIP=192.0.2.1/24 dev eth0\nvirtual_ipaddress {\n    $VIP\n}\n");
        var vip = doc.Statements[0].Block![0];
        Assert.Equal("192.0.2.1/24 dev eth0", vip.Name + " " + string.Join(' ', vip.Arguments));
        Assert.Equal(new SourceLocation("k.conf", 3, 5), vip.Location);
        Assert.Equal(new SourceLocation("k.conf", 3, 5), vip.Arguments[1].Location);
    }

    [Fact]
    public void A_definition_that_uses_itself_is_an_error_not_a_hang()
    {
        var (_, diags) = Parse("$A=$A x\nfoo $A\n");
        Assert.Contains(diags.Items, d => d.Message.Contains("nested deeper than 32", StringComparison.Ordinal));
    }

    [Fact]
    public void Conditional_lines_match_the_config_id()
    {
        const string text = "@main router_id main_router\n@backup router_id backup_router\nunicast_peer {\n  @^main 192.0.2.4\n  @^backup 192.0.2.5\n}\n";
        Assert.Equal("router_id main_router; unicast_peer { 192.0.2.5; }", Render(Parse(text, "main").Doc.Statements));
        Assert.Equal("router_id backup_router; unicast_peer { 192.0.2.4; }", Render(Parse(text, "backup").Doc.Statements));
        Assert.Equal("unicast_peer { 192.0.2.4; 192.0.2.5; }", Render(Parse(text).Doc.Statements));
    }

    [Fact]
    public void Conditional_columns_stay_where_the_keyword_was_written()
    {
        var (doc, _) = Parse("@main   priority 240\n", "main");
        Assert.Equal(new SourceLocation("k.conf", 1, 9), doc.Statements[0].Location);
    }

    [Fact]
    public void Conditional_definitions_and_definitions_holding_a_condition()
    {
        var (doc, _) = Parse("@main $PRIORITY=240\n@backup $PRIORITY=200\npriority $PRIORITY\n$IF_MAIN=@main\n$IF_MAIN weight 5\n", "main");
        Assert.Equal("priority 240; weight 5;", Render(doc.Statements));
        var (other, _) = Parse("@main $PRIORITY=240\n@backup $PRIORITY=200\npriority $PRIORITY\n$IF_MAIN=@main\n$IF_MAIN weight 5\n", "backup");
        Assert.Equal("priority 200;", Render(other.Statements));
    }

    [Fact]
    public void Multiline_definitions_expand_into_blocks_with_nested_definitions()
    {
        const string text = """
            $INSTANCE= \
            vrrp_instance VI_${NUM} { \
                interface eth0 \
                @high priority 130 \
                @low priority 120 \
                virtual_router_id ${NUM} \
            }

            $NUM=1
            $INSTANCE
            $NUM=2
            $INSTANCE
            """;
        var (doc, diags) = Parse(text, "high");
        Assert.Empty(diags.Items);
        Assert.Equal(
            "vrrp_instance VI_1 { interface eth0; priority 130; virtual_router_id 1; } vrrp_instance VI_2 { interface eth0; priority 130; virtual_router_id 2; }",
            Render(doc.Statements));
    }

    [Fact]
    public void Seq_and_seqx_loops_repeat_the_rest_of_the_line()
    {
        var (doc, diags) = Parse("virtual_ipaddress {\n~SEQ(SUBNET, 0, 3) 192.0.${SUBNET}.1\n~SEQx(X, 0x90, 0x10, 0xa0) 2001:db8::${X}\n}\n");
        Assert.Empty(diags.Items);
        Assert.Equal("virtual_ipaddress { 192.0.0.1; 192.0.1.1; 192.0.2.1; 192.0.3.1; 2001:db8::90; 2001:db8::a0; }", Render(doc.Statements));
    }

    [Fact]
    public void Lst_loops_bind_one_or_several_variables()
    {
        var (doc, diags) = Parse("~LST(N, a, b) x$N ${N}\n~LST({IP, IP1}, {10,1},{20,4}) 198.51.${IP}.${IP1}\n");
        Assert.Empty(diags.Items);
        Assert.Equal("xa a; xb b; 198.51.10.1; 198.51.20.4;", Render(doc.Statements));
    }

    [Fact]
    public void Predefined_parameters_hash_bang_pwd_and_instance()
    {
        var (doc, _) = Parse("x ${_HASH}${_BANG} ${_INSTANCE} ${_PWD}\n", "lb1", Path.Combine(_dir, "k.conf"));
        Assert.Equal(["#!", "lb1", _dir], doc.Statements[0].Arguments.Select(a => a.Text));
    }

    [Fact]
    public void Include_expands_globs_and_braces_relative_to_the_including_file()
    {
        Write("conf.d/b.conf", "vrrp_instance B {\n}\n");
        Write("conf.d/a.conf", "vrrp_instance A {\n  include ../vips/{one,two}.conf\n}\n");
        Write("conf.d/.hidden.conf", "vrrp_instance HIDDEN {\n}\n");
        Write("vips/one.conf", "priority 1\n");
        Write("vips/two.conf", "priority 2\n");
        var main = Write("keepalived.conf", "global_defs {\n}\ninclude conf.d/*.conf\n");

        var diags = new DiagnosticBag();
        var doc = ConfParser.ParseFile(main, new ConfParseOptions(), diags);

        Assert.Empty(diags.Items);
        Assert.Equal("global_defs { } vrrp_instance A { priority 1; priority 2; } vrrp_instance B { }", Render(doc.Statements));
        Assert.Equal(5, doc.Files.Count);
        var priority2 = doc.Statements[1].Block![1];
        Assert.Equal(new SourceLocation(Path.Combine(_dir, "vips/two.conf"), 1, 1), priority2.Location);
    }

    [Fact]
    public void Included_files_are_named_relative_to_the_main_file_as_the_user_wrote_it()
    {
        Write("conf.d/x.conf", "priority 300 }\n");
        Write("keepalived.conf", "include conf.d/x.conf\n");
        var cwd = Environment.CurrentDirectory;
        var diags = new DiagnosticBag();
        var rel = Path.GetRelativePath(cwd, Path.Combine(_dir, "keepalived.conf"));
        ConfParser.ParseFile(rel, new ConfParseOptions(), diags);
        var expectedFile = Path.Join(Path.GetDirectoryName(rel), "conf.d/x.conf");
        Assert.Equal([$"{expectedFile}:1:14: error: unexpected '}}' with no block open"], diags.Items.Select(d => d.ToString()));
    }

    [Fact]
    public void Include_cycle_is_an_error_naming_the_chain()
    {
        Write("a.conf", "include b.conf\nrouter_id a\n");
        Write("b.conf", "include a.conf\nrouter_id b\n");
        var diags = new DiagnosticBag();
        var doc = ConfParser.ParseFile(Path.Combine(_dir, "a.conf"), new ConfParseOptions(), diags);
        var a = Path.Combine(_dir, "a.conf");
        var b = Path.Combine(_dir, "b.conf");
        Assert.Equal([$"{b}:1:1: error: include cycle: {a} -> {b} -> {a}"], diags.Items.Select(d => d.ToString()));
        Assert.Equal("router_id b; router_id a;", Render(doc.Statements));
    }

    [Fact]
    public void Plain_include_of_a_missing_file_warns_and_includea_is_an_error()
    {
        var main = Write("k.conf", "include nothere.conf\nincludea also/*.conf\n");
        var diags = new DiagnosticBag();
        ConfParser.ParseFile(main, new ConfParseOptions(), diags);
        Assert.Equal(
            [$"{main}:1:1: warning: include 'nothere.conf' matched no file", $"{main}:2:1: error: includea 'also/*.conf' matched no file"],
            diags.Items.Select(d => d.ToString()));
    }

    [Fact]
    public void Missing_main_file_is_fatal()
    {
        var diags = new DiagnosticBag();
        ConfParser.ParseFile(Path.Combine(_dir, "none.conf"), new ConfParseOptions(), diags);
        Assert.Equal(3, diags.ExitCode);
        Assert.Equal([$"{Path.Combine(_dir, "none.conf")}:0:0: fatal: cannot read configuration file: No such file or directory"], diags.Items.Select(d => d.ToString()));
    }

    [Fact]
    public void Windows_line_endings_and_a_byte_order_mark_are_tolerated()
    {
        var (doc, diags) = Parse("\uFEFFrouter_id a\r\nvrrp_instance X {\r\n}\r\n");
        Assert.Empty(diags.Items);
        Assert.Equal("router_id a; vrrp_instance X { }", Render(doc.Statements));
    }

    [Theory]
    [InlineData("~SEQ(X, 1, 0, 3) a", "k.conf:1:1: error: ~SEQ step must not be 0")]
    [InlineData("~SEQ(X, one) a", "k.conf:1:1: error: 'one' is not a number")]
    [InlineData("~LST({A,B}, {1}) a", "k.conf:1:1: error: ~LST value '{1}' has 1 item(s) for 2 variable(s)")]
    [InlineData("~SEQ X a", "k.conf:1:1: error: loop needs '(' ... ')': ~SEQ(var, start, step, end) or ~LST(var, value, ...)")]
    public void Malformed_loops_are_reported(string line, string expected)
    {
        Assert.Equal([expected], Parse(line).Diags.Items.Select(d => d.ToString()));
    }

    [Fact]
    public void A_runaway_loop_stops_with_a_fatal_error_instead_of_exhausting_memory()
    {
        var diags = new DiagnosticBag();
        ConfParser.ParseText("~SEQ(A, 0, 99) ~SEQ(B, 0, 99) x ${A}.${B}\n", "k.conf", new ConfParseOptions(MaxExpandedLines: 1000), diags);
        Assert.Equal(["k.conf:1:31: fatal: configuration expands to more than 1000 lines; stopping"], diags.Items.Select(d => d.ToString()));
    }
}
