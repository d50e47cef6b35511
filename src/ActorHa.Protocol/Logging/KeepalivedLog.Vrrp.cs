using System.Globalization;
using System.Net;

using ActorHa.Protocol.StateMachine;

namespace ActorHa.Protocol.Logging;

/// <summary>
/// The one catalogue of every user-visible line ActorHa prints in keepalived's words, character for character as
/// keepalived 2.2.7 prints them (captured in test/ActorHa.Protocol.Tests/Golden/keepalived-log-lines.txt), so log
/// alerts and runbooks written for keepalived keep matching. Do not inline these texts elsewhere. This part: the VRRP
/// state machine's lines; lines keepalived prints only with <c>-D</c> carry <see cref="LogSeverity.Detail"/> where
/// they are emitted. KeepalivedLog.Node.cs: the node's VRRP lines (sockets, drops, GARP); KeepalivedLog.Checkers.cs:
/// the health checkers'.
/// </summary>
public static partial class KeepalivedLog
{
    public static string EnteringBackupStateInit(string instance) => $"({instance}) Entering BACKUP STATE (init)";

    public static string EnteringBackupState(string instance) => $"({instance}) Entering BACKUP STATE";

    public static string EnteringMasterState(string instance) => $"({instance}) Entering MASTER STATE";

    public static string EnteringFaultStateInit(string instance) => $"({instance}) Entering FAULT STATE (init)";

    public static string EnteringFaultState(string instance) => $"({instance}) Entering FAULT STATE";

    public static string ReceiveAdvertisementTimeout(string instance) => $"({instance}) Receive advertisement timeout";

    public static string MasterReceivedHigherPriority(string instance, IPAddress sender, int priority, int ours) =>
        Invariant($"({instance}) Master received advert from {sender} with higher priority {priority}, ours {ours}");

    public static string MasterReceivedSamePriorityHigherAddress(string instance, IPAddress sender, int priority) =>
        Invariant($"({instance}) Master received advert from {sender} with same priority {priority} but higher IP address than ours");

    public static string MasterReceivedPriorityZero(string instance) => $"({instance}) Master received priority 0 message";

    public static string MasterReceivedLowerPriority(string instance, IPAddress sender, int priority, int ours, bool forcingNewElection) =>
        Invariant($"({instance}) Received advert from {sender} with lower priority {priority}, ours {ours}{(forcingNewElection ? ", forcing new election" : "")}");

    public static string BackupReceivedPriorityZero(string instance) => $"({instance}) Backup received priority 0 advertisement";

    public static string BackupDiscardingLowerPriority(string instance, int priority, IPAddress sender) =>
        Invariant($"({instance}) received lower priority ({priority}) advert from {sender} - discarding");

    public static string SentZeroPriority(string instance) => $"({instance}) sent 0 priority";

    public static string SettingVips(string instance) => $"({instance}) setting VIPs.";

    public static string RemovingVips(string instance) => $"({instance}) removing VIPs.";

    public static string ChangingEffectivePriority(string instance, int from, int to) =>
        Invariant($"({instance}) Changing effective priority from {from} to {to}");

    public static string AdvertIntervalUpdatedByMaster(string instance, int fromMs, int toMs) =>
        Invariant($"({instance}) advertisement interval updated from {fromMs}ms to {toMs}ms by master");

    public static string AdvertIntervalBackToConfigured(string instance, int fromMs, int toMs) =>
        Invariant($"({instance}) changing advert interval from {fromMs}ms to locally configured {toMs}ms");

    public static string AdvertIntervalMismatch(string instance, int mineSeconds, int receivedSeconds) =>
        Invariant($"({instance}) advertisement interval mismatch mine={mineSeconds} sec rcv'd={receivedSeconds} sec");

    /// <summary>keepalived prints the delay as seconds and six digits of microseconds: <c>(3.000000)</c>.</summary>
    public static string StartPreemptDelay(string instance, TimeSpan delay) =>
        Invariant($"({instance}) start preempt delay ({(long)delay.TotalSeconds}.{delay.Ticks % TimeSpan.TicksPerSecond / TimeSpan.TicksPerMicrosecond:D6})");

    public static string StopPreemptDelay(string instance) => $"({instance}) stop preempt delay";

    public static string BothAddressOwners(string instance) =>
        $"({instance}) CONFIGURATION ERROR: local instance and a remote instance are both configured as address owner, please fix - reducing local priority";

    public static string EqualPriorityFromOurAddress(string instance) =>
        $"({instance}) WARNING - equal priority advert received from remote host with our IP address.";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
