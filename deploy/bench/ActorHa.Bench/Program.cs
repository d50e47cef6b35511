using System.Diagnostics;
using System.Globalization;
using System.Net;
using ActorHa.Protocol.Vrrp;

// Measures the VRRP codec on one thread: adverts per second per core for parse and build, and bytes
// allocated per operation. Run: dotnet run -c Release --project deploy/bench/ActorHa.Bench [seconds-per-case]
var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 2.0;

IPAddress[] vips = [IPAddress.Parse("192.0.2.100"), IPAddress.Parse("198.51.100.7"), IPAddress.Parse("203.0.113.9")];
IPAddress[] vips6 = [IPAddress.Parse("2001:db8::100"), IPAddress.Parse("2001:db8::101")];
var source4 = IPAddress.Parse("192.0.2.1");
var group4 = IPAddress.Parse("224.0.0.18");
var source6 = IPAddress.Parse("fe80::1");
var group6 = IPAddress.Parse("ff02::12");

var v2Spec = new VrrpAdvertSpec(VrrpVersion.V2, VrrpAddressFamily.IPv4, 51, 100, 1) { Auth = VrrpAuth.SimpleText("1234") };
var v3Spec = new VrrpAdvertSpec(VrrpVersion.V3, VrrpAddressFamily.IPv4, 51, 100, 100);
var v6Spec = new VrrpAdvertSpec(VrrpVersion.V3, VrrpAddressFamily.IPv6, 51, 100, 100);

var v2Datagram = new byte[64];
v2Datagram = v2Datagram[..VrrpCodec.BuildIPv4Datagram(v2Datagram, v2Spec, vips, source4, group4)];
var v3Datagram = new byte[64];
v3Datagram = v3Datagram[..VrrpCodec.BuildIPv4Datagram(v3Datagram, v3Spec, vips, source4, group4)];
var v6Payload = new byte[64];
v6Payload = v6Payload[..VrrpCodec.BuildAdvert(v6Payload, v6Spec, vips6, source6, group6)];

var v2Options = new VrrpParseOptions { ExpectedAuth = VrrpAuth.SimpleText("1234") };
var buffer = new byte[128];

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"VRRP codec, {Environment.ProcessorCount} cores visible, .NET {Environment.Version}, {seconds}s per case, one thread"));
Run("parse v2 IPv4 datagram, PASS auth, 3 VIPs", () => VrrpCodec.TryParseIPv4Datagram(v2Datagram, v2Options, out _, out _, out _, out _) ? 1 : 0);
Run("parse v3 IPv4 datagram (pseudo-header), 3 VIPs", () => VrrpCodec.TryParseIPv4Datagram(v3Datagram, VrrpParseOptions.Default, out _, out _, out _, out _) ? 1 : 0);
Run("parse v3 IPv6 payload, 2 VIPs", () => VrrpCodec.TryParseIPv6Payload(v6Payload, 255, source6, group6, VrrpParseOptions.Default, out _, out _) ? 1 : 0);
Run("build v2 IPv4 advert, PASS auth, 3 VIPs", () => VrrpCodec.BuildAdvert(buffer, v2Spec, vips));
Run("build v3 IPv4 advert (pseudo-header), 3 VIPs", () => VrrpCodec.BuildAdvert(buffer, v3Spec, vips, source4, group4));
Run("build v3 IPv6 advert, 2 VIPs", () => VrrpCodec.BuildAdvert(buffer, v6Spec, vips6, source6, group6));

void Run(string name, Func<int> operation)
{
    // Warm up past tiered compilation so the steady state is measured.
    var check = 0;
    var warmUp = Stopwatch.StartNew();
    while (warmUp.Elapsed.TotalSeconds < Math.Min(0.5, seconds / 2))
    {
        check += operation();
    }

    long operations = 0;
    var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed.TotalSeconds < seconds)
    {
        for (var i = 0; i < 10_000; i++)
        {
            check += operation();
        }

        operations += 10_000;
    }

    clock.Stop();
    var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-50} {operations / clock.Elapsed.TotalSeconds,14:N0} adverts/s/core  {clock.Elapsed.TotalNanoseconds / operations,7:F1} ns/op  {(double)allocated / operations,6:F2} B/op  (check {check != 0})"));
}
