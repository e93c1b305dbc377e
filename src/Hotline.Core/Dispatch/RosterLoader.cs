using System.Text.Json;
using Hotline.Text;
using Hotline.Triage;
using Hotline.Twilio;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Hotline.Dispatch;

/// <summary>A roster entry as written, before validation.</summary>
internal sealed record RawResponder(string Label, bool FromJson, string? Name, string? Phone, string? WebhookUrl, string? Languages, string? MinUrgency, string? Escalation = null)
{
    public bool IsEmpty =>
        string.IsNullOrWhiteSpace(Name) && string.IsNullOrWhiteSpace(Phone) && string.IsNullOrWhiteSpace(WebhookUrl)
        && string.IsNullOrWhiteSpace(Languages) && string.IsNullOrWhiteSpace(MinUrgency) && string.IsNullOrWhiteSpace(Escalation);

    /// <summary>The name of one field as the operator wrote it: <c>Responders__1__Phone</c> or <c>...Responders[1].phone</c>.</summary>
    public string Field(string field) => FromJson ? $"{Label}.{char.ToLowerInvariant(field[0])}{field[1..]}" : $"{Label}__{field}";
}

internal static class RosterLoader
{
    public const string SectionName = "Responders";

    /// <summary>The Key Vault secret that can hold the roster as JSON (see <see cref="ParseJson"/>).</summary>
    public const string SecretName = "Responders";

    /// <summary>
    /// Fills <paramref name="options"/>. In Azure the roster can live in the Key Vault secret
    /// <c>Responders</c> (a JSON array), so staff phone numbers are not app settings readable by
    /// everyone with access to the Function App; the Key Vault configuration source
    /// (<c>Hotline__KeyVaultUri</c>) puts that secret's text in the <c>Responders</c> setting, and it
    /// replaces any <c>Responders__N__*</c> entries.
    /// </summary>
    public static void Load(IConfiguration configuration, RosterOptions options)
    {
        var json = configuration.GetSection(SectionName).Value;
        if (string.IsNullOrWhiteSpace(json))
        {
            Validate(FromSettings(configuration), options);
            return;
        }

        options.Source = "Key Vault";
        Validate(ParseJson(json, options.Errors), options);
    }

    public static List<RawResponder> FromSettings(IConfiguration configuration) =>
        configuration.GetSection(SectionName).GetChildren()
            .Select(c => new RawResponder($"{SectionName}__{c.Key}", false, c["Name"], c["Phone"], c["WebhookUrl"], c["Languages"], c["MinUrgency"], c["Escalation"]))
            .ToList();

    /// <summary>
    /// The Key Vault form: <c>[{"name": "...", "phone": "+...", "webhookUrl": "...", "languages": "en,ar"
    /// (or ["en","ar"]), "minUrgency": "high", "escalation": true}]</c>; property names are case-insensitive.
    /// </summary>
    public static List<RawResponder> ParseJson(string json, List<string> errors)
    {
        var label = $"Key Vault secret {SecretName}";
        var list = new List<RawResponder>();
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            // The exception's text could quote a phone number from the secret: only the position.
            errors.Add($"{label} is not valid JSON (line {ex.LineNumber + 1}).");
            return list;
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                errors.Add($"{label} is not a JSON array of responders.");
                return list;
            }

            var i = 0;
            foreach (var item in doc.RootElement.EnumerateArray())
            {
                var itemLabel = $"{label}[{i++}]";
                if (item.ValueKind != JsonValueKind.Object)
                {
                    errors.Add($"{itemLabel} is not a JSON object.");
                    continue;
                }

                list.Add(new RawResponder(
                    itemLabel, true, Text(item, "name"), Text(item, "phone"), Text(item, "webhookUrl"), Text(item, "languages"), Text(item, "minUrgency"), Text(item, "escalation")));
            }
        }

        return list;
    }

    private static string? Text(JsonElement obj, string name)
    {
        foreach (var property in obj.EnumerateObject())
        {
            if (!string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            return property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString(),
                JsonValueKind.Array => string.Join(',', property.Value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText())),
                JsonValueKind.Null => null,
                _ => property.Value.GetRawText(),
            };
        }

        return null;
    }

    /// <summary>Checks each entry; error lines name the setting and never quote its value.</summary>
    public static void Validate(IEnumerable<RawResponder> entries, RosterOptions options)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var raw in entries.Where(e => !e.IsEmpty))
        {
            var errors = options.Errors;
            var before = errors.Count;
            var name = raw.Name?.Trim();
            if (string.IsNullOrEmpty(name))
            {
                errors.Add($"{raw.Field("Name")} is not set.");
            }
            else if (!names.Add(name))
            {
                // Send records are keyed by the name: two entries with one name would share them.
                errors.Add($"{raw.Field("Name")} repeats another responder's name.");
            }

            var phone = raw.Phone?.Trim();
            if (!string.IsNullOrEmpty(phone) && !TwilioFormats.IsE164(phone))
            {
                errors.Add($"{raw.Field("Phone")} is not an E.164 number (e.g. +447700900123).");
            }

            Uri? webhook = null;
            if (!string.IsNullOrWhiteSpace(raw.WebhookUrl) && !TryWebhookUrl(raw.WebhookUrl.Trim(), out webhook))
            {
                errors.Add($"{raw.Field("WebhookUrl")} is not an https URL (http only to localhost).");
            }

            if (string.IsNullOrEmpty(phone) && string.IsNullOrWhiteSpace(raw.WebhookUrl))
            {
                errors.Add($"{raw.Field("Phone")} is not set (a responder needs a Phone or a WebhookUrl).");
            }

            var languages = (raw.Languages ?? string.Empty)
                .Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .ToList();
            if (languages.Any(l => !LanguageTags.IsValid(l)))
            {
                errors.Add($"{raw.Field("Languages")} is not a list of language tags (e.g. en,ar).");
            }

            var minUrgency = Urgency.Normal;
            if (!string.IsNullOrWhiteSpace(raw.MinUrgency) && !TryUrgency(raw.MinUrgency, out minUrgency))
            {
                errors.Add($"{raw.Field("MinUrgency")} is not one of normal, high, urgent.");
            }

            var escalation = false;
            if (!string.IsNullOrWhiteSpace(raw.Escalation) && !bool.TryParse(raw.Escalation.Trim(), out escalation))
            {
                errors.Add($"{raw.Field("Escalation")} is not true or false.");
            }

            if (errors.Count == before)
            {
                options.Responders.Add(new Responder(
                    raw.Label, name!, string.IsNullOrEmpty(phone) ? null : phone, webhook,
                    languages.Select(l => l.ToLowerInvariant()).ToList(), minUrgency) { Escalation = escalation });
            }
        }
    }

    public static bool TryUrgency(string value, out Urgency urgency)
    {
        switch (value.Trim().ToUpperInvariant())
        {
            case "NORMAL":
                urgency = Urgency.Normal;
                return true;
            case "HIGH":
                urgency = Urgency.High;
                return true;
            case "URGENT":
                urgency = Urgency.Urgent;
                return true;
            default:
                urgency = Urgency.Normal;
                return false;
        }
    }

    private static bool TryWebhookUrl(string value, out Uri? uri) =>
        Uri.TryCreate(value, UriKind.Absolute, out uri)
        && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback));
}

/// <summary>
/// Stops start-up on a bad roster, with one line per problem naming the setting. With Twilio
/// configured (a real deployment) an empty roster is an error too: nobody would be paged.
/// </summary>
internal sealed class RosterValidator(IOptions<TwilioOptions> twilio) : IValidateOptions<RosterOptions>
{
    public ValidateOptionsResult Validate(string? name, RosterOptions options)
    {
        if (options.Errors.Count > 0)
        {
            return ValidateOptionsResult.Fail(options.Errors);
        }

        if (options.Responders.Count == 0 && twilio.Value.IsConfigured)
        {
            return ValidateOptionsResult.Fail("Responders__0__Name and Responders__0__Phone are not set: Twilio is configured but the on-call roster is empty (set Responders__N__* or a Key Vault secret 'Responders').");
        }

        return ValidateOptionsResult.Success;
    }
}
