using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using Hotline.Storage;

namespace Hotline.Escalation;

/// <summary>
/// The responder tool's acknowledgement (<c>hotline tips ack</c>). The tool holds no pepper, so it cannot read the
/// sealed escalation records: it queues the acknowledgement on <c>escalation</c> (durable: whenever the app takes it,
/// the escalation stops) with a random reply token, and the app answers under <c>alerts/ack-replies/{token}</c> with
/// the outcome, which the tool reads and deletes. The answer holds what the audit log already does (an outcome, a
/// receipt, a responder's name), named by a token that says nothing. An answer nobody waited for any more (the tool
/// gave up) stays until the storage lifecycle rule on <c>alerts/</c> deletes it (30 days, infra/main.bicep).
/// </summary>
public sealed class ToolAcknowledgements(HotlineStorage storage)
{
    private const string ReplyPrefix = "ack-replies/";

    /// <summary>Queues the acknowledgement of <paramref name="receipt"/> by <paramref name="by"/>; returns the token its answer comes under.</summary>
    public async Task<string> QueueAsync(string receipt, string by, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(receipt);
        ArgumentNullException.ThrowIfNull(by);
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await SendAsync(storage, new EscalationMessage(receipt, AckBy: by, Via: AlertEscalator.ViaTool, ReplyTo: token), TimeSpan.Zero, cancellationToken);
        return token;
    }

    /// <summary>
    /// The app's answer to <paramref name="token"/>, taken (deleted once read), waiting up to <paramref name="patience"/>;
    /// null when none came in time (the acknowledgement stays queued and is applied when the app takes it).
    /// </summary>
    public async Task<AckResult?> WaitForAnswerAsync(string token, TimeSpan patience, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (!IsToken(token))
        {
            throw new ArgumentException("Not a reply token.", nameof(token));
        }

        var blob = storage.Blobs.GetBlobContainerClient(StorageNames.AlertsContainer).GetBlobClient(ReplyPrefix + token);
        var deadline = time.GetUtcNow() + patience;
        while (true)
        {
            try
            {
                var content = (await blob.DownloadContentAsync(cancellationToken)).Value.Content;
                await blob.DeleteIfExistsAsync(cancellationToken: cancellationToken);
                return JsonSerializer.Deserialize(content, EscalationJsonContext.Default.AckResult);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
            }

            if (time.GetUtcNow() >= deadline)
            {
                return null;
            }

            // The app polls its queue every few seconds at most; a quarter second here adds nothing a responder notices.
            await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken);
        }
    }

    /// <summary>The app's side: writes the answer to a tool's acknowledgement (a token that is not one of the tool's is ignored).</summary>
    internal static async Task AnswerAsync(HotlineStorage storage, string? token, AckResult result, CancellationToken cancellationToken)
    {
        if (!IsToken(token))
        {
            return;
        }

        var container = storage.Blobs.GetBlobContainerClient(StorageNames.AlertsContainer);
        var content = BinaryData.FromString(JsonSerializer.Serialize(result, EscalationJsonContext.Default.AckResult));
        try
        {
            await container.GetBlobClient(ReplyPrefix + token).UploadAsync(content, overwrite: true, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await container.GetBlobClient(ReplyPrefix + token).UploadAsync(content, overwrite: true, cancellationToken);
        }
    }

    /// <summary>Queues <paramref name="message"/> on <c>escalation</c>, invisible for <paramref name="delay"/> (creating the queue if it is missing).</summary>
    internal static async Task SendAsync(HotlineStorage storage, EscalationMessage message, TimeSpan delay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var queue = storage.Queue(Escalations.QueueName);
        try
        {
            await queue.SendMessageAsync(message.ToJson(), visibilityTimeout: delay, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await queue.SendMessageAsync(message.ToJson(), visibilityTimeout: delay, cancellationToken: cancellationToken);
        }
    }

    // 32 lower-case hex digits, as QueueAsync makes them: a queue message cannot choose any other blob name.
    private static bool IsToken(string? token) => token is { Length: 32 } && token.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));
}
