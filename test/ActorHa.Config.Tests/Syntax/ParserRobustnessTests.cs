using ActorHa.Config.Diagnostics;
using ActorHa.Config.Syntax;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace ActorHa.Config.Tests.Syntax;

/// <summary>No input, random or a mutated real config, makes the parser throw or hang.</summary>
public sealed class ParserRobustnessTests
{
    private const string RealConfig = """
        global_defs {
            notification_email {
                ops@example.org
            }
            router_id lb1
        }
        vrrp_script chk_http_port {
            script "</dev/tcp/127.0.0.1/80"
            interval 1
            weight -10
        }
        $VIP=192.0.2.10/24
        vrrp_instance VI_1 {
            state MASTER
            interface eth0
            @lb1 priority 150
            @^lb1 priority 100
            virtual_router_id 51
            authentication {
                auth_type PASS
                auth_pass "1111"
            }
            virtual_ipaddress {
                $VIP dev eth0 label eth0:1
                ~SEQ(N, 1, 3) 198.51.100.${N}
            }
            track_script {
                chk_http_port
            }
        }
        """;

    private static readonly char[] Alphabet = "{}\"'\\$@~#!()=,.:/ \t\nabcSEQLSTx019_".ToCharArray();

    private static void MustNotThrow(string text)
    {
        var diags = new DiagnosticBag();
        var task = Task.Run(() => ConfParser.ParseText(text, "fuzz.conf", new ConfParseOptions("lb1"), diags));
        Assert.True(task.Wait(TimeSpan.FromSeconds(30)), "parser hung");
    }

    [Property(MaxTest = 300)]
    public void Parser_never_throws_on_arbitrary_text(string? text) => MustNotThrow(text ?? "");

    [Property(MaxTest = 300)]
    public Property Parser_never_throws_on_text_made_of_syntax_characters() =>
        Prop.ForAll(
            Gen.Elements(Alphabet).ArrayOf().Select(cs => new string(cs)).ToArbitrary(),
            text => MustNotThrow(text));

    [Property(MaxTest = 300)]
    public Property Parser_never_throws_on_mutated_real_configs() =>
        Prop.ForAll(
            (from at in Gen.Choose(0, RealConfig.Length - 1)
             from cut in Gen.Choose(0, 40)
             from insert in Gen.Elements(Alphabet).ArrayOf()
             select RealConfig[..at] + new string(insert) + RealConfig[Math.Min(RealConfig.Length, at + cut)..]).ToArbitrary(),
            text => MustNotThrow(text));
}
