using Hotline.Functions.Http;
using Hotline.Functions.SubmitTip;
using Hotline.Functions.Texts;
using Hotline.Functions.TipForm;

namespace Hotline.Functions.Intake;

/// <summary>
/// Answers for intake requests: ProblemDetails for API clients, a readable page in the tipster's
/// language for the web form. No answer ever repeats what the tipster wrote.
/// </summary>
internal static class IntakeResponses
{
    public const int RetryAfterSeconds = 5;

    /// <param name="FollowUpCode">The web tipster's follow-up code, given once: it opens the conversation (GET /followup).</param>
    public sealed record ReceiptResponse(string Receipt, [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? FollowUpCode = null);

    public static async Task<IResult> AcceptedAsync(bool fromForm, string? language, string receipt, string? hotlineNumber, string? followUpCode = null) =>
        fromForm
            ? Html(await FormPages.ThankYouAsync(FormTexts.For(language), receipt, hotlineNumber, followUpCode), StatusCodes.Status202Accepted)
            : TypedResults.Accepted((string?)null, new ReceiptResponse(receipt, followUpCode));

    public static async Task<IResult> RejectedAsync(HttpRequest request, TipRejection rejection)
    {
        var (status, title, detail) = rejection switch
        {
            TipRejection.UnsupportedMediaType => (StatusCodes.Status415UnsupportedMediaType, "Unsupported content type", "Send application/json or application/x-www-form-urlencoded, in UTF-8."),
            TipRejection.TooLarge => (StatusCodes.Status413PayloadTooLarge, "Request too large", $"The body may be at most {TipRequestReader.MaxBodyBytes / 1024} KiB."),
            TipRejection.InvalidUtf8 => (StatusCodes.Status400BadRequest, "Invalid encoding", "The body is not valid UTF-8."),
            TipRejection.MalformedJson => (StatusCodes.Status400BadRequest, "Malformed JSON", "The body is not valid JSON."),
            TipRejection.WrongType => (StatusCodes.Status400BadRequest, "Wrong field type", "The body must be a JSON object whose fields message, language, location, contact and category are strings."),
            TipRejection.MessageMissing => (StatusCodes.Status400BadRequest, "Message required", "The field 'message' must hold the report (not empty or only spaces)."),
            TipRejection.MessageTooLong => (StatusCodes.Status400BadRequest, "Message too long", $"The field 'message' may hold at most {TipRequestReader.MaxMessageLength} characters."),
            TipRejection.ControlCharacters => (StatusCodes.Status400BadRequest, "Control characters", "Fields may not contain control characters (tabs and line breaks are fine)."),
            TipRejection.FieldTooLong or TipRejection.LocationTooLong or TipRejection.ContactTooLong => (StatusCodes.Status400BadRequest, "Field too long", "location may hold 500 characters, contact 200, category 64."),
            TipRejection.InvalidLanguage => (StatusCodes.Status400BadRequest, "Invalid language", "The field 'language' must be a BCP-47 tag such as 'ar' or 'fa-IR'."),
            TipRejection.InvalidIdempotencyKey => (StatusCodes.Status400BadRequest, "Invalid idempotency key", "Idempotency-Key must be 1-128 visible ASCII characters."),
            TipRejection.IdempotencyKeyReused => (StatusCodes.Status409Conflict, "Idempotency key reused", "This Idempotency-Key was used for a different report. Nothing was stored: send a new report with a new key."),
            TipRejection.CrossSite => (StatusCodes.Status403Forbidden, "Cross-site request", "Reports are accepted from the hotline's own form or from API clients, not from a page on another site."),
            _ => (StatusCodes.Status400BadRequest, "Bad request", "The request could not be read."),
        };

        if (!WantsPage(request))
        {
            return TypedResults.Problem(detail, statusCode: status, title: title);
        }

        var texts = FormTexts.For(FormLanguage(request));
        var (field, message) = rejection switch
        {
            TipRejection.MessageMissing => ("message", texts.ErrorMessageMissing),
            TipRejection.MessageTooLong => ("message", texts.ErrorMessageTooLong),
            TipRejection.LocationTooLong => ("location", texts.ErrorInvalid),
            TipRejection.ContactTooLong => ("contact", texts.ErrorInvalid),
            TipRejection.TooLarge => (null, texts.ErrorTooLarge),
            _ => ((string?)null, texts.ErrorInvalid),
        };
        return await PageAsync(request, texts, new FormError(field, message), status);
    }

    /// <summary>The form again with the draft and the error when the body was read; otherwise an error page.</summary>
    private static async Task<IResult> PageAsync(HttpRequest request, FormTexts texts, FormError error, int status) =>
        request.HttpContext.Items.TryGetValue(FormDraftItem, out var value) && value is FormDraft draft
            ? Html(await FormPages.FormAsync(texts, draft, error), status)
            : Html(await FormPages.ErrorAsync(texts, error.Text), status);

    public static async Task<IResult> UnavailableAsync(HttpRequest request, string? language)
    {
        request.HttpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var texts = FormTexts.For(language ?? FormLanguage(request));
        return WantsPage(request)
            ? await PageAsync(request, texts, new FormError(null, texts.ErrorUnavailable), StatusCodes.Status503ServiceUnavailable)
            : TypedResults.Problem("Your report may not have reached us. Retry with the same Idempotency-Key: if it did arrive, the retry will not create a second report.", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Temporarily unavailable");
    }

    /// <summary>
    /// A request that failed inside: 503 with Retry-After when storage failed (worth a retry), 500
    /// otherwise. Neither claims the report was kept or lost.
    /// </summary>
    public static async Task<IResult> FailedAsync(HttpRequest request, bool transient)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (transient)
        {
            return await UnavailableAsync(request, language: null);
        }

        var texts = FormTexts.For(FormLanguage(request));
        return WantsPage(request)
            ? await PageAsync(request, texts, new FormError(null, texts.ErrorUnavailable), StatusCodes.Status500InternalServerError)
            : TypedResults.Problem("The request could not be completed. A report may not have reached us: retry with the same Idempotency-Key, which never creates a second report.", statusCode: StatusCodes.Status500InternalServerError, title: "Internal error");
    }

    /// <summary>
    /// The rate limit's refusal. A form post is read for its draft (bounded as any report is), so the tipster
    /// without JavaScript gets the form back filled in rather than a page that lost what they wrote.
    /// </summary>
    public static async Task<IResult> TooManyRequestsAsync(HttpContext http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!WantsPage(http.Request))
        {
            return TypedResults.Problem("Too many requests from this address; see Retry-After.", statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests");
        }

        await TipRequestReader.ReadFormDraftAsync(http.Request, cancellationToken);
        var texts = FormTexts.For(FormLanguage(http.Request));
        return await PageAsync(http.Request, texts, new FormError(null, texts.ErrorTooMany), StatusCodes.Status429TooManyRequests);
    }

    /// <summary>A browser posting the form gets a page; everything else gets ProblemDetails.</summary>
    private static bool WantsPage(HttpRequest request) =>
        TipRequestReader.IsForm(request)
        || (!TipRequestReader.IsJson(request) && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The page language: the form's own field if the body was read that far, else the <c>lang</c> the form's
    /// action carries (a refusal before the body is read: 429, 413), else Accept-Language.
    /// </summary>
    private static string? FormLanguage(HttpRequest request) =>
        request.HttpContext.Items.TryGetValue(FormLanguageItem, out var lang) && lang is string field ? field
        : request.Query["lang"].ToString() is { Length: > 0 and <= 35 } query ? query
        : FormTexts.FromAcceptLanguage(request.Headers.AcceptLanguage)?.Language;

    public const string FormLanguageItem = "hotline.form-language";

    public const string FormDraftItem = "hotline.form-draft";

    private static CompressedText Html(string html, int status) => TipFormFunction.Html(html, status);
}
