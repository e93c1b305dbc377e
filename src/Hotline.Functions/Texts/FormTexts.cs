using System.Text.Json.Serialization;

namespace Hotline.Functions.Texts;

/// <summary>
/// The web form's words in one language (the <c>form</c> section of its catalogue file). Every key is
/// required: a file missing one stops start-up, and the catalogue tests name it. Public because the pages (Razor
/// components, always public classes) take it as a parameter.
/// </summary>
public sealed record FormTexts : CatalogueSection
{
    [JsonIgnore]
    public string Direction => RightToLeft ? "rtl" : "ltr";

    public required string Title { get; init; }

    public required string Intro { get; init; }

    public required string Emergency { get; init; }

    public required string WhatHappens { get; init; }

    public required string MessageLabel { get; init; }

    public required string MessageHint { get; init; }

    public required string LocationLabel { get; init; }

    public required string ContactLabel { get; init; }

    public required string ContactHint { get; init; }

    public required string Submit { get; init; }

    public required string QuickExit { get; init; }

    public required string QuickExitHint { get; init; }

    /// <summary>One everyday word ("weather") the quick exit searches for, so the history shows nothing of note.</summary>
    public required string ExitSearch { get; init; }

    public required string ThankYouTitle { get; init; }

    public required string ReceiptIntro { get; init; }

    public required string ReceiptKeep { get; init; }

    public required string ErrorTitle { get; init; }

    public required string ErrorBack { get; init; }

    public required string ErrorMessageMissing { get; init; }

    public required string ErrorMessageTooLong { get; init; }

    public required string ErrorInvalid { get; init; }

    public required string ErrorTooLarge { get; init; }

    public required string ErrorTooMany { get; init; }

    public required string ErrorUnavailable { get; init; }

    public required string PageTitle { get; init; }

    public required string PrivateNote { get; init; }

    public required string Sending { get; init; }

    public required string LanguageMenu { get; init; }

    public required string NextSteps { get; init; }

    /// <summary>"You can also text the hotline at {0}": <c>{0}</c> is the hotline's number.</summary>
    public required string TextUs { get; init; }

    public required string ErrorSummary { get; init; }


    // The follow-up: the code on the thank-you page, the code page and the conversation.
    public required string FollowUpCodeIntro { get; init; }

    public required string FollowUpCodeKeep { get; init; }

    public required string FollowUpCodeWhen { get; init; }

    public required string FollowUpLink { get; init; }

    public required string FollowUpTitle { get; init; }

    public required string FollowUpIntro { get; init; }

    public required string CodeLabel { get; init; }

    public required string CodeHint { get; init; }

    public required string CodeSubmit { get; init; }

    public required string FollowUpWrong { get; init; }

    public required string FollowUpTooMany { get; init; }

    public required string FollowUpExpired { get; init; }

    public required string FollowUpNewReport { get; init; }

    public required string StatusLabel { get; init; }

    public required string StatusReceived { get; init; }

    public required string StatusHandled { get; init; }

    public required string StatusClosed { get; init; }

    public required string FollowUpYouWrote { get; init; }

    public required string FollowUpAnswer { get; init; }

    public required string FollowUpNoAnswer { get; init; }

    public required string FollowUpAddLabel { get; init; }

    public required string FollowUpAddSubmit { get; init; }

    public required string FollowUpAdded { get; init; }

    public static FormTexts English => TextCatalogue.English.Form;

    /// <summary>The texts for a requested language (<c>ar</c>, <c>fa-AF</c>, <c>sr</c> ...), English when there are none.</summary>
    public static FormTexts For(string? language) => (TextCatalogue.Find(language) ?? TextCatalogue.English).Form;

    /// <summary>The catalogue language an Accept-Language header prefers most (q-values honoured, <c>q=0</c> refused), if any.</summary>
    public static FormTexts? FromAcceptLanguage(string? header) => TextCatalogue.FromAcceptLanguage(header)?.Form;
}
