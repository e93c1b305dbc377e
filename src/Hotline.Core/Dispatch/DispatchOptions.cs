using Hotline.Triage;
using Microsoft.Extensions.Options;

namespace Hotline.Dispatch;

/// <summary>
/// How alerts are routed (section <c>Hotline:Dispatch</c>). How their HTTP requests are retried and timed is
/// <see cref="Twilio.HttpDeliveryOptions"/> (<c>Hotline:Dispatch:Http</c>): the Twilio clients use those without
/// dispatch (the responder tool's replies, media, deletions), so they live with the clients.
/// </summary>
public sealed class DispatchOptions
{
    public const string SectionName = "Hotline:Dispatch";

    /// <summary>
    /// Alerts of this urgency and above page every responder whose MinUrgency allows it; below it,
    /// only the first eligible responder who can be reached. Default <c>urgent</c>: a "high" report
    /// (signs of exploitation, no immediate danger) needs one responder, not the whole team at 3 a.m.
    /// <c>normal</c> pages everyone for everything.
    /// </summary>
    public string PageAllFrom { get; set; } = "urgent";

    public Urgency PageAllFromUrgency => RosterLoader.TryUrgency(PageAllFrom ?? string.Empty, out var u) ? u : Urgency.Urgent;

    /// <summary>
    /// A surge: more alerts than this in one <see cref="DigestWindow"/>, counted across all instances.
    /// Beyond it, alerts are no longer paged one by one but gathered into a digest that DispatchDigest
    /// sends every minute (urgent ones included: twenty forged urgent tips must not bury a real one
    /// behind an hour of paced SMS). 0 pages every alert on its own, however many come.
    /// </summary>
    public int DigestAfter { get; set; } = 20;

    /// <summary>The span <see cref="DigestAfter"/> counts in (fixed windows from midnight UTC).</summary>
    public TimeSpan DigestWindow { get; set; } = TimeSpan.FromMinutes(10);
}

internal sealed class DispatchOptionsValidator : IValidateOptions<DispatchOptions>
{
    public ValidateOptionsResult Validate(string? name, DispatchOptions options)
    {
        if (!RosterLoader.TryUrgency(options.PageAllFrom ?? string.Empty, out _))
        {
            return ValidateOptionsResult.Fail("Hotline__Dispatch__PageAllFrom is not one of normal, high, urgent.");
        }

        if (options.DigestAfter < 0)
        {
            return ValidateOptionsResult.Fail("Hotline__Dispatch__DigestAfter must be 0 (never digest) or more.");
        }

        return options.DigestWindow >= TimeSpan.FromMinutes(1) && options.DigestWindow <= TimeSpan.FromDays(1)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("Hotline__Dispatch__DigestWindow must be between 00:01:00 and 1.00:00:00.");
    }
}
