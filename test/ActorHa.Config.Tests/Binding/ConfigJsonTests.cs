using System.Text.Json;

namespace ActorHa.Config.Tests.Binding;

public sealed class ConfigJsonTests
{
    [Fact]
    public void Dump_uses_keepalived_words_in_camel_case_and_addresses_as_text()
    {
        var config = Compile.Clean("$VIP=192.0.2.10/24\n" + Compile.Instance("  state MASTER\n  advert_int 2", vip: "$VIP"));
        using var json = JsonDocument.Parse(ConfigJson.Serialize(config));
        var instance = json.RootElement.GetProperty("vrrpInstances")[0];
        Assert.Equal("VI_1", instance.GetProperty("name").GetString());
        Assert.Equal("MASTER", instance.GetProperty("state").GetString());
        Assert.Equal(51, instance.GetProperty("virtualRouterId").GetInt32());
        Assert.Equal(255, instance.GetProperty("priority").GetInt32());
        Assert.Equal(2, instance.GetProperty("advertInt").GetDouble());
        Assert.Equal("inet", instance.GetProperty("family").GetString());
        Assert.Equal("192.0.2.10/24", instance.GetProperty("virtualIpaddress")[0].GetProperty("address").GetString());
        Assert.Equal("k.conf:2:1", instance.GetProperty("location").GetString());
        Assert.Equal("224.0.0.18", json.RootElement.GetProperty("globalDefs").GetProperty("vrrpMcastGroup4").GetString());
        Assert.False(instance.TryGetProperty("authentication", out _));
    }

    [Fact]
    public void Checker_kinds_and_methods_are_spelled_as_in_keepalived_conf()
    {
        var config = Compile.Clean("virtual_server 192.0.2.1 80 {\n  protocol TCP\n  lb_algo rr\n  lb_kind DR\n  real_server 192.0.2.2 80 {\n    HTTP_GET {\n      url {\n        path /\n      }\n    }\n  }\n}\n");
        using var json = JsonDocument.Parse(ConfigJson.Serialize(config));
        var vs = json.RootElement.GetProperty("virtualServers")[0];
        Assert.Equal("DR", vs.GetProperty("lvsMethod").GetString());
        Assert.Equal("TCP", vs.GetProperty("protocol").GetString());
        Assert.Equal("HTTP_GET", vs.GetProperty("realServers")[0].GetProperty("checkers")[0].GetProperty("kind").GetString());
    }
}
