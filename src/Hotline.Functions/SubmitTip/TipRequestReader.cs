using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

using Hotline.Functions.Intake;
using Hotline.Text;

namespace Hotline.Functions.SubmitTip;

/// <summary>Why a submission was refused. Each maps to a 4xx and a message that never repeats the tip.</summary>
internal enum TipRejection
{
    None,
    UnsupportedMediaType,
    TooLarge,
    InvalidUtf8,
    MalformedJson,
    WrongType,
    MessageMissing,
    MessageTooLong,
    ControlCharacters,
    FieldTooLong,
    LocationTooLong,
    ContactTooLong,
    InvalidLanguage,
    InvalidIdempotencyKey,
    CrossSite,
    IdempotencyKeyReused,
}

/// <summary>
/// The fields of a tip as submitted. What the tipster wrote (message, location, contact) is kept exactly as
/// received, not trimmed or normalised: it is evidence (DESIGN.md), and matching works on copies. A field of
/// only white space is null (not given). The language and category, choices rather than words, are trimmed.
/// </summary>
internal sealed record TipFields(string Message, string? Language, string? Location, string? Contact, string? Category, string? IdempotencyKey, bool FromForm);

/// <summary>
/// Reads <c>POST /api/tips</c> bodies (JSON or urlencoded form) strictly: at most 128 KiB (<see cref="TipLimits"/>), valid
/// UTF-8, no control characters, known field types. Unknown fields are ignored.
/// </summary>
internal static partial class TipRequestReader
{
    public const int MaxBodyBytes = TipLimits.MaxBodyBytes;
    public const int MaxMessageLength = TipLimits.MessageLength;
    private const int MaxIdempotencyKeyLength = 128;

    /// <summary>
    /// A browser posting from another site (a form post is a CORS simple request, so any page could make
    /// its visitors' browsers file tips, each from the visitor's own address). Modern browsers say where a
    /// request comes from in <c>Sec-Fetch-Site</c>, older ones in <c>Origin</c>; a browser that sends
    /// neither (old or no-JS engines) and API clients are not judged, and no cookie or token is needed.
    /// </summary>
    public static bool IsCrossSite(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite.Length > 0)
        {
            return fetchSite is not ("same-origin" or "none");
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return false;
        }

        // The scheme and port differ behind TLS termination and the Functions host: the host name decides.
        return !Uri.TryCreate(origin, UriKind.Absolute, out var from)
            || !string.Equals(from.Host, request.Host.Host, StringComparison.OrdinalIgnoreCase);
    }

    public static bool IsForm(HttpRequest request) =>
        request.ContentType is { } type && type.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);

    public static bool IsJson(HttpRequest request) =>
        request.ContentType is { } type && (type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.Contains("+json", StringComparison.OrdinalIgnoreCase)));

    public static async Task<(TipFields? Fields, TipRejection Rejection)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (IsCrossSite(request))
        {
            return (null, TipRejection.CrossSite);
        }

        // Two Content-Type headers are joined into one value that may start like JSON: neither is believed.
        var form = IsForm(request);
        if (request.Headers.ContentType.Count > 1 || (!form && !IsJson(request)))
        {
            return (null, TipRejection.UnsupportedMediaType);
        }

        if (HasNonUtf8Charset(request.ContentType!))
        {
            return (null, TipRejection.UnsupportedMediaType);
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, TipRejection.TooLarge);
        }

        var bytes = await RequestBody.ReadAsync(request.Body, MaxBodyBytes, cancellationToken);
        if (bytes is null)
        {
            return (null, TipRejection.TooLarge);
        }

        if (RequestBody.DecodeUtf8(bytes) is not { } text)
        {
            return (null, TipRejection.InvalidUtf8);
        }

        Dictionary<string, string?> values;
        if (form)
        {
            var parsed = RequestBody.ParseForm(text);
            if (parsed is null)
            {
                return (null, TipRejection.InvalidUtf8);
            }

            values = parsed;
            KeepDraft(request, values);
        }
        else
        {
            var (json, rejection) = ParseJson(text);
            if (json is null)
            {
                return (null, rejection);
            }

            values = json;
        }

        var idempotencyKey = request.Headers["Idempotency-Key"].ToString();
        if (string.IsNullOrEmpty(idempotencyKey))
        {
            idempotencyKey = values.GetValueOrDefault("idempotencyKey") ?? string.Empty;
        }

        return Validate(values, idempotencyKey.Length == 0 ? null : idempotencyKey, form);
    }

    /// <summary>
    /// Reads a form post's draft when the report itself will not be read (the rate limit refused it, or it is a
    /// language switch), so the page given back keeps every word. Null when the body cannot be read as a form.
    /// </summary>
    public static async Task<TipForm.FormDraft?> ReadFormDraftAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IsForm(request) || request.Headers.ContentType.Count > 1 || HasNonUtf8Charset(request.ContentType!) || request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        var bytes = await RequestBody.ReadAsync(request.Body, MaxBodyBytes, cancellationToken);
        var values = bytes is not null && RequestBody.DecodeUtf8(bytes) is { } text ? RequestBody.ParseForm(text) : null;
        return values is null ? null : KeepDraft(request, values);
    }

    /// <summary>1-128 visible ASCII characters: the form's hidden key and the API's header alike.</summary>
    public static bool IsValidIdempotencyKey(string key) =>
        key is { Length: > 0 and <= MaxIdempotencyKeyLength } && key.All(c => c is > ' ' and < '\u007F');

    /// <summary>
    /// Remembers the form's language and draft for the answer: given back in the form if the tip is refused, so
    /// no rejection costs the tipster what they wrote. A key that could not be one is dropped (a new one is drawn).
    /// </summary>
    private static TipForm.FormDraft KeepDraft(HttpRequest request, Dictionary<string, string?> values)
    {
        var key = values.GetValueOrDefault("idempotencyKey");
        var draft = new TipForm.FormDraft(
            values.GetValueOrDefault("message"),
            values.GetValueOrDefault("location"),
            values.GetValueOrDefault("contact"),
            key is not null && IsValidIdempotencyKey(key) ? key : null);
        request.HttpContext.Items[IntakeResponses.FormLanguageItem] = values.GetValueOrDefault("language");
        request.HttpContext.Items[IntakeResponses.FormDraftItem] = draft;
        return draft;
    }

    private static (TipFields?, TipRejection) Validate(Dictionary<string, string?> values, string? idempotencyKey, bool form)
    {
        var message = AsSent(values.GetValueOrDefault("message"));
        if (string.IsNullOrEmpty(message))
        {
            return (null, TipRejection.MessageMissing);
        }

        // Counted as the browser counted what the tipster typed.
        if (TooLong(message, TipLimits.MessageLength))
        {
            return (null, TipRejection.MessageTooLong);
        }

        var location = AsSent(values.GetValueOrDefault("location"));
        var contact = AsSent(values.GetValueOrDefault("contact"));
        var category = Choice(values.GetValueOrDefault("category"));
        var language = Choice(values.GetValueOrDefault("language"));
        foreach (var field in new[] { message, location, contact, category, language })
        {
            if (field is not null && HasControlCharacters(field))
            {
                return (null, TipRejection.ControlCharacters);
            }
        }

        if (TooLong(location, TipLimits.LocationLength))
        {
            return (null, TipRejection.LocationTooLong);
        }

        if (TooLong(contact, TipLimits.ContactLength))
        {
            return (null, TipRejection.ContactTooLong);
        }

        if (TooLong(category, TipLimits.CategoryLength))
        {
            return (null, TipRejection.FieldTooLong);
        }

        if (language is not null && !LanguageTags.IsValid(language))
        {
            return (null, TipRejection.InvalidLanguage);
        }

        if (idempotencyKey is not null && !IsValidIdempotencyKey(idempotencyKey))
        {
            return (null, TipRejection.InvalidIdempotencyKey);
        }

        return (new TipFields(message, language, location, contact, category, idempotencyKey, form), TipRejection.None);
    }

    private static bool TooLong(string? value, int limit) => value is not null && TipLimits.Length(value) > limit;

    /// <summary>What the tipster wrote, exactly as received; null for nothing but white space.</summary>
    private static string? AsSent(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string? Choice(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>C0 controls except tab and line breaks, DEL, C1 controls, and unpaired surrogates.</summary>
    internal static bool HasControlCharacters(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if ((c < ' ' && c is not ('\t' or '\n' or '\r')) || c is >= '\u007F' and <= '\u009F')
            {
                return true;
            }

            if (char.IsHighSurrogate(c) && (i + 1 == text.Length || !char.IsLowSurrogate(text[++i])))
            {
                return true;
            }

            if (char.IsLowSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasNonUtf8Charset(string contentType)
    {
        var i = contentType.IndexOf("charset=", StringComparison.OrdinalIgnoreCase);
        if (i < 0)
        {
            return false;
        }

        var charset = contentType[(i + "charset=".Length)..].Split(';', 2)[0].Trim().Trim('"');
        // US-ASCII is a subset of UTF-8: accept it too.
        return charset.ToUpperInvariant() is not ("UTF-8" or "UTF8" or "US-ASCII" or "ASCII");
    }

    private static readonly string[] TipFields = ["message", "language", "location", "contact", "category", "idempotencyKey"];

    /// <param name="fields">The fields read (others are skipped): a tip's, unless a caller with other fields (the follow-up) names its own.</param>
    internal static (Dictionary<string, string?>?, TipRejection) ParseJson(string text, IReadOnlyCollection<string>? fields = null)
    {
        fields ??= TipFields;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException)
        {
            return (null, TipRejection.MalformedJson);
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, TipRejection.WrongType);
            }

            var values = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (!fields.Contains(property.Name))
                {
                    continue;
                }

                switch (property.Value.ValueKind)
                {
                    case JsonValueKind.String:
                        try
                        {
                            values[property.Name] = property.Value.GetString();
                        }
                        catch (InvalidOperationException)
                        {
                            // An escaped lone surrogate ("\ud800") is valid JSON but not text.
                            return (null, TipRejection.ControlCharacters);
                        }

                        break;
                    case JsonValueKind.Null:
                        values[property.Name] = null;
                        break;
                    default:
                        return (null, TipRejection.WrongType);
                }
            }

            return (values, TipRejection.None);
        }
    }

}
