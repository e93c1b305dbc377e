using Hotline.Triage;
using Microsoft.Extensions.Options;

namespace Hotline.Functions.DispatchTriage;

/// <summary>How alerts are routed (section <c>Hotline:Dispatch</c>).</summary>
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
}

internal sealed class DispatchOptionsValidator : IValidateOptions<DispatchOptions>
{
    public ValidateOptionsResult Validate(string? name, DispatchOptions options) =>
        RosterLoader.TryUrgency(options.PageAllFrom ?? string.Empty, out _)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("Hotline__Dispatch__PageAllFrom is not one of normal, high, urgent.");
}
