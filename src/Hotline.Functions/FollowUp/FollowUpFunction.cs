using System.Globalization;
using Hotline.FollowUp;
using Hotline.Functions.Http;
using Hotline.Functions.Intake;
using Hotline.Functions.Texts;
using Hotline.Functions.TipForm;
using Hotline.Tips;
using Microsoft.Azure.Functions.Worker;

namespace Hotline.Functions.FollowUp;

/// <summary>
/// A web tipster's way back. Pages: <c>GET /followup</c> asks for the code; <c>POST /followup</c> with <c>code</c>
/// shows the conversation (with <c>case</c> and <c>token</c> instead: the same again, in another language, with the
/// draft); <c>POST /followup/message</c> adds a message. JSON: <c>POST /api/followup</c> with <c>code</c>, and
/// <c>POST /api/followup/messages</c> with <c>receipt</c>, <c>token</c> and <c>message</c>. Between the two steps only
/// a short-lived sealed token travels, never the code.
/// </summary>
internal sealed class FollowUpFunction(FollowUpIntake followUp, IntakeRateLimiter clients)
{
    public const string PageName = "FollowUp";
    public const string ApiName = "FollowUpApi";
    public const string PagePath = "/followup";
    public const string MessagePath = "/followup/message";

    /// <summary>
    /// The code page's language switch: its names are buttons of the code form (a message kept for after the code
    /// survives the switch), and <c>switch</c> says to show the page again, not to try what is in the field.
    /// </summary>
    public const string LanguageSwitchPath = PagePath + "?switch=1";

    [Function(PageName)]
    public async Task<IResult> Page(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "followup/{action?}")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = request.Path.Value?.TrimEnd('/').ToLowerInvariant();
        if (HttpMethods.IsGet(request.Method))
        {
            return path == PagePath ? Html(await FollowUpPages.CodeAsync(PageTexts(request, null), null, null)) : TypedResults.NotFound();
        }

        if (path is not (PagePath or MessagePath))
        {
            return TypedResults.NotFound();
        }

        var fields = await FollowUpFields.ReadAsync(request, cancellationToken);
        var texts = PageTexts(request, fields?.Language);
        if (fields is null)
        {
            return Html(await FollowUpPages.CodeAsync(texts, new FormError(null, texts.ErrorInvalid), null), StatusCodes.Status400BadRequest);
        }

        if (path == PagePath && request.Query.ContainsKey("switch"))
        {
            return Html(await FollowUpPages.CodeAsync(texts, null, fields.Message));
        }

        if (path == MessagePath || fields.Token is not null)
        {
            var session = followUp.Resume(fields.Case, fields.Token);
            if (session is null)
            {
                // Expired or altered: the code again, and the message typed so far kept for after it.
                return Html(await FollowUpPages.CodeAsync(texts, new FormError(null, texts.FollowUpExpired), fields.Message), StatusCodes.Status403Forbidden);
            }

            if (path != MessagePath)
            {
                return Html(await FollowUpPages.ConversationAsync(texts, await followUp.ConversationAsync(session, cancellationToken), fields.Message, null, added: false, fields.Nonce));
            }

            if (fields.MessageProblem(texts) is { } problem)
            {
                return Html(await FollowUpPages.ConversationAsync(texts, await followUp.ConversationAsync(session, cancellationToken), fields.Message, new FormError("message", problem), added: false, fields.Nonce), StatusCodes.Status400BadRequest);
            }

            try
            {
                await followUp.AddAsync(session, fields.Message!, texts.Language, fields.Nonce, cancellationToken);
            }
            catch (IntakeUnavailableException)
            {
                return await UnavailablePageAsync(request, texts, session, fields.Message, fields.Nonce, cancellationToken);
            }

            return Html(await FollowUpPages.ConversationAsync(texts, await followUp.ConversationAsync(session, cancellationToken), null, null, added: true));
        }

        var (outcome, conversation, retryAfter) = await followUp.LookUpAsync(fields.Code, clients.ClientAddress(request.HttpContext), cancellationToken);
        return outcome switch
        {
            LookupOutcome.Opened => Html(await FollowUpPages.ConversationAsync(texts, conversation!, fields.Message, null, added: false)),
            LookupOutcome.Limited => Limited(request, retryAfter, Html(await FollowUpPages.CodeAsync(texts, new FormError(null, texts.FollowUpTooMany), fields.Message), StatusCodes.Status429TooManyRequests)),
            _ => Html(await FollowUpPages.CodeAsync(texts, new FormError("code", texts.FollowUpWrong), fields.Message), StatusCodes.Status404NotFound),
        };
    }

    [Function(ApiName)]
    public async Task<IResult> Api(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/followup/{action?}")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = request.Path.Value?.TrimEnd('/').ToLowerInvariant();
        if (path is not ("/api/followup" or "/api/followup/messages"))
        {
            return TypedResults.NotFound();
        }

        var fields = await FollowUpFields.ReadAsync(request, cancellationToken);
        if (fields is null)
        {
            return TypedResults.Problem("Send application/json (UTF-8, at most 128 KiB) from the hotline's own pages or an API client.", statusCode: StatusCodes.Status400BadRequest, title: "Unreadable request");
        }

        if (path == "/api/followup")
        {
            var (outcome, conversation, retryAfter) = await followUp.LookUpAsync(fields.Code, clients.ClientAddress(request.HttpContext), cancellationToken);
            return outcome switch
            {
                LookupOutcome.Opened => TypedResults.Ok(ConversationResponse.Of(conversation!)),
                LookupOutcome.Limited => Limited(request, retryAfter, TypedResults.Problem("Too many failed codes from this address or network; see Retry-After.", statusCode: StatusCodes.Status429TooManyRequests, title: "Too many attempts")),
                _ => TypedResults.Problem("No conversation opens with this code.", statusCode: StatusCodes.Status404NotFound, title: "Not found"),
            };
        }

        var session = followUp.Resume(fields.Case, fields.Token);
        if (session is null)
        {
            return TypedResults.Problem("The token is expired, altered or for another case: look the conversation up with the code again.", statusCode: StatusCodes.Status403Forbidden, title: "Token not accepted");
        }

        if (fields.MessageProblem(FormTexts.English) is { } problem)
        {
            return TypedResults.Problem(problem, statusCode: StatusCodes.Status400BadRequest, title: "Message not accepted");
        }

        try
        {
            await followUp.AddAsync(session, fields.Message!, fields.Language, fields.Nonce, cancellationToken);
        }
        catch (IntakeUnavailableException)
        {
            request.HttpContext.Response.Headers.RetryAfter = IntakeResponses.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem("The message may not have reached us. Send it again.", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Temporarily unavailable");
        }

        return TypedResults.Accepted((string?)null, ConversationResponse.Of(await followUp.ConversationAsync(session, cancellationToken)));
    }

    /// <summary>Storage did not take the message: the conversation with the draft kept and "send it again" (or the code page, if storage is down for reading too).</summary>
    private async Task<IResult> UnavailablePageAsync(HttpRequest request, FormTexts texts, FollowUpSession session, string? draft, string? nonce, CancellationToken cancellationToken)
    {
        request.HttpContext.Response.Headers.RetryAfter = IntakeResponses.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        FollowUpConversation conversation;
        try
        {
            conversation = await followUp.ConversationAsync(session, cancellationToken);
        }
        catch (Azure.RequestFailedException)
        {
            return Html(await FollowUpPages.CodeAsync(texts, new FormError(null, texts.ErrorUnavailable), draft), StatusCodes.Status503ServiceUnavailable);
        }

        return Html(await FollowUpPages.ConversationAsync(texts, conversation, draft, new FormError(null, texts.ErrorUnavailable), added: false, nonce), StatusCodes.Status503ServiceUnavailable);
    }

    private static IResult Limited(HttpRequest request, TimeSpan? retryAfter, IResult result)
    {
        request.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling((retryAfter ?? TimeSpan.FromHours(1)).TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return result;
    }

    /// <summary>
    /// The page's language: <c>?lang=</c> (every form's action carries its page's, and a language button's carries the
    /// one chosen), else the form's field, else Accept-Language.
    /// </summary>
    private static FormTexts PageTexts(HttpRequest request, string? field) =>
        request.Query["lang"].ToString() is { Length: > 0 and <= 35 } query ? FormTexts.For(query)
        : field is { Length: > 0 and <= 35 } ? FormTexts.For(field)
        : FormTexts.FromAcceptLanguage(request.Headers.AcceptLanguage) ?? FormTexts.English;

    private static CompressedText Html(string html, int status = StatusCodes.Status200OK) => TipFormFunction.Html(html, status);
}

/// <summary>The JSON answer of a look-up: the conversation, its neutral status, and the token for adding.</summary>
internal sealed record ConversationResponse(string Receipt, string Status, IReadOnlyList<ConversationResponse.Entry> Messages, string Token)
{
    public sealed record Entry(string From, DateTimeOffset At, string Text);

    public static ConversationResponse Of(FollowUpConversation conversation) => new(
        conversation.TipId.ToString(),
        conversation.Status switch { FollowUpStatus.Closed => "closed", FollowUpStatus.BeingHandled => "being-handled", _ => "received" },
        conversation.Items.Select(i => new Entry(i.Kind == ConversationItem.Answer ? "hotline" : "you", i.At, i.Text)).ToList(),
        conversation.Token);
}
