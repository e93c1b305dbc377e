using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Hotline.Storage;
using Hotline.Tips;
using Hotline.Triage;

namespace Hotline.Sms;

/// <summary>
/// The work of fetching one message's media from Twilio: which case and message it belongs to, the message's
/// id and its media at Twilio, and which attempt this is. Sealed whole under the pepper on the
/// <c>sms-media</c> queue (<see cref="MediaJobs"/>): a MessageSid or media URL finds the message at Twilio.
/// </summary>
public sealed record MediaJob(
    [property: JsonPropertyName("tipId")] string TipId,
    [property: JsonPropertyName("sequence")] int Sequence,
    [property: JsonPropertyName("messageSid")] string MessageSid,
    [property: JsonPropertyName("receivedAt")] DateTimeOffset ReceivedAt,
    [property: JsonPropertyName("urgency")] Urgency Urgency,
    [property: JsonPropertyName("language")] string Language,
    [property: JsonPropertyName("media")] IReadOnlyList<InboundMedia> Media,
    [property: JsonPropertyName("attempt")] int Attempt = 1);

/// <summary>Sends and opens <see cref="MediaJob"/>s on the <c>sms-media</c> queue.</summary>
public sealed class MediaJobs(HotlineStorage storage, IntakeSecrets secrets)
{
    private const string SealName = StorageNames.MediaQueue;

    /// <summary>Queues <paramref name="job"/>, visible after <paramref name="delay"/> (a retry's back-off).</summary>
    public async Task SendAsync(MediaJob job, TimeSpan? delay, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var text = secrets.Seal(SealName, BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(job, StoredJsonContext.Default.MediaJob))).ToString();
        await storage.Queue(StorageNames.MediaQueue).SendMessageAsync(text, visibilityTimeout: delay, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The job a queue message holds; null when it was not sealed by this hotline or is not a job.</summary>
    public MediaJob? TryOpen(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        // Only a sealed job is a job: a plain one was written by someone holding the storage account, not by intake.
        if (!text.StartsWith("s1.", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            var plain = secrets.Open(SealName, BinaryData.FromString(text));
            return JsonSerializer.Deserialize(plain.ToMemory().Span, StoredJsonContext.Default.MediaJob) is { Media: not null, TipId: not null, MessageSid: not null } job
                && TipId.TryParse(job.TipId, out _) ? job : null;
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or JsonException)
        {
            return null;
        }
    }
}
