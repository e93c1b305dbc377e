namespace Hotline;

/// <summary>
/// Intake's admission budgets, per minute (<c>Hotline__RateLimit__...</c>): fairness per client and per network, so
/// a flood cannot spend what a real tipster needs. Each is 0 to turn it off.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>Intake requests per client per minute: an IPv4 address, an IPv6 /64.</summary>
    public int PerMinute { get; set; } = 10;

    /// <summary>
    /// Intake requests per network per minute, all its clients together: an IPv4 /24, an IPv6 /56. Far above what real
    /// tipsters of one network send (a busy hotline takes dozens of reports a day), it keeps one network from minting
    /// clients out of its addresses.
    /// </summary>
    public int NetworkPerMinute { get; set; } = 60;

    /// <summary>Intake requests per IPv6 site (/48) per minute, all its networks together.</summary>
    public int SitePerMinute { get; set; } = 200;

    /// <summary>
    /// Twilio webhook requests refused for their signature allowed per client address per minute; past it,
    /// further refused signatures are answered 429 and not logged; 0 turns it off. A validly signed request is
    /// never counted or refused by it (Twilio's addresses also carry other accounts' wrongly signed requests).
    /// </summary>
    public int RefusalsPerMinute { get; set; } = 10;

    /// <summary>
    /// A cost ceiling for all clients together, off (0) by default: a global cap turns an attack on the responders
    /// (which the digest already absorbs) into an attack on the tipsters, since it refuses clients within their own
    /// budgets. Where a deployment must bound storage cost, set it far above the networks' budgets (at least
    /// <see cref="CeilingFloor"/>).
    /// </summary>
    public int GlobalPerMinute { get; set; }

    /// <summary>The least ceiling start-up accepts: ten networks sending at their budget.</summary>
    public static int CeilingFloor(RateLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return 10 * Math.Max(options.NetworkPerMinute, options.PerMinute);
    }
}
