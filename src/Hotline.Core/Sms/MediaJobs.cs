using System.Security.Cryptography;
using System.Text.Json;
using Hotline.Storage;
using Hotline.Tips;

namespace Hotline.Sms;

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
