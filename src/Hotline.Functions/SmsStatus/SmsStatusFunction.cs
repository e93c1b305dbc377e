using System.Globalization;
using System.Text.RegularExpressions;
using Hotline.Dispatch;
using Hotline.Functions.Http;
using Hotline.Functions.Intake;
using Hotline.Twilio;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Hotline.Functions.SmsStatus;

/// <summary>
/// <c>POST /api/sms/status</c>: Twilio's status callback for what Hotline sends (responders' replies to
/// tipsters, alerts to responders). Signed like the inbound webhook and refused the same way when it is not; and
/// refused (403) unless it names this account's <c>AccountSid</c>. It acts only on a message Hotline recorded as
/// sent (<see cref="SentMessages"/>): a signed callback can name any MessageSid of the account, an inbound MMS whose
/// media is not stored yet among them, and any other is only acknowledged. A final status (delivered,
/// undelivered, failed, canceled) schedules the deletion of Twilio's copy: a reply holds what a tipster was told,
/// and the number it went to. Undelivered or failed, an alert is first routed again (<see cref="SentAlerts"/>).
/// Any other status is only acknowledged.
/// </summary>
internal sealed partial class SmsStatusFunction(
    SentMessages sent, SentAlerts alerts, ProviderCopies copies, IOptions<TwilioOptions> twilioOptions, IntakeRateLimiter limiter, ILogger<SmsStatusFunction> logger)
{
    public const string Name = "SmsStatus";

    /// <summary>The route Twilio is given as each sent message's <c>StatusCallback</c> (under the public webhook base).</summary>
    public const string Route = "api/sms/status";

    [Function(Name)]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route)] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (form, refusal) = await TwilioWebhookRequest.ReadAsync(request, twilioOptions.Value, limiter, logger, cancellationToken);
        if (form is null)
        {
            return refusal!;
        }

        // Twilio names the account in every callback; one that does not name this one is not about our messages.
        // (Start-up refuses a signing secret without an account, so an unset one matches nothing here, not a missing one.)
        if (twilioOptions.Value.AccountSid is not { Length: > 0 } account || !string.Equals(form.GetValueOrDefault("AccountSid"), account, StringComparison.Ordinal))
        {
            Log.NotThisAccount(logger);
            return TypedResults.StatusCode(StatusCodes.Status403Forbidden);
        }

        var sid = form.GetValueOrDefault("MessageSid");
        var status = form.GetValueOrDefault("MessageStatus");
        if (sid is null || !TwilioFormats.IsMessageSid(sid) || status is null || !Status().IsMatch(status))
        {
            Log.BadShape(logger, sid is null || !TwilioFormats.IsMessageSid(sid) ? "MessageSid" : "MessageStatus");
            return TypedResults.BadRequest();
        }

        // Twilio's error code is logged: it must be one (a number of up to six digits), never text that could hold a phone number.
        int? errorCode = null;
        if (form.GetValueOrDefault("ErrorCode") is { Length: > 0 } code)
        {
            if (!ErrorCode().IsMatch(code))
            {
                Log.BadShape(logger, "ErrorCode");
                return TypedResults.BadRequest();
            }

            errorCode = int.Parse(code, NumberStyles.None, CultureInfo.InvariantCulture);
        }

        if (status is not ("delivered" or "undelivered" or "failed" or "canceled"))
        {
            return TypedResults.NoContent();
        }

        try
        {
            if (await sent.FindAsync(sid, cancellationToken) is not { } message)
            {
                Log.NotSentByHotline(logger, status);
                return TypedResults.NoContent();
            }

            if (status is "undelivered" or "failed")
            {
                await alerts.UndeliveredAsync(message, status, errorCode, cancellationToken);
            }

            await copies.ScheduleDeletionAsync(sid, cancellationToken);
            await ForgetAsync(message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The record stays: Twilio's retry of the callback (with connection overrides) does it all again, and the
            // ledger keeps a second re-route from paging anyone twice.
            Log.NotScheduled(logger, ex.GetType().Name);
            request.HttpContext.Response.Headers.RetryAfter = IntakeResponses.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return TypedResults.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        Log.Final(logger, status, errorCode?.ToString(CultureInfo.InvariantCulture) ?? "none");
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Best effort: a record left behind is deleted by the storage account's lifecycle rule on <c>intake/</c> (30 days
    /// after its last write, infra/main.bicep; Azurite has none), and a later callback about it only does its work again,
    /// which the ledger and the deletion's idempotence make harmless.
    /// </summary>
    private async Task ForgetAsync(SentMessage message)
    {
        try
        {
            await sent.ForgetAsync(message, CancellationToken.None);
        }
        catch (Exception ex)
        {
            Log.NotForgotten(logger, ex.GetType().Name);
        }
    }

    [GeneratedRegex("^[a-z_]{1,20}$", RegexOptions.CultureInvariant)]
    private static partial Regex Status();

    [GeneratedRegex("^[0-9]{1,6}$", RegexOptions.CultureInvariant)]
    private static partial Regex ErrorCode();

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Status callback refused: {Parameter} does not have Twilio's shape.")]
        public static partial void BadShape(ILogger logger, string parameter);

        [LoggerMessage(2, LogLevel.Information, "A sent message is {Status} (Twilio error {TwilioErrorCode}): its copy at Twilio is to be deleted.")]
        public static partial void Final(ILogger logger, string status, string twilioErrorCode);

        [LoggerMessage(3, LogLevel.Warning, "A final status of a sent message could not be acted on ({ErrorType}); Twilio is asked to call again.")]
        public static partial void NotScheduled(ILogger logger, string errorType);

        [LoggerMessage(4, LogLevel.Warning, "Status callback refused: its AccountSid is missing or not this hotline's Twilio account.")]
        public static partial void NotThisAccount(ILogger logger);

        [LoggerMessage(5, LogLevel.Information, "A status callback says {Status} about a message Hotline has no record of sending (an inbound message, or one whose record is gone): acknowledged, nothing deleted.")]
        public static partial void NotSentByHotline(ILogger logger, string status);

        [LoggerMessage(6, LogLevel.Warning, "Forgetting the record of a final sent message failed ({ErrorType}); the storage lifecycle rule on intake/ deletes it after 30 days.")]
        public static partial void NotForgotten(ILogger logger, string errorType);
    }
}
