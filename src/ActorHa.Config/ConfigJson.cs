using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using ActorHa.Config.Diagnostics;
using ActorHa.Config.Model;

namespace ActorHa.Config;

/// <summary>
/// The resolved model as JSON (<c>actorha check --dump</c>): camelCase keys after keepalived's words
/// (<c>virtualRouterId</c>, <c>advertInt</c>), addresses as text, durations in seconds, enums in keepalived's
/// spelling (<c>MASTER</c>, <c>HTTP_GET</c>), unset values left out.
/// </summary>
public static class ConfigJson
{
    internal static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters =
        {
            new IpAddressConverter(),
            new IpPrefixConverter(),
            new SecondsConverter(),
            new FamilyConverter(),
            new LocationConverter(),
            new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper),
        },
    };

    public static string Serialize(KeepalivedConfig config) => JsonSerializer.Serialize(config, Options);

    private sealed class IpAddressConverter : JsonConverter<IPAddress>
    {
        public override IPAddress Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            IPAddress.Parse(reader.GetString()!);

        public override void Write(Utf8JsonWriter writer, IPAddress value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
    }

    private sealed class IpPrefixConverter : JsonConverter<IpPrefix>
    {
        public override IpPrefix Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("the dump is one-way");

        public override void Write(Utf8JsonWriter writer, IpPrefix value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
    }

    private sealed class SecondsConverter : JsonConverter<TimeSpan>
    {
        public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            TimeSpan.FromTicks((long)(reader.GetDecimal() * TimeSpan.TicksPerSecond));

        public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
            writer.WriteRawValue(Binding.ConfValues.FormatSeconds(value));
    }

    private sealed class FamilyConverter : JsonConverter<AddressFamily>
    {
        public override AddressFamily Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetString() == "inet6" ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;

        public override void Write(Utf8JsonWriter writer, AddressFamily value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value == AddressFamily.InterNetworkV6 ? "inet6" : "inet");
    }

    private sealed class LocationConverter : JsonConverter<SourceLocation>
    {
        public override SourceLocation Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("the dump is one-way");

        public override void Write(Utf8JsonWriter writer, SourceLocation value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
    }
}
