namespace ActorHa.Node.Checks;

/// <summary>What one check result did to its checker.</summary>
internal enum CheckerTransition
{
    /// <summary>Nothing to announce (still up, still down, or a failure that will be retried).</summary>
    None,

    /// <summary>The first check of a checker that started up passed: keepalived prints its success line once.</summary>
    Confirmed,

    WentUp,

    WentDown,
}

/// <summary>The outcome of one result: the transition and when to check next.</summary>
internal readonly record struct CheckerStep(CheckerTransition Transition, TimeSpan NextCheckIn);

/// <summary>
/// keepalived's per-checker rule, kept out of the actor to be tested on its own: a checker starts up (down with
/// alpha); a failure of an up checker is retried <c>retry</c> times, <c>delay_before_retry</c> apart, before it
/// goes down; any success resets the retries and brings it up; the next regular check is <c>delay_loop</c> later.
/// </summary>
internal sealed class CheckerState(CheckerSettings settings)
{
    public bool Up { get; private set; } = !settings.Alpha;

    /// <summary>Failed attempts since the last success, while up.</summary>
    public int Failures { get; private set; }

    public bool HasRun { get; private set; }

    public CheckerStep OnResult(bool success)
    {
        var first = !HasRun;
        HasRun = true;
        if (success)
        {
            Failures = 0;
            var transition = !Up ? CheckerTransition.WentUp : first ? CheckerTransition.Confirmed : CheckerTransition.None;
            Up = true;
            return new CheckerStep(transition, settings.DelayLoop);
        }

        if (!Up)
        {
            return new CheckerStep(CheckerTransition.None, settings.DelayLoop);
        }

        if (Failures < settings.Retry)
        {
            Failures++;
            return new CheckerStep(CheckerTransition.None, settings.DelayBeforeRetry);
        }

        Failures = 0;
        Up = false;
        return new CheckerStep(CheckerTransition.WentDown, settings.DelayLoop);
    }
}
