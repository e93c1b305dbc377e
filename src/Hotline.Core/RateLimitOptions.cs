namespace Hotline;

public sealed class RateLimitOptions
{
    /// <summary>Intake requests allowed per client address per minute; 0 turns the limiter off.</summary>
    public int PerMinute { get; set; } = 10;

    /// <summary>
    /// Twilio webhook requests refused for their signature allowed per client address per minute; past it,
    /// further refused signatures are answered 429 and not logged; 0 turns it off. A validly signed request is
    /// never counted or refused by it (Twilio's addresses also carry other accounts' wrongly signed requests).
    /// </summary>
    public int RefusalsPerMinute { get; set; } = 10;

    /// <summary>
    /// Intake requests allowed per minute from all addresses together; 0 turns it off. Far above a hotline's
    /// real load (a busy one takes dozens of reports a day), it stops a distributed flood from paging
    /// responders without end: past it, tipsters are asked to retry in a minute.
    /// </summary>
    public int GlobalPerMinute { get; set; } = 300;
}
