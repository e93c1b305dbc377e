using System.Text.Json;
using Hotline.Encryption;
using Hotline.Sms;
using Hotline.Tips;
using Hotline.Triage;

namespace Hotline.Cases;

/// <summary>
/// What a case's blobs must hold before the responder tool uses them. Anyone with write access to storage can
/// plant a blob, encrypted to the responders' public key as intake encrypts: it decrypts, so it is checked
/// like input. The checks are what Hotline itself writes, and what the tool's reading relies on (no nulls where
/// it reads a value, one item per index), so a planted document is refused in one line instead of crashing the
/// tool or writing half its files.
/// </summary>
internal static class CaseDocuments
{
    /// <summary>The SDK's region size for client-side encryption v2; a larger one would make it allocate what the metadata says.</summary>
    private const int MaxRegionLength = 4 * 1024 * 1024;

    /// <summary>
    /// True when a blob's <c>encryptiondata</c> is client-side encryption v2 as intake writes it: AES-256-GCM
    /// regions, the content key wrapped with RSA-OAEP-256 under a named key. The SDK dereferences and
    /// allocates from this metadata before anything is authenticated, so anything else is refused first.
    /// </summary>
    public static bool IsHotlineEncryption(string? encryptionData)
    {
        if (string.IsNullOrEmpty(encryptionData))
        {
            return false;
        }

        try
        {
            using var json = JsonDocument.Parse(encryptionData);
            var root = json.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && Text(root, "EncryptionMode") == "FullBlob"
                && Member(root, "EncryptionAgent") is { } agent
                && Text(agent, "Protocol") == "2.0"
                && Text(agent, "EncryptionAlgorithm") == "AES_GCM_256"
                && Member(root, "WrappedContentKey") is { } wrapped
                && !string.IsNullOrEmpty(Text(wrapped, "KeyId"))
                && Text(wrapped, "Algorithm") == RsaKeyEncryptionKey.Algorithm
                && Text(wrapped, "EncryptedKey") is { Length: > 0 } key && IsBase64(key)
                && Member(root, "EncryptedRegionInfo") is { } regions
                && Number(regions, "DataLength") is > 0 and <= MaxRegionLength
                && Number(regions, "NonceLength") == 12;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public static bool IsWellFormed(TipReport report) =>
        report.TipId is not null
        && report.Message is not null
        && report.Language is not null
        && Enum.IsDefined(report.Channel)
        && Enum.IsDefined(report.Urgency)
        && (report.Sender is null || report.Sender.Phone is not null)
        && (report.Sms is null || IsWellFormed(report.Sms));

    /// <param name="sequence">The message its blob name says it belongs to (<c>media-0002</c>: 2).</param>
    public static bool IsWellFormed(MediaRecord record, int sequence) =>
        record.TipId is not null
        && record.Sequence == sequence
        && record.Items is not null
        && AreWellFormed(record.Items);

    public static bool IsWellFormed(CaseEntry entry) =>
        entry.Kind is CaseEntry.Note or CaseEntry.Reply
        && entry.Responder is not null
        && entry.Text is not null;

    private static bool IsWellFormed(SmsDetails sms) =>
        sms.MessageSid is not null
        && (sms.MediaUrls is null || sms.MediaUrls.All(u => u is not null))
        && (sms.Media is null || AreWellFormed(sms.Media));

    /// <summary>Each item present, stated, indexed from 1, and no two with one index (they would be one file name).</summary>
    private static bool AreWellFormed(IReadOnlyList<MediaItem> items) =>
        items.All(i => i is not null && i.State is not null && i.Index > 0)
        && items.Select(i => i.Index).Distinct().Count() == items.Count;

    private static JsonElement? Member(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;

    private static bool IsBase64(string text)
    {
        var bytes = new byte[(text.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(text, bytes, out _);
    }
}
