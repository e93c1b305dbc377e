using System.Globalization;
using System.Text.RegularExpressions;
using Hotline.Functions.DeleteProviderCopy;
using Hotline.Functions.Http;
using Hotline.Functions.Intake;
using Hotline.Twilio;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Hotline.Functions.SmsStatus;

/// <summary>
/// <c>POST /api/sms/status</c>: Twilio's status callback for what Hotline sends (responders' replies to
/// tipsters, alerts to responders). Signed like the inbound webhook and refused the same way when it is not.
/// A final status (delivered, undelivered, failed, canceled) schedules the deletion of Twilio's copy: a
/// reply holds what a tipster was told, and the number it went to. Any other status is only acknowledged.
/// </summary>
internal sealed partial class SmsStatusFunction(ProviderCopies copies, IOptions<TwilioOptions> twilioOptions, IntakeRateLimiter limiter, ILogger<SmsStatusFunction> logger)
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

        var sid = form.GetValueOrDefault("MessageSid");
        var status = form.GetValueOrDefault("MessageStatus");
        if (sid is null || !MessageSid().IsMatch(sid) || status is null || !Status().IsMatch(status))
        {
            Log.BadShape(logger);
            return TypedResults.BadRequest();
        }

        if (status is not ("delivered" or "undelivered" or "failed" or "canceled"))
        {
            return TypedResults.NoContent();
        }

        try
        {
            await copies.ScheduleDeletionAsync(sid, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Twilio retries a callback that failed (with connection overrides), and the deletion is scheduled then.
            Log.NotScheduled(logger, ex.GetType().Name);
            request.HttpContext.Response.Headers.RetryAfter = IntakeResponses.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return TypedResults.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        Log.Final(logger, status);
        return TypedResults.NoContent();
    }

    [GeneratedRegex("^(SM|MM)[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex MessageSid();

    [GeneratedRegex("^[a-z_]{1,20}$", RegexOptions.CultureInvariant)]
    private static partial Regex Status();

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Status callback refused: MessageSid or MessageStatus does not have Twilio's shape.")]
        public static partial void BadShape(ILogger logger);

        [LoggerMessage(2, LogLevel.Information, "A sent message is {Status}: its copy at Twilio is to be deleted.")]
        public static partial void Final(ILogger logger, string status);

        [LoggerMessage(3, LogLevel.Warning, "Deleting Twilio's copy of a sent message could not be scheduled ({ErrorType}); Twilio is asked to call again.")]
        public static partial void NotScheduled(ILogger logger, string errorType);
    }
}
