using Hotline.Functions.Http.Pages;
using Hotline.Functions.Texts;

namespace Hotline.Functions.TipForm;

/// <summary>The web form's pages (templates beside this file), rendered on the server to HTML.</summary>
internal static class FormPages
{
    /// <summary>The form, empty or with the draft a refusal gives back and the error tied to its field.</summary>
    public static Task<string> FormAsync(FormTexts texts, FormDraft? draft = null, FormError? error = null) =>
        PageRenderer.RenderAsync<FormPage>(new()
        {
            [nameof(FormPage.Texts)] = texts,
            [nameof(FormPage.Draft)] = draft,
            [nameof(FormPage.Error)] = error,
        });

    /// <summary>The thank-you page: the case number, what happens next, and how to reach the hotline again.</summary>
    public static Task<string> ThankYouAsync(FormTexts texts, string receipt, string? hotlineNumber, string? followUpCode = null) =>
        PageRenderer.RenderAsync<ThankYouPage>(new()
        {
            [nameof(ThankYouPage.Texts)] = texts,
            [nameof(ThankYouPage.Receipt)] = receipt,
            [nameof(ThankYouPage.HotlineNumber)] = hotlineNumber,
            [nameof(ThankYouPage.FollowUpCode)] = followUpCode,
        });

    /// <summary>A refusal with no draft to give back (the request was not read: too large, too many).</summary>
    public static Task<string> ErrorAsync(FormTexts texts, string message) =>
        PageRenderer.RenderAsync<ErrorPage>(new()
        {
            [nameof(ErrorPage.Texts)] = texts,
            [nameof(ErrorPage.Message)] = message,
        });
}
