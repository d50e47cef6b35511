using ActorHa.Protocol.Vrrp;

namespace ActorHa.Protocol.StateMachine;

/// <summary>
/// Timer arithmetic of RFC 3768 6.1 (v2, seconds) and RFC 5798 6.1 (v3, centiseconds). Results are exact to the
/// 100 ns tick rather than rounded to the RFC's unit, so both versions give the same value for the same inputs.
/// </summary>
public static class VrrpTimers
{
    private const long TicksPerCentisecond = TimeSpan.TicksPerMillisecond * 10;

    /// <summary>The largest Max Advert Interval a v3 advert can carry: the field is 12 bits (RFC 5798 5.2.7).</summary>
    public const int MaxAdvertIntervalLimitCs = 4095;

    /// <summary>A duration given in centiseconds, the unit of the v3 Max Advert Interval field.</summary>
    public static TimeSpan FromCentiseconds(int centiseconds) => TimeSpan.FromTicks(centiseconds * TicksPerCentisecond);

    /// <summary>
    /// Skew_Time. v2 (RFC 3768): (256 - Priority) / 256 seconds. v3 (RFC 5798):
    /// ((256 - Priority) * Master_Adver_Interval) / 256 centiseconds.
    /// </summary>
    public static TimeSpan SkewTime(VrrpVersion version, byte priority, int masterAdverIntervalCs)
    {
        long unitTicks = version == VrrpVersion.V2 ? TimeSpan.TicksPerSecond : masterAdverIntervalCs * TicksPerCentisecond;
        return TimeSpan.FromTicks((256 - priority) * unitTicks / 256);
    }

    /// <summary>
    /// Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time. In v2 the interval is our own
    /// Advertisement_Interval, which RFC 3768 requires every router to share.
    /// </summary>
    public static TimeSpan MasterDownInterval(VrrpVersion version, byte priority, int masterAdverIntervalCs) =>
        3 * FromCentiseconds(masterAdverIntervalCs) + SkewTime(version, priority, masterAdverIntervalCs);
}
