using System.Net;
using ActorHa.Protocol.StateMachine;
using ActorHa.Protocol.Logging;

namespace ActorHa.Protocol.Tests.StateMachine;

/// <summary>The catalogue prints keepalived 2.2.7's lines exactly as observed in its logs.</summary>
public sealed class KeepalivedLogTests
{
    private static readonly IPAddress Peer = IPAddress.Parse("192.0.2.3");

    public static TheoryData<string, string> Lines => new()
    {
        { KeepalivedLog.EnteringBackupStateInit("VI_1"), "(VI_1) Entering BACKUP STATE (init)" },
        { KeepalivedLog.EnteringBackupState("VI_1"), "(VI_1) Entering BACKUP STATE" },
        { KeepalivedLog.EnteringMasterState("VI_1"), "(VI_1) Entering MASTER STATE" },
        { KeepalivedLog.EnteringFaultState("VI_1"), "(VI_1) Entering FAULT STATE" },
        { KeepalivedLog.ReceiveAdvertisementTimeout("VI_1"), "(VI_1) Receive advertisement timeout" },
        { KeepalivedLog.MasterReceivedHigherPriority("VI_1", Peer, 150, 100), "(VI_1) Master received advert from 192.0.2.3 with higher priority 150, ours 100" },
        { KeepalivedLog.MasterReceivedLowerPriority("VI_1", IPAddress.Parse("192.0.2.2"), 100, 150, true), "(VI_1) Received advert from 192.0.2.2 with lower priority 100, ours 150, forcing new election" },
        { KeepalivedLog.BackupReceivedPriorityZero("VI_1"), "(VI_1) Backup received priority 0 advertisement" },
        { KeepalivedLog.BackupDiscardingLowerPriority("VI_1", 100, IPAddress.Parse("192.0.2.2")), "(VI_1) received lower priority (100) advert from 192.0.2.2 - discarding" },
        { KeepalivedLog.SentZeroPriority("VI_1"), "(VI_1) sent 0 priority" },
        { KeepalivedLog.SettingVips("VI_1"), "(VI_1) setting VIPs." },
        { KeepalivedLog.RemovingVips("VI_1"), "(VI_1) removing VIPs." },
        { KeepalivedLog.ChangingEffectivePriority("VI_1", 100, 160), "(VI_1) Changing effective priority from 100 to 160" },
        { KeepalivedLog.AdvertIntervalUpdatedByMaster("VI_1", 1000, 3000), "(VI_1) advertisement interval updated from 1000ms to 3000ms by master" },
        { KeepalivedLog.StartPreemptDelay("VI_1", TimeSpan.FromSeconds(3)), "(VI_1) start preempt delay (3.000000)" },
        { KeepalivedLog.StartPreemptDelay("VI_1", TimeSpan.FromMilliseconds(4120)), "(VI_1) start preempt delay (4.120000)" },
        { KeepalivedLog.BothAddressOwners("VI_1"), "(VI_1) CONFIGURATION ERROR: local instance and a remote instance are both configured as address owner, please fix - reducing local priority" },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void Log_lines_match_keepalived(string actual, string expected) => Assert.Equal(expected, actual);
}
