using System.Collections.Concurrent;
using System.Diagnostics;
using Hotline.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hotline.Tests.Dispatch;

/// <summary>How the stub answers one request.</summary>
public enum StubAnswer
{
    Ok,
    ServerError,
    TooManyRequests,

    /// <summary>400 with Twilio's error JSON for code 21211 (invalid 'To' number).</summary>
    InvalidNumber,

    /// <summary>Waits far longer than the client's attempt timeout, then answers 201.</summary>
    Hang,
}

/// <summary>One request the stub saw. <see cref="At"/> is monotonic time since the stub started.</summary>
public sealed record StubRequest(string Path, string? Authorization, IReadOnlyDictionary<string, string> Form, string Body, TimeSpan At, StubAnswer Answer, string Method = "POST")
{
    /// <summary>The SID the stub gave a message it accepted (<see cref="IsSms"/>).</summary>
    public string? Sid { get; init; }

    /// <summary>A GET of a media item on the API host (<c>.../Messages/{MessageSid}/Media/{MediaSid}</c>): Basic auth required.</summary>
    public bool IsMediaFetch => Method == "GET" && Path.Contains("/Media/", StringComparison.Ordinal);

    /// <summary>The GET of a media item's bytes at Twilio's storage, where the API host redirects.</summary>
    public bool IsStorageFetch => Method == "GET" && Path.StartsWith(TwilioStub.StoragePath, StringComparison.Ordinal);

    public bool IsSms => Method == "POST" && Path.EndsWith("/Messages.json", StringComparison.Ordinal);

    /// <summary>A DELETE of one message (<c>/2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}.json</c>).</summary>
    public bool IsMessageDelete => Method == "DELETE" && Path.Contains("/Messages/", StringComparison.Ordinal);

    public bool Delivered => Answer == StubAnswer.Ok;

    public string? To => Form.TryGetValue("To", out var to) ? to : null;

    public string? SmsBody => Form.TryGetValue("Body", out var body) ? body : null;
}

/// <summary>
/// A local stand-in for Twilio's REST API and for incoming webhooks: a tiny Kestrel app on
/// 127.0.0.1 that records every request and answers as told (fail, time out, rate-limit, refuse).
/// </summary>
public sealed class TwilioStub : IAsyncDisposable
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "stub-auth-token-5f1e";
    public const string FromNumber = "+15005550006";

    private readonly WebApplication _app;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<StubAnswer> _scripted = new();

    private TwilioStub(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public ConcurrentQueue<StubRequest> Requests { get; } = new();

    /// <summary>Every answer waits for this first (a send held "in flight" at Twilio); the request is recorded before.</summary>
    public Task Gate { get; set; } = Task.CompletedTask;

    /// <summary>When set, <see cref="StubAnswer.TooManyRequests"/> answers carry <c>Retry-After</c> with these seconds.</summary>
    public int? RetryAfterSeconds { get; set; }

    /// <summary>Decides the answer when no scripted answer is left; default: accept.</summary>
    public Func<StubRequest, StubAnswer> Answer { get; set; } = _ => StubAnswer.Ok;

    public IReadOnlyList<StubRequest> Sms => Requests.Where(r => r.IsSms).ToList();

    public IReadOnlyList<StubRequest> Webhooks => Requests.Where(r => !r.IsSms && !r.IsMessageDelete && r.Method != "GET").ToList();

    public IReadOnlyList<StubRequest> MediaFetches => Requests.Where(r => r.IsMediaFetch).ToList();

    /// <summary>Where the API host redirects media downloads (Twilio's storage: a signed URL, no credentials).</summary>
    public const string StoragePath = "/media-storage/";

    /// <summary>Media the stub serves, by MediaSid: content type and bytes. A message's DELETE takes its media with it.</summary>
    public ConcurrentDictionary<string, (string MessageSid, string ContentType, byte[] Content)> Media { get; } = new();

    /// <summary>Called with each request before it is answered (after it is recorded): a test can look at storage at that moment.</summary>
    public Func<StubRequest, Task>? Observe { get; set; }

    /// <summary>Adds a media item of message <paramref name="messageSid"/>; returns its URL on Twilio's API host, as a webhook carries it.</summary>
    public string AddMedia(string messageSid, string contentType, byte[] content)
    {
        var mediaSid = "ME" + Guid.NewGuid().ToString("N");
        Media[mediaSid] = (messageSid, contentType, content);
        return $"https://api.twilio.com/2010-04-01/Accounts/{AccountSid}/Messages/{messageSid}/Media/{mediaSid}";
    }

    /// <summary>
    /// Points an app's Twilio settings at this stub: its account, token and number, sends paced fast, and webhooks
    /// signed for <paramref name="webhookBase"/> when one is given.
    /// </summary>
    public void Configure(IDictionary<string, string?> settings, string? webhookBase = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["Twilio:AccountSid"] = AccountSid;
        settings["Twilio:AuthToken"] = AuthToken;
        settings["Twilio:PhoneNumber"] = FromNumber;
        settings["Twilio:ApiBaseUrl"] = BaseAddress.ToString();
        settings["Twilio:MessagesPerSecond"] = "100";
        if (webhookBase is not null)
        {
            settings["Twilio:WebhookBaseUrl"] = webhookBase;
        }
    }

    public static string NewMessageSid(string prefix = "SM") => prefix + Guid.NewGuid().ToString("N");

    public IReadOnlyList<StubRequest> Deletes => Requests.Where(r => r.IsMessageDelete).ToList();

    public Uri WebhookUrl(string name) => new(BaseAddress, "/hooks/" + name);

    /// <summary>
    /// The app's Twilio settings for this stub (keys with <paramref name="separator"/>: ":" for configuration,
    /// "__" for a process's environment); <paramref name="webhookBase"/> is the public address Twilio signs.
    /// </summary>
    public Dictionary<string, string?> AppSettings(string webhookBase, string separator = ":") => new()
    {
        [$"Twilio{separator}AccountSid"] = AccountSid,
        [$"Twilio{separator}AuthToken"] = AuthToken,
        [$"Twilio{separator}PhoneNumber"] = FromNumber,
        [$"Twilio{separator}WebhookBaseUrl"] = webhookBase,
        [$"Twilio{separator}ApiBaseUrl"] = BaseAddress.ToString(),
    };

    /// <summary>
    /// An inbound SMS as Twilio posts it to <c>{webhookBase}/api/sms</c> for this account: a new MessageSid,
    /// signed with Twilio's own library. A factory: Twilio's retry sends the very same request again.
    /// </summary>
    public static async Task<Func<HttpRequestMessage>> InboundSmsAsync(string webhookBase, string from, string body) =>
        (await InboundAsync(webhookBase, from, body)).Request;

    /// <summary>As <see cref="InboundSmsAsync"/>, with its MessageSid; with <paramref name="mediaUrl"/>, an MMS of one JPEG.</summary>
    public static Task<(Func<HttpRequestMessage> Request, string MessageSid)> InboundAsync(string webhookBase, string from, string body, string? mediaUrl = null) =>
        InboundAsync(webhookBase, from, body, mediaUrl is null ? [] : [(mediaUrl, "image/jpeg")], NewMessageSid(mediaUrl is null ? "SM" : "MM"));

    /// <summary>An inbound message with these media (URL and declared type each), under <paramref name="messageSid"/>.</summary>
    public static async Task<(Func<HttpRequestMessage> Request, string MessageSid)> InboundAsync(string webhookBase, string from, string body, IReadOnlyList<(string Url, string ContentType)> media, string messageSid)
    {
        var parameters = new Dictionary<string, string>
        {
            ["MessageSid"] = messageSid,
            ["AccountSid"] = AccountSid,
            ["From"] = from,
            ["To"] = FromNumber,
            ["Body"] = body,
            ["NumMedia"] = media.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        for (var i = 0; i < media.Count; i++)
        {
            parameters[$"MediaUrl{i}"] = media[i].Url;
            parameters[$"MediaContentType{i}"] = media[i].ContentType;
        }

        return (await SignedAsync(webhookBase, "/api/sms", parameters), messageSid);
    }

    /// <summary>
    /// Twilio's status callback for a message Hotline sent, signed, to <c>{webhookBase}/api/sms/status</c>; with
    /// <paramref name="errorCode"/> as Twilio reports an undelivered or failed message, and <paramref name="edit"/> to
    /// change its parameters before it is signed.
    /// </summary>
    public static Task<Func<HttpRequestMessage>> StatusCallbackAsync(string webhookBase, string messageSid, string status, string? errorCode = null, Action<Dictionary<string, string>>? edit = null)
    {
        var parameters = new Dictionary<string, string>
        {
            ["MessageSid"] = messageSid,
            ["SmsSid"] = messageSid,
            ["AccountSid"] = AccountSid,
            ["MessageStatus"] = status,
            ["SmsStatus"] = status,
            ["From"] = FromNumber,
            ["To"] = "+447700900999",
            ["ApiVersion"] = "2010-04-01",
        };
        if (errorCode is not null)
        {
            parameters["ErrorCode"] = errorCode;
        }

        edit?.Invoke(parameters);
        return SignedAsync(webhookBase, "/api/sms/status", parameters);
    }

    private static Task<Func<HttpRequestMessage>> SignedAsync(string webhookBase, string path, Dictionary<string, string> parameters)
    {
        var signature = TwilioSigning.Sign(AuthToken, webhookBase + path, parameters);
        return Task.FromResult<Func<HttpRequestMessage>>(() => new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(parameters),
            Headers = { { "X-Twilio-Signature", signature } },
        });
    }

    /// <summary>The next requests get these answers, in order; then <see cref="Answer"/> decides.</summary>
    public void Script(params StubAnswer[] answers)
    {
        foreach (var answer in answers)
        {
            _scripted.Enqueue(answer);
        }
    }

    public static async Task<TwilioStub> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        TwilioStub? stub = null;
        app.MapPost("/{**path}", (Func<HttpContext, Task<IResult>>)(context => stub!.HandleAsync(context)));
        app.MapDelete("/{**path}", (Func<HttpContext, Task<IResult>>)(context => stub!.HandleAsync(context)));
        app.MapGet("/{**path}", (Func<HttpContext, Task<IResult>>)(context => stub!.HandleAsync(context)));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        stub = new TwilioStub(app, new Uri(address));
        return stub;
    }

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        var at = _clock.Elapsed;
        var request = context.Request;
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        var body = string.Empty;
        if (request.HasFormContentType)
        {
            foreach (var (key, value) in await request.ReadFormAsync(context.RequestAborted))
            {
                form[key] = value.ToString();
            }
        }
        else
        {
            using var reader = new StreamReader(request.Body);
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }

        var seen = new StubRequest(request.Path.Value ?? string.Empty, request.Headers.Authorization.ToString(), form, body, at, StubAnswer.Ok, request.Method);
        seen = seen with { Sid = seen.IsSms ? NewMessageSid() : null };
        var answer = _scripted.TryDequeue(out var scripted) ? scripted : Answer(seen);
        Requests.Enqueue(seen with { Answer = answer });
        if (Observe is { } observe)
        {
            await observe(seen with { Answer = answer });
        }

        await Gate.WaitAsync(context.RequestAborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        switch (answer)
        {
            case StubAnswer.ServerError:
                return Results.Json(new { code = 20500, message = "Internal Server Error", status = 500 }, statusCode: 500);
            case StubAnswer.TooManyRequests:
                if (RetryAfterSeconds is { } seconds)
                {
                    context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                return Results.Json(new { code = 20429, message = "Too Many Requests", status = 429 }, statusCode: 429);
            case StubAnswer.InvalidNumber:
                return Results.Json(new { code = 21211, message = $"The 'To' number {seen.To} is not a valid phone number.", more_info = "https://www.twilio.com/docs/errors/21211", status = 400 }, statusCode: 400);
            case StubAnswer.Hang:
                await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                break;
        }

        if (seen.IsMessageDelete)
        {
            // Deleting a message deletes its media.
            var messageSid = seen.Path[(seen.Path.LastIndexOf('/') + 1)..].Replace(".json", string.Empty, StringComparison.Ordinal);
            foreach (var (mediaSid, _) in Media.Where(m => m.Value.MessageSid == messageSid).ToList())
            {
                Media.TryRemove(mediaSid, out _);
            }
        }

        return seen.IsSms
            ? Results.Json(new { sid = seen.Sid, status = "queued" }, statusCode: 201)
            : seen.IsMessageDelete ? Results.NoContent()
            : seen.IsMediaFetch ? MediaRedirect(seen)
            : seen.IsStorageFetch ? MediaContent(seen)
            : Results.Ok();
    }

    /// <summary>Twilio's API host: the account's credentials, then a redirect to the bytes at its storage.</summary>
    private IResult MediaRedirect(StubRequest seen)
    {
        if (seen.Authorization != "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}")))
        {
            return Results.Json(new { code = 20003, message = "Authenticate", status = 401 }, statusCode: 401);
        }

        var mediaSid = seen.Path[(seen.Path.LastIndexOf('/') + 1)..];
        return Media.ContainsKey(mediaSid)
            ? Results.Redirect("https://s3-external-1.amazonaws.com" + StoragePath + mediaSid + "?Expires=1&Signature=stub", permanent: false, preserveMethod: true)
            : Results.Json(new { code = 20404, message = "Not found", status = 404 }, statusCode: 404);
    }

    private IResult MediaContent(StubRequest seen) =>
        Media.TryGetValue(seen.Path[StoragePath.Length..], out var media)
            ? Results.Bytes(media.Content, media.ContentType)
            : Results.NotFound();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
