using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace ActorHa.Protocol.Logging;

/// <summary>The node's VRRP lines (see KeepalivedLog.Vrrp.cs for the catalogue as a whole).</summary>
public static partial class KeepalivedLog
{
    public static string InvalidPassword(string instance) => $"({instance}) received an invalid passwd!";

    public static string UnexpectedAuth(string instance, int received, int expected) =>
        Invariant($"({instance}) received a {received} auth, expecting {expected}!");

    public static string UnexpectedAddressCount(string instance, int received, int expected) =>
        Invariant($"({instance}) received an unexpected ip number count {received}, expected {expected}!");

    public static string AddressNotInAdvert(string instance, int vrid, IPAddress missing) =>
        Invariant($"({instance}) ip address associated with VRID {vrid} not present in MASTER advert: {missing}");

    public static string WrongVersion(string instance, int received, int expected) =>
        Invariant($"({instance}) wrong version. Received {received} and expect {expected}");

    public static string VmacCreated(string instance, string vmac) => $"({instance}): Success creating VMAC interface {vmac}";

    public static string VmacRemoved(string instance, string vmac) => $"({instance}) Success removing VMAC interface {vmac}";

    public static string UnknownVrid(int vrid, string device) => Invariant($"Unknown VRID({vrid}) received on interface({device}). ignoring...");

    public static string SendingGratuitous(string instance, string device, IPAddress address, bool ipv6) =>
        ipv6
            ? $"({instance}) Sending/queueing Unsolicited Neighbour Adverts on {device} for {address}"
            : $"({instance}) Sending/queueing gratuitous ARPs on {device} for {address}";

    public static string SendingOneGratuitous(string device, IPAddress address, bool ipv6) =>
        ipv6 ? $"Sending unsolicited Neighbour Advert on {device} for {address}" : $"Sending gratuitous ARP on {device} for {address}";

    /// <summary>smtp_alert's lines: keepalived logs the connection, then the server's 250 for the message.</summary>
    public static string SmtpAlertConnected(IPAddress server, int port) => Invariant($"Remote SMTP server [{server}]:{port} connected.");

    public const string SmtpAlertSent = "SMTP alert successfully sent.";

    /// <summary>
    /// The codec names a structural failure precisely ("TTL 254, expected 255"); keepalived words the common ones
    /// its own way, and that wording is what operators grep for. Anything else is logged as the codec says it.
    /// </summary>
    public static string StructuralFailure(string instance, string codecReason, int version)
    {
        var ttl = TtlReason().Match(codecReason);
        if (ttl.Success)
        {
            return $"({instance}) invalid TTL/HL. Received {ttl.Groups[1].Value} and expect 255";
        }

        if (codecReason.StartsWith("bad checksum", StringComparison.Ordinal))
        {
            return Invariant($"({instance}) Invalid VRRPv{version} checksum");
        }

        var type = TypeReason().Match(codecReason);
        if (type.Success)
        {
            return $"({instance}) Invalid packet type. {type.Groups[1].Value} and expect 1";
        }

        var wrongVersion = VersionReason().Match(codecReason);
        if (wrongVersion.Success)
        {
            return Invariant($"({instance}) wrong version. Received {wrongVersion.Groups[1].Value} and expect {version}");
        }

        return $"({instance}) invalid VRRP packet: {codecReason}";
    }

    [GeneratedRegex(@"^(?:TTL|hop limit) (\d+), expected 255")]
    private static partial Regex TtlReason();

    [GeneratedRegex(@"^type (\d+), expected 1")]
    private static partial Regex TypeReason();

    [GeneratedRegex(@"^version (\d+), expected")]
    private static partial Regex VersionReason();
}
