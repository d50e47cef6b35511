using System.Net;
using System.Net.Sockets;
using ActorHa.Config.Model;
using ActorHa.Node.Actors;
using ActorHa.Node.Scripts;
using ActorHa.Tests.Shared;
using Akka.Actor;
using Akka.TestKit.Xunit2;

namespace ActorHa.Node.Tests.Actors;

/// <summary>smtp_alert against a real SMTP listener on loopback that records the dialogue.</summary>
public sealed class SmtpAlertTests : TestKit
{
    [Fact]
    public void A_master_transition_with_smtp_alert_mails_every_recipient_in_keepalived_words()
    {
        using var smtp = new SmtpSink(new IPEndPoint(IPAddress.Loopback, 0));
        var settings = new SmtpSettings(new SmtpServer(IPAddress.Loopback, smtp.EndPoint.Port), ["ops@example.org", "oncall@example.org"], "lb1@example.org", "lb1", "lb1", TimeSpan.FromSeconds(5));
        var notifier = Sys.ActorOf(Notifier.Props(Notifier.Settings.Default with { Smtp = settings }));

        notifier.Tell(new Notifier.Notify(Notifier.Target.Instance, "VI_1", Notifier.State.Master, 150, NotifyScripts.None) { SmtpAlert = true });
        notifier.Tell(new Notifier.Notify(Notifier.Target.Instance, "VI_2", Notifier.State.Master, 150, NotifyScripts.None) { SmtpAlert = false });
        notifier.Tell(Notifier.Drain.Instance);
        ExpectMsg<Notifier.Drained>(TimeSpan.FromSeconds(15));

        AwaitCondition(() => !smtp.Transcripts.IsEmpty, TimeSpan.FromSeconds(5));
        var mail = Assert.Single(smtp.Transcripts);
        Assert.Contains("HELO lb1\n", mail, StringComparison.Ordinal);
        Assert.Contains("MAIL FROM:<lb1@example.org>\n", mail, StringComparison.Ordinal);
        Assert.Contains("RCPT TO:<ops@example.org>\nRCPT TO:<oncall@example.org>\n", mail, StringComparison.Ordinal);
        Assert.Contains("Subject: [lb1] VRRP Instance VI_1 - Entering MASTER state\n", mail, StringComparison.Ordinal);
        Assert.Contains("=> VRRP Instance is now owning VRRP VIPs <=\n", mail, StringComparison.Ordinal);
        Assert.EndsWith("QUIT\n", mail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_smtp_server_is_reported_not_thrown()
    {
        var port = new TcpListener(IPAddress.Loopback, 0);
        port.Start();
        var closed = ((IPEndPoint)port.LocalEndpoint).Port;
        port.Stop();
        var settings = new SmtpSettings(new SmtpServer(IPAddress.Loopback, closed), ["ops@example.org"], "a@example.org", "lb1", "lb1", TimeSpan.FromSeconds(2));
        var error = await SmtpAlert.SendAsync(settings, "s", "b", DateTimeOffset.UnixEpoch);
        Assert.StartsWith($"SMTP connection to 127.0.0.1:{closed} failed", error, StringComparison.Ordinal);
        Assert.Equal("Thu, 01 Jan 1970 00:00:00 +0000", SmtpAlert.RfcDate(DateTimeOffset.UnixEpoch));
    }
}
