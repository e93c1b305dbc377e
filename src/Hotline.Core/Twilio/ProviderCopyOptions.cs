using Microsoft.Extensions.Options;

namespace Hotline.Twilio;

/// <summary>Settings of <see cref="ProviderCopies"/> (<c>Hotline__Twilio__*</c>).</summary>
public sealed class ProviderCopyOptions
{
    public const string SectionName = "Hotline:Twilio";

    /// <summary>Delete each inbound message from Twilio's message log once Hotline has answered and stored it.</summary>
    public bool DeleteProviderCopies { get; set; } = true;

    /// <summary>
    /// How long after the webhook's answer the deletion is first tried: Twilio refuses to delete a message it
    /// has not finished with, and it finishes an inbound one only once it has our reply.
    /// </summary>
    public TimeSpan DeleteAfter { get; set; } = TimeSpan.FromMinutes(1);
}

internal sealed class ProviderCopyOptionsValidator : IValidateOptions<ProviderCopyOptions>
{
    public ValidateOptionsResult Validate(string? name, ProviderCopyOptions options) =>
        options.DeleteAfter >= TimeSpan.Zero && options.DeleteAfter <= TimeSpan.FromDays(7)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("Hotline__Twilio__DeleteAfter must be between 00:00:00 and 7.00:00:00 (a queue message's longest initial delay).");
}
