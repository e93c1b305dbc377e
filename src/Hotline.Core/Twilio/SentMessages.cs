using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hotline.Storage;
using Hotline.Tips;

namespace Hotline.Twilio;

/// <summary>
/// The messages Hotline sent (alerts, replies), so that Twilio's status callback acts on those only: a signed
/// callback can name any MessageSid of the account, an inbound MMS whose media is not stored yet among them.
/// One record per message in the <c>intake</c> container, <c>sent/{keyed hash of the MessageSid}</c>, written
/// once Twilio has accepted the message. The app names its records with a key from the pepper and seals what
/// it keeps in them (<see cref="IntakeSecrets"/>); the responder tool never holds the pepper, so it names its
/// replies' records with a key from the Twilio auth token (which it holds to send them) and keeps nothing in
/// them. No record holds a number or content, and a reader of the storage account cannot tell which
/// MessageSid one is for. The app finds both kinds. A record is deleted once Twilio reports its message final; one
/// whose message never is (a carrier that reports no delivery leaves it <c>sent</c>) or whose deletion failed is
/// deleted by the storage account's lifecycle rule on <c>intake/</c>, 30 days after it was written (infra/main.bicep).
/// </summary>
public sealed class SentMessages
{
    private const string Prefix = "sent/";
    private readonly BlobContainerClient _container;
    private readonly IntakeSecrets? _secrets;
    private readonly byte[]? _toolKey;

    private SentMessages(HotlineStorage storage, IntakeSecrets? secrets, byte[]? toolKey)
    {
        _container = storage.Blobs.GetBlobContainerClient(StorageNames.IntakeContainer);
        _secrets = secrets;
        _toolKey = toolKey;
    }

    /// <summary>The app's: it records under the pepper, and finds the responder tool's records too when it has the auth token.</summary>
    public static SentMessages ForApp(HotlineStorage storage, IntakeSecrets secrets, string? authToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(secrets);
        return new SentMessages(storage, secrets, string.IsNullOrEmpty(authToken) ? null : ToolKey(authToken));
    }

    /// <summary>The responder tool's: records under a key from the Twilio auth token, with nothing in them.</summary>
    public static SentMessages ForResponderTool(HotlineStorage storage, string authToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentException.ThrowIfNullOrEmpty(authToken);
        return new SentMessages(storage, null, ToolKey(authToken));
    }

    /// <summary>
    /// Records that Hotline sent <paramref name="messageSid"/>; the app may keep <paramref name="about"/> with
    /// it (sealed). Not conditional: a MessageSid names one message, and writing its record twice is harmless.
    /// </summary>
    public async Task RecordAsync(string messageSid, BinaryData? about, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageSid);
        string name;
        BinaryData content;
        if (_secrets is { } secrets)
        {
            name = AppName(secrets, messageSid);
            content = about is null ? BinaryData.Empty : secrets.Seal(name, about);
        }
        else
        {
            if (about is not null)
            {
                throw new InvalidOperationException("The responder tool keeps nothing in a sent message's record: it has no key to seal it with.");
            }

            name = ToolName(_toolKey!, messageSid);
            content = BinaryData.Empty;
        }

        await _container.GetBlobClient(name).UploadAsync(content, overwrite: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The record of <paramref name="messageSid"/>, or null when Hotline did not send it (or its record is gone).</summary>
    /// <exception cref="CryptographicException">The app's record was altered or sealed under another pepper.</exception>
    public async Task<SentMessage?> FindAsync(string messageSid, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageSid);
        if (_secrets is { } secrets)
        {
            var name = AppName(secrets, messageSid);
            if (await ReadAsync(name, cancellationToken).ConfigureAwait(false) is { } content)
            {
                return new SentMessage(name, content.IsEmpty ? null : secrets.Open(name, content));
            }
        }

        if (_toolKey is { } key)
        {
            var name = ToolName(key, messageSid);
            if (await ReadAsync(name, cancellationToken).ConfigureAwait(false) is not null)
            {
                return new SentMessage(name, null);
            }
        }

        return null;
    }

    /// <summary>Deletes a record once the message is final: Twilio reports nothing after that.</summary>
    public async Task ForgetAsync(SentMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await _container.DeleteBlobIfExistsAsync(message.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private async Task<BinaryData?> ReadAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return (await _container.GetBlobClient(name).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound || ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            return null;
        }
    }

    private static string AppName(IntakeSecrets secrets, string messageSid) => Prefix + secrets.Hash("sent\n" + messageSid);

    private static string ToolName(byte[] key, string messageSid) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(messageSid)));

    private static byte[] ToolKey(string authToken) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(authToken), "hotline/sent-message-names/v1"u8);
}
