using System.Security.Cryptography;
using Hotline.Functions.Texts;
using Microsoft.AspNetCore.Components;

namespace Hotline.Functions.TipForm;

/// <summary>
/// The form: empty, or with the tipster's draft and the idempotency key it was sent with, and an error tied to its
/// field, after a refusal (a draft typed for twenty minutes must survive a rejection, and its retry must not file a
/// second report). Plain HTML that works with JavaScript off, on a small phone and in Tor Browser's safest mode.
/// </summary>
public sealed partial class FormPage
{
    [Parameter, EditorRequired]
    public required FormTexts Texts { get; set; }

    /// <summary>
    /// What was typed, given back as it was: the template writes a line break after <c>&lt;textarea&gt;</c>, which the
    /// HTML parser eats, so a draft that starts with one keeps it.
    /// </summary>
    [Parameter]
    public FormDraft? Draft { get; set; }

    [Parameter]
    public FormError? Error { get; set; }

    // A right-to-left page writes right to left: dir=auto would turn an Arabic report that starts with a case number
    // (Latin letters) left to right. A left-to-right page may still be written in Arabic.
    private string Direction => Texts.RightToLeft ? "rtl" : "auto";

    private string Described(string field, string hint) => Error?.Field == field ? $"{field}-error {hint}" : hint;

    /// <summary><c>aria-invalid="true"</c> on the field the error is about; null leaves the attribute out.</summary>
    private string? Invalid(string field) => Error?.Field == field ? "true" : null;

    private static string NewIdempotencyKey() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
