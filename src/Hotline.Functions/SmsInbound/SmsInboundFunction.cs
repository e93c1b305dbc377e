using System.Globalization;
using System.Xml.Linq;
using Hotline.Functions.DeleteProviderCopy;
using Hotline.Functions.Http;
using Hotline.Functions.Intake;
using Hotline.Sms;
using Hotline.Text;
using Hotline.Tips;
using Hotline.Triage;
using Hotline.Twilio;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Twilio.Security;
using Twilio.TwiML;

namespace Hotline.Functions.SmsInbound;

/// <summary>
/// <c>POST /api/sms</c>: Twilio's inbound-SMS webhook. Only requests signed by Twilio (auth token, or the
/// configured SharedKey) over the public webhook URL are read (403 otherwise, nothing stored). The answer is TwiML:
/// a short reply in the tipster's language with the case number.
/// </summary>
internal sealed partial class SmsInboundFunction(SmsIntake sms, ProviderCopies copies, IOptions<TwilioOptions> twilioOptions, IntakeRateLimiter limiter, ILogger<SmsInboundFunction> logger)
{
    public const string Name = "SmsInbound";

    private const int MaxBodyBytes = 64 * 1024;

    [Function(Name)]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/sms")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var twilio = twilioOptions.Value;
        var signature = request.Headers["X-Twilio-Signature"].ToString();

        // An address that keeps sending what Twilio never would is refused before any work is done.
        if (limiter.RefusalsExceeded(request.HttpContext) is { } tooMany)
        {
            return tooMany;
        }

        // Unsigned requests are refused before anything else is read: the body is not ours to judge.
        if (signature.Length == 0)
        {
            return Refuse(request, "missing");
        }

        if (TwilioWebhookSignature.FromOptions(twilio) is not { } validator || string.IsNullOrWhiteSpace(twilio.WebhookBaseUrl))
        {
            Log.NotConfigured(logger);
            return TypedResults.StatusCode(StatusCodes.Status403Forbidden);
        }

        // Nor is a body read, parsed and hashed for a signature that cannot be one: Base64 of a SHA-1 or
        // SHA-256 MAC has one length.
        if (!validator.CouldBeSignature(signature))
        {
            return Refuse(request, "malformed");
        }

        if (!(request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) ?? false))
        {
            return TypedResults.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        }

        var bytes = await RequestBody.ReadAsync(request.Body, MaxBodyBytes, cancellationToken);
        if (bytes is null)
        {
            return TypedResults.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        var pairs = RequestBody.DecodeUtf8(bytes) is { } text ? RequestBody.ParseFormPairs(text) : null;
        if (pairs is null || pairs.Count > TwilioWebhookForm.MaxParameters)
        {
            return TypedResults.BadRequest();
        }

        // Twilio's inbound-SMS webhooks name each parameter once. A repeated name has no one signed
        // meaning (the C# and Node libraries join repeats differently), so it is refused, not guessed at.
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in pairs)
        {
            if (!form.TryAdd(name, value))
            {
                Log.RepeatedParameter(logger);
                return TypedResults.StatusCode(StatusCodes.Status403Forbidden);
            }
        }

        // Signed over the URL Twilio called: the public base plus the path and query as received.
        var url = twilio.WebhookBaseUrl.TrimEnd('/') + request.Path + request.QueryString;
        if (!validator.IsValid(url, form, signature, request.Headers[RequestValidator.SignatureSettingsHeader].ToString()))
        {
            return Refuse(request, "invalid");
        }

        var (inbound, badParameter) = TwilioWebhookForm.Read(form);
        if (inbound is null)
        {
            Log.BadShape(logger, badParameter!);
            limiter.CountRefusal(request.HttpContext);
            return TypedResults.BadRequest();
        }

        if (twilio.IsConfigured && form.GetValueOrDefault("AccountSid") is { } accountSid && !string.Equals(accountSid, twilio.AccountSid, StringComparison.Ordinal))
        {
            Log.OtherAccount(logger);
            return TypedResults.StatusCode(StatusCodes.Status403Forbidden);
        }

        var (command, argument) = SmsKeywords.Parse(inbound.Body);
        using var deadline = IntakeDeadline.Start(cancellationToken);
        try
        {
            var answer = await AnswerAsync(inbound, command, argument, deadline.Token);

            // Everything the message brought is stored (or there was nothing to store): Twilio's copy can go.
            await copies.ScheduleAsync(inbound, deadline.Token);
            return answer;
        }
        catch (Exception ex) when (ex is IntakeUnavailableException || deadline.Passed(ex))
        {
            // Not stored: a 503 makes Twilio retry (with connection overrides, see README), and the
            // same MessageSid then finishes what this request started.
            request.HttpContext.Response.Headers.RetryAfter = IntakeResponses.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return TypedResults.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }
    }

    private async Task<IResult> AnswerAsync(InboundSms inbound, SmsCommand command, string argument, CancellationToken cancellationToken)
    {
        var (from, body, media) = (inbound.From, inbound.Body, inbound.MediaUrls);
        switch (command)
        {
            case SmsCommand.Help:
            {
                // Someone texting HELP to a trafficking hotline may be asking for help: it is a report
                // (stored, paged) and it is answered with what the hotline is and how to use it.
                var helpReceipt = await sms.ReceiveAsync(inbound, SmsKind.Message, cancellationToken);
                return TwiML(SmsReplies.For(helpReceipt!.Language).Help + " " + Acknowledgement(helpReceipt));
            }

            case SmsCommand.Language:
                return await ChooseLanguageAsync(from, argument, cancellationToken);
            case SmsCommand.None when body.Length == 0 && media.Count == 0:
                // Nothing to store; say so, so a tipster whose text was lost can send it again.
                return TwiML(SmsReplies.For(await sms.GetLanguageAsync(from, cancellationToken)).Empty);
            case SmsCommand.Stop or SmsCommand.Start:
                // Twilio answers opt-out and opt-in words itself and blocks our replies: record, say nothing.
                await sms.ReceiveAsync(inbound, SmsKeywords.Kind(command), cancellationToken);
                return TwiML(null);
            default:
                var receipt = await sms.ReceiveAsync(inbound, SmsKind.Message, cancellationToken);
                return TwiML(Acknowledgement(receipt!));
        }
    }

    /// <summary>403 for a signature that is missing, malformed or wrong; each counts toward the address's refusals.</summary>
    private StatusCodeHttpResult Refuse(HttpRequest request, string reason)
    {
        Log.BadSignature(logger, reason);
        limiter.CountRefusal(request.HttpContext);
        return TypedResults.StatusCode(StatusCodes.Status403Forbidden);
    }

    internal static string Acknowledgement(SmsReceipt receipt)
    {
        var replies = SmsReplies.For(receipt.Language);
        var text = string.Format(CultureInfo.InvariantCulture, receipt.NewCase ? replies.Received : replies.Added, receipt.TipId);
        return receipt.Urgency == Urgency.Urgent ? text + replies.Danger : text;
    }

    private async Task<IResult> ChooseLanguageAsync(string from, string argument, CancellationToken cancellationToken)
    {
        var chosen = argument.Length == 0 ? null : SmsReplies.Choose(argument);
        if (chosen is null)
        {
            return TwiML(SmsReplies.Menu);
        }

        await sms.SetLanguageAsync(from, chosen.Language, cancellationToken);
        return TwiML(chosen.LanguageSet);
    }

    /// <summary>A TwiML answer written by Twilio's library (it escapes the text). Null answers with an empty Response (no reply).</summary>
    private static Microsoft.AspNetCore.Http.HttpResults.ContentHttpResult TwiML(string? message)
    {
        var response = new MessagingResponse();
        if (message is not null)
        {
            response.Message(message);
        }

        return TypedResults.Text(response.ToString(SaveOptions.DisableFormatting), "application/xml; charset=utf-8");
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "SMS webhook refused: Twilio__AuthToken (or Twilio__WebhookSigningKey) and Twilio__WebhookBaseUrl must be set to check Twilio's signature.")]
        public static partial void NotConfigured(ILogger logger);

        [LoggerMessage(2, LogLevel.Warning, "SMS webhook refused: signature {Reason}.")]
        public static partial void BadSignature(ILogger logger, string reason);

        [LoggerMessage(3, LogLevel.Warning, "SMS webhook refused: signed for another Twilio account.")]
        public static partial void OtherAccount(ILogger logger);

        [LoggerMessage(4, LogLevel.Warning, "SMS webhook refused: a parameter is repeated.")]
        public static partial void RepeatedParameter(ILogger logger);

        [LoggerMessage(5, LogLevel.Warning, "SMS webhook refused: {Parameter} does not have Twilio's shape.")]
        public static partial void BadShape(ILogger logger, string parameter);
    }
}
