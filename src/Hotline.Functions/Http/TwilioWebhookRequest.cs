using Hotline.Functions.Intake;
using Hotline.Twilio;
using Twilio.Security;

namespace Hotline.Functions.Http;

/// <summary>
/// Reads a webhook request Twilio signed (inbound messages, status callbacks): only requests signed with the
/// auth token (or the configured SharedKey) over the public webhook URL are read. Everything else is refused
/// before its body is judged: 403 for a missing, malformed or wrong signature (each counted toward the
/// address's refusals, and 429 once the address has used them up), 415 for a body that is not a form, 413 for
/// one too large, 400 for one that is not a form Twilio would send.
/// </summary>
/// <remarks>
/// Every real webhook comes from Twilio's few addresses, and anyone with a Twilio account of their own can make
/// Twilio send the hotline requests signed with the wrong token from those same addresses. So the refusal count
/// never stands in front of the signature check: a request whose signature is valid is always read, however many
/// refusals its address has, and only what fails the check can be answered 429. Checking costs at most one
/// 64 KiB read and one HMAC.
/// </remarks>
internal static partial class TwilioWebhookRequest
{
    private const int MaxBodyBytes = 64 * 1024;

    /// <summary>Twilio's webhooks carry about 50 parameters at most (an MMS with 10 media): anything beyond is not Twilio.</summary>
    public const int MaxParameters = 64;

    /// <summary>The signed form, or the answer that refuses the request.</summary>
    public static async Task<(IReadOnlyDictionary<string, string>? Form, IResult? Refusal)> ReadAsync(
        HttpRequest request, TwilioOptions twilio, IntakeRateLimiter limiter, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(twilio);
        var signature = request.Headers["X-Twilio-Signature"].ToString();

        // Unsigned requests are refused before anything else is read: the body is not ours to judge.
        if (signature.Length == 0)
        {
            return (null, Refuse(request, limiter, logger, "missing"));
        }

        if (TwilioWebhookSignature.FromOptions(twilio) is not { } validator || string.IsNullOrWhiteSpace(twilio.WebhookBaseUrl))
        {
            Log.NotConfigured(logger);
            return (null, TypedResults.StatusCode(StatusCodes.Status403Forbidden));
        }

        // Nor is a body read, parsed and hashed for a signature that cannot be one: Base64 of a SHA-1 or
        // SHA-256 MAC has one length.
        if (!validator.CouldBeSignature(signature))
        {
            return (null, Refuse(request, limiter, logger, "malformed"));
        }

        if (!(request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) ?? false))
        {
            return (null, TypedResults.StatusCode(StatusCodes.Status415UnsupportedMediaType));
        }

        var bytes = await RequestBody.ReadAsync(request.Body, MaxBodyBytes, cancellationToken);
        if (bytes is null)
        {
            return (null, TypedResults.StatusCode(StatusCodes.Status413PayloadTooLarge));
        }

        var pairs = RequestBody.DecodeUtf8(bytes) is { } text ? RequestBody.ParseFormPairs(text) : null;
        if (pairs is null || pairs.Count > MaxParameters)
        {
            return (null, TypedResults.BadRequest());
        }

        // Twilio's webhooks name each parameter once. A repeated name has no one signed meaning (the C# and
        // Node libraries join repeats differently), so it is refused, not guessed at.
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in pairs)
        {
            if (!form.TryAdd(name, value))
            {
                Log.RepeatedParameter(logger);
                return (null, TypedResults.StatusCode(StatusCodes.Status403Forbidden));
            }
        }

        // Signed over the URL Twilio called: the public base plus the path and query as received.
        var url = twilio.WebhookBaseUrl.TrimEnd('/') + request.Path + request.QueryString;
        if (!validator.IsValid(url, form, signature, request.Headers[RequestValidator.SignatureSettingsHeader].ToString()))
        {
            return (null, Refuse(request, limiter, logger, "invalid"));
        }

        // A value without an account SID's shape is left to the form's own checks (a 400, as any bad parameter).
        if (twilio.IsConfigured && form.GetValueOrDefault("AccountSid") is { } accountSid && TwilioFormats.IsAccountSid(accountSid) && !string.Equals(accountSid, twilio.AccountSid, StringComparison.Ordinal))
        {
            Log.OtherAccount(logger);
            return (null, TypedResults.StatusCode(StatusCodes.Status403Forbidden));
        }

        return (form, null);
    }

    /// <summary>
    /// 403 for a signature that is missing, malformed or wrong, counted toward the address's refusals; 429, neither
    /// counted nor logged, once the address has used them up (a flood of forgeries does not flood the log).
    /// </summary>
    private static IResult Refuse(HttpRequest request, IntakeRateLimiter limiter, ILogger logger, string reason)
    {
        if (limiter.RefusalsExceeded(request.HttpContext) is { } tooMany)
        {
            return tooMany;
        }

        Log.BadSignature(logger, reason);
        limiter.CountRefusal(request.HttpContext);
        return TypedResults.StatusCode(StatusCodes.Status403Forbidden);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Twilio webhook refused: Twilio__AuthToken (or Twilio__WebhookSigningKey) and Twilio__WebhookBaseUrl must be set to check Twilio's signature.")]
        public static partial void NotConfigured(ILogger logger);

        [LoggerMessage(2, LogLevel.Warning, "Twilio webhook refused: signature {Reason}.")]
        public static partial void BadSignature(ILogger logger, string reason);

        [LoggerMessage(3, LogLevel.Warning, "Twilio webhook refused: signed for another Twilio account.")]
        public static partial void OtherAccount(ILogger logger);

        [LoggerMessage(4, LogLevel.Warning, "Twilio webhook refused: a parameter is repeated.")]
        public static partial void RepeatedParameter(ILogger logger);
    }
}
