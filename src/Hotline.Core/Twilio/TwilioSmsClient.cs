using System.Net;
using Microsoft.Extensions.Options;
using Twilio.Clients;
using Twilio.Exceptions;
using Twilio.Http;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace Hotline.Twilio;

/// <summary>
/// Sends SMS with Twilio's own library (<see cref="MessageResource"/>) through a <see cref="TwilioRestClient"/>
/// over our named HttpClient: retries, timeouts, pacing and the stub redirect
/// (<see cref="TwilioApiBaseHandler"/>) live in that client's pipeline
/// (<see cref="TwilioServiceCollectionExtensions.AddTwilioSms"/>). Twilio's resource objects are mapped to
/// <see cref="TwilioSendResult"/> here and go no further.
/// </summary>
public sealed class TwilioSmsClient(IHttpClientFactory httpClientFactory, IOptions<TwilioOptions> options)
{
    /// <summary>The named HttpClient with the resilience pipeline and the pacer.</summary>
    public const string HttpClientName = "twilio";

    /// <summary>The client for requests that are not messages to send: not paced.</summary>
    public const string UnpacedHttpClientName = "twilio-unpaced";

    private readonly Lazy<TwilioRestClient> _client = new(() => CreateClient(httpClientFactory, HttpClientName, options.Value));
    private readonly Lazy<TwilioRestClient> _unpaced = new(() => CreateClient(httpClientFactory, UnpacedHttpClientName, options.Value));

    /// <summary>
    /// Sends one SMS. Returns Twilio's verdict for any HTTP answer (after retries on 429/5xx);
    /// throws on network failures and timeouts that outlasted the retries. An <paramref name="urgent"/>
    /// send is paced ahead of every ordinary one waiting (<see cref="SendPacer"/>).
    /// </summary>
    public Task<TwilioSendResult> SendSmsAsync(string to, string body, CancellationToken cancellationToken) =>
        SendSmsAsync(to, body, urgent: false, cancellationToken);

    /// <inheritdoc cref="SendSmsAsync(string, string, CancellationToken)"/>
    public async Task<TwilioSendResult> SendSmsAsync(string to, string body, bool urgent, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(to);
        ArgumentException.ThrowIfNullOrEmpty(body);
        var settings = Configured();
        var message = new CreateMessageOptions(new PhoneNumber(to)) { Body = body };
        if (string.IsNullOrWhiteSpace(settings.MessagingServiceSid))
        {
            message.From = new PhoneNumber(settings.PhoneNumber);
        }
        else
        {
            message.MessagingServiceSid = settings.MessagingServiceSid;
        }

        // Twilio reports the message's fate to Hotline, which deletes Twilio's copy once it is final.
        if (settings.StatusCallbackUrl is { } callback)
        {
            message.StatusCallback = callback;
        }

        try
        {
            using var priority = SendPriority.Urgent(urgent);
            var sent = await CallAsync(MessageResource.CreateAsync(message, _client.Value), cancellationToken).ConfigureAwait(false);
            return new TwilioSendResult(HttpStatusCode.Created, sent.Sid, null);
        }
        catch (ApiException refused) when (refused.Status > 0)
        {
            // Only the status and Twilio's numeric code: its message can quote the phone number
            // ("The 'To' number +1... is not valid"), so it is never kept.
            return new TwilioSendResult((HttpStatusCode)refused.Status, null, refused.Code == 0 ? null : refused.Code);
        }
    }

    /// <summary>
    /// Deletes a message (and the media it brought) from the account's message log: the Messages resource's
    /// DELETE. True when it is gone, including when it was gone already (404). Twilio refuses to delete a
    /// message it has not finished with; that, like any other failure, throws, for the caller to retry.
    /// </summary>
    public async Task<bool> DeleteMessageAsync(string messageSid, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(messageSid);
        Configured();
        try
        {
            return await CallAsync(MessageResource.DeleteAsync(messageSid, client: _unpaced.Value), cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException refused) when (refused.Status == (int)HttpStatusCode.NotFound)
        {
            return true;
        }
    }

    private TwilioOptions Configured() =>
        options.Value.IsConfigured ? options.Value : throw new InvalidOperationException("Twilio is not configured (Twilio__AccountSid is empty).");

    /// <summary>
    /// Awaits a call of Twilio's library. It takes no CancellationToken: the wait ends on cancellation, and the
    /// request itself at the pipeline's attempt timeout. The library wraps what our pipeline threw after its
    /// retries (network error, timeout); callers log the type, so they get the real one.
    /// </summary>
    private static async Task<T> CallAsync<T>(Task<T> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ApiConnectionException failed) when (failed.InnerException is { } inner && !cancellationToken.IsCancellationRequested)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(inner);
            throw;
        }
    }

    private static TwilioRestClient CreateClient(IHttpClientFactory factory, string name, TwilioOptions settings) =>
        new(settings.AccountSid, settings.AuthToken, accountSid: settings.AccountSid, httpClient: new SystemNetHttpClient(factory.CreateClient(name)));
}
