using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
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
    public void A_master_transition_with_smtp_alert_mails_every_recipient_as_keepalived_does()
    {
        using var smtp = new SmtpSink(new IPEndPoint(IPAddress.Loopback, 0));
        var port = smtp.EndPoint.Port;
        var settings = new SmtpSettings(new SmtpServer(IPAddress.Loopback, port), ["ops@example.org", "oncall@example.org"], "lb1@example.org", "lb1", "lb1", TimeSpan.FromSeconds(5));
        var notifier = Sys.ActorOf(Notifier.Props(Notifier.Settings.Default with { Smtp = settings }));

        EventFilter.Info($"Remote SMTP server [127.0.0.1]:{port} connected.").ExpectOne(() =>
            EventFilter.Info("SMTP alert successfully sent.").ExpectOne(() =>
            {
                notifier.Tell(new Notifier.Notify(Notifier.Target.Instance, "VI_1", Notifier.State.Master, 150, NotifyScripts.None) { SmtpAlert = true });
                notifier.Tell(new Notifier.Notify(Notifier.Target.Instance, "VI_2", Notifier.State.Master, 150, NotifyScripts.None) { SmtpAlert = false });
                notifier.Tell(Notifier.Drain.Instance);
                ExpectMsg<Notifier.Drained>(TimeSpan.FromSeconds(15));
            }));

        AwaitCondition(() => !smtp.Transcripts.IsEmpty, TimeSpan.FromSeconds(5));
        var mail = Assert.Single(smtp.Transcripts);
        Assert.Matches(@"\nDate: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}\n", mail);
        // keepalived 2.2.7's message (captured in the lab, NotifyTests): X-Mailer: Keepalived, and an empty line before the dot.
        Assert.Equal(
            """
            HELO lb1
            MAIL FROM:<lb1@example.org>
            RCPT TO:<ops@example.org>
            RCPT TO:<oncall@example.org>
            DATA
            From: lb1@example.org
            Subject: [lb1] VRRP Instance VI_1 - Entering MASTER state
            X-Mailer: Keepalived
            To: ops@example.org, oncall@example.org

            => VRRP Instance is now owning VRRP VIPs <=

            .
            QUIT

            """,
            Regex.Replace(mail, "^Date: .*\n", "", RegexOptions.Multiline));
    }

    [Fact]
    public async Task An_unreachable_smtp_server_is_reported_not_thrown()
    {
        var port = new TcpListener(IPAddress.Loopback, 0);
        port.Start();
        var closed = ((IPEndPoint)port.LocalEndpoint).Port;
        port.Stop();
        var settings = new SmtpSettings(new SmtpServer(IPAddress.Loopback, closed), ["ops@example.org"], "a@example.org", "lb1", "lb1", TimeSpan.FromSeconds(2));
        var outcome = await SmtpAlert.SendAsync(settings, "s", "b", DateTimeOffset.UnixEpoch);
        Assert.False(outcome.Connected);
        Assert.StartsWith($"SMTP connection to 127.0.0.1:{closed} failed", outcome.Error, StringComparison.Ordinal);
        Assert.Equal("Thu, 01 Jan 1970 00:00:00 +0000", SmtpAlert.RfcDate(DateTimeOffset.UnixEpoch));
    }
}
