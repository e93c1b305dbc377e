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

    public IReadOnlyList<StubRequest> Webhooks => Requests.Where(r => !r.IsSms && !r.IsMessageDelete).ToList();

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
    public static async Task<(Func<HttpRequestMessage> Request, string MessageSid)> InboundAsync(string webhookBase, string from, string body, string? mediaUrl = null)
    {
        var parameters = new Dictionary<string, string>
        {
            ["MessageSid"] = (mediaUrl is null ? "SM" : "MM") + Guid.NewGuid().ToString("N"),
            ["AccountSid"] = AccountSid,
            ["From"] = from,
            ["To"] = FromNumber,
            ["Body"] = body,
            ["NumMedia"] = mediaUrl is null ? "0" : "1",
        };
        if (mediaUrl is not null)
        {
            parameters["MediaUrl0"] = mediaUrl;
            parameters["MediaContentType0"] = "image/jpeg";
        }

        var signature = await TwilioNode.SignAsync(AuthToken, webhookBase + "/api/sms", parameters);
        return (() => new HttpRequestMessage(HttpMethod.Post, "/api/sms")
        {
            Content = new FormUrlEncodedContent(parameters),
            Headers = { { "X-Twilio-Signature", signature } },
        }, parameters["MessageSid"]);
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
        var answer = _scripted.TryDequeue(out var scripted) ? scripted : Answer(seen);
        Requests.Enqueue(seen with { Answer = answer });
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

        return seen.IsSms
            ? Results.Json(new { sid = "SM" + Guid.NewGuid().ToString("N"), status = "queued" }, statusCode: 201)
            : seen.IsMessageDelete ? Results.NoContent() : Results.Ok();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
