using Hotline.Dispatch;
using Hotline.Triage;
using Microsoft.Extensions.Options;

namespace Hotline.Escalation;

/// <summary>
/// Which alerts wait for an acknowledgement, and how long (section <c>Hotline:Escalation</c>). An alert at or above
/// <see cref="MinUrgency"/> not acknowledged within <see cref="AckWithin"/> pages its responders again, then the
/// escalation list, then everyone: the whole roster has it after three times <see cref="AckWithin"/> at most.
/// </summary>
public sealed class EscalationOptions
{
    public const string SectionName = "Hotline:Escalation";

    /// <summary>The escalation steps after the first page: re-page, escalation list, everyone.</summary>
    public const int LastStep = 3;

    /// <summary><c>normal</c>, <c>high</c>, <c>urgent</c> (default), or <c>off</c>: no alert waits for an acknowledgement.</summary>
    public string MinUrgency { get; set; } = "urgent";

    /// <summary>How long an alert waits for an acknowledgement before each step (default 5 minutes).</summary>
    public TimeSpan AckWithin { get; set; } = TimeSpan.FromMinutes(5);

    public bool Enabled => !string.Equals(MinUrgency?.Trim(), "off", StringComparison.OrdinalIgnoreCase);

    public Urgency MinUrgencyLevel => RosterLoader.TryUrgency(MinUrgency ?? string.Empty, out var u) ? u : Urgency.Urgent;

    /// <summary>Whether an alert of <paramref name="urgency"/> (null: unknown, as an unreadable digest entry) waits for an ACK.</summary>
    public bool Applies(Urgency? urgency) => Enabled && (urgency is null || urgency >= MinUrgencyLevel);
}

internal sealed class EscalationOptionsValidator : IValidateOptions<EscalationOptions>
{
    public ValidateOptionsResult Validate(string? name, EscalationOptions options)
    {
        if (options.Enabled && !RosterLoader.TryUrgency(options.MinUrgency ?? string.Empty, out _))
        {
            return ValidateOptionsResult.Fail("Hotline__Escalation__MinUrgency is not one of normal, high, urgent, off.");
        }

        return options.AckWithin >= TimeSpan.FromSeconds(1) && options.AckWithin <= TimeSpan.FromHours(1)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("Hotline__Escalation__AckWithin must be between 00:00:01 and 01:00:00.");
    }
}
