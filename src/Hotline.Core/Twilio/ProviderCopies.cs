using Hotline.Sms;
using Hotline.Storage;
using Hotline.Tips;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hotline.Twilio;

/// <summary>
/// Twilio keeps a plaintext copy of every SMS a tipster sends (body, number, time) in the account's message
/// log, readable by anyone with the account's credentials or a subpoena. Once Hotline has answered a message
/// and stored what it brought, the copy is deleted: a queue message (<c>twilio-delete</c>, its MessageSid
/// sealed under the pepper: a MessageSid finds the message at Twilio) delayed by <see cref="ProviderCopyOptions.DeleteAfter"/>,
/// taken by <c>DeleteProviderCopy</c>, retried on failure.
/// A message that brought media is deleted only once its media is stored (<c>FetchMedia</c>): deleting the
/// message deletes its media at Twilio with it.
/// </summary>
public sealed partial class ProviderCopies(HotlineStorage storage, IntakeSecrets secrets, IOptions<ProviderCopyOptions> options, IOptions<TwilioOptions> twilio, TwilioSmsClient sms, ILogger<ProviderCopies> logger)
{
    private const string SealName = StorageNames.ProviderCopiesQueue;

    /// <summary>
    /// Schedules the deletion of an answered message that brought no media (a message with media is deleted
    /// once its media is stored: <see cref="ScheduleDeletionAsync"/>). Never fails the webhook: a copy left
    /// at Twilio is a privacy cost, a tipster left without the reply that says the report arrived is worse;
    /// a failure is logged (without the MessageSid).
    /// </summary>
    public async Task ScheduleAsync(InboundSms message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Media.Count > 0 || !IsOn)
        {
            return;
        }

        try
        {
            await SendAsync(message.MessageSid, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Whatever it was, the message itself is stored and answered; the copy waits at Twilio.
            Log.NotScheduled(logger, ex.GetType().Name);
        }
    }

    /// <summary>
    /// Schedules the deletion of a message once Hotline holds what it needs of it: an MMS whose media is all
    /// stored (or refused), or a message Hotline sent that Twilio reports final. Throws when the queue does not
    /// take it, so the caller is retried (the media job, or Twilio's status callback).
    /// </summary>
    public Task ScheduleDeletionAsync(string messageSid, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageSid);
        return IsOn ? SendAsync(messageSid, cancellationToken) : Task.CompletedTask;
    }

    private bool IsOn => options.Value.DeleteProviderCopies && twilio.Value.IsConfigured;

    private async Task SendAsync(string messageSid, CancellationToken cancellationToken)
    {
        var text = secrets.Seal(SealName, BinaryData.FromString(messageSid)).ToString();
        await storage.Queue(StorageNames.ProviderCopiesQueue).SendMessageAsync(text, visibilityTimeout: options.Value.DeleteAfter, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes the message a <c>twilio-delete</c> queue message names (its MessageSid sealed by <see cref="ScheduleAsync"/>);
    /// throws (to be retried) while Twilio refuses. <paramref name="deliveryCount"/>: the queue's delivery of it, for the log.
    /// </summary>
    public async Task DeleteAsync(string sealedMessageSid, long deliveryCount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sealedMessageSid);
        string messageSid;
        try
        {
            messageSid = secrets.Open(SealName, BinaryData.FromString(sealedMessageSid)).ToString();
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or FormatException)
        {
            // Not ours, altered, or sealed under another pepper: nothing can be deleted from it, and retrying won't help.
            Log.Unreadable(logger);
            return;
        }

        await sms.DeleteMessageAsync(messageSid, cancellationToken).ConfigureAwait(false);
        Log.Deleted(logger, deliveryCount);
    }

    private static partial class Log
    {
        [LoggerMessage(2, LogLevel.Warning, "Deleting Twilio's copy of an inbound message could not be scheduled ({ErrorType}): it stays in Twilio's message log.")]
        public static partial void NotScheduled(ILogger logger, string errorType);

        [LoggerMessage(3, LogLevel.Warning, "A twilio-delete message could not be opened (not sealed under this hotline's pepper): dropped.")]
        public static partial void Unreadable(ILogger logger);

        [LoggerMessage(4, LogLevel.Information, "Deleted Twilio's copy of an inbound message (delivery {DequeueCount}).")]
        public static partial void Deleted(ILogger logger, long dequeueCount);
    }
}
