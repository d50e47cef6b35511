using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorHa.Config.Model;
using ActorHa.Node.Actors;
using ActorHa.Node.Scripts;
using Akka.Actor;
using Akka.TestKit.Xunit2;

namespace ActorHa.Node.Tests.Actors;

/// <summary>smtp_alert against a real SMTP listener on loopback that records the dialogue.</summary>
public sealed class SmtpAlertTests : TestKit
{
    /// <summary>A tiny SMTP server: answers the dialogue and keeps each message's commands and data.</summary>
    private sealed class SmtpListener : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();

        public SmtpListener()
        {
            _listener.Start();
            _ = Task.Run(AcceptLoop);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public System.Collections.Concurrent.ConcurrentQueue<string> Transcripts { get; } = new();

        private async Task AcceptLoop()
        {
            while (!_stop.IsCancellationRequested)
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                using var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII);
                await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
                var transcript = new StringBuilder();
                await writer.WriteLineAsync("220 test ESMTP");
                var inData = false;
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    transcript.Append(line).Append('\n');
                    if (inData)
                    {
                        if (line == ".")
                        {
                            inData = false;
                            await writer.WriteLineAsync("250 queued");
                        }

                        continue;
                    }

                    if (line.StartsWith("DATA", StringComparison.Ordinal))
                    {
                        inData = true;
                        await writer.WriteLineAsync("354 go ahead");
                    }
                    else if (line.StartsWith("QUIT", StringComparison.Ordinal))
                    {
                        await writer.WriteLineAsync("221 bye");
                        break;
                    }
                    else
                    {
                        await writer.WriteLineAsync("250 ok");
                    }
                }

                Transcripts.Enqueue(transcript.ToString());
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }
    }

    [Fact]
    public void A_master_transition_with_smtp_alert_mails_every_recipient_in_keepalived_words()
    {
        using var smtp = new SmtpListener();
        var settings = new SmtpSettings(new SmtpServer(IPAddress.Loopback, smtp.Port), ["ops@example.org", "oncall@example.org"], "lb1@example.org", "lb1", "lb1", TimeSpan.FromSeconds(5));
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
