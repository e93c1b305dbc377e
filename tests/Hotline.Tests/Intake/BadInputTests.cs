using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Hotline.Tests.Infrastructure;

namespace Hotline.Tests.Intake;

/// <summary>Every kind of bad input gets its 4xx with a clear problem, never a 5xx, and never stores anything.</summary>
public sealed class BadInputTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Secret = "BADINPUT-CANARY-the-boss-hides-passports-in-the-safe";
    private TestApp? _app;

    private TestApp App => _app!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        PrivacyCanaries.Register(Secret);
        _app = await TestApp.StartAsync(TestApp.BaseSettings(azurite.ConnectionString), cancellationToken: Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    public static TheoryData<string, string, byte[], HttpStatusCode, string> JsonCases() => new()
    {
        { "malformed JSON", "application/json", U("{\"message\": \"" + Secret + "\""), HttpStatusCode.BadRequest, "Malformed JSON" },
        { "not an object", "application/json", U("[\"" + Secret + "\"]"), HttpStatusCode.BadRequest, "Wrong field type" },
        { "message is a number", "application/json", U("{\"message\": 42}"), HttpStatusCode.BadRequest, "Wrong field type" },
        { "location is an object", "application/json", U("{\"message\":\"" + Secret + "\",\"location\":{\"a\":1}}"), HttpStatusCode.BadRequest, "Wrong field type" },
        { "message missing", "application/json", U("{\"language\": \"en\"}"), HttpStatusCode.BadRequest, "Message required" },
        { "message empty", "application/json", U("{\"message\": \"\"}"), HttpStatusCode.BadRequest, "Message required" },
        { "message whitespace", "application/json", U("{\"message\": \"  \\n\\t \"}"), HttpStatusCode.BadRequest, "Message required" },
        { "message too long", "application/json", U("{\"message\": \"" + new string('x', 10_001) + "\"}"), HttpStatusCode.BadRequest, "Message too long" },
        { "control character", "application/json", U("{\"message\": \"" + Secret + "\\u0007\"}"), HttpStatusCode.BadRequest, "Control characters" },
        { "lone surrogate", "application/json", U("{\"message\": \"" + Secret + "\\ud800\"}"), HttpStatusCode.BadRequest, "Control characters" },
        { "invalid UTF-8", "application/json", [.. U("{\"message\": \"" + Secret), 0xC3, 0x28, .. U("\"}")], HttpStatusCode.BadRequest, "Invalid encoding" },
        { "bad language tag", "application/json", U("{\"message\": \"" + Secret + "\", \"language\": \"<script>\"}"), HttpStatusCode.BadRequest, "Invalid language" },
        { "oversized body", "application/json", U("{\"message\": \"" + new string('x', 140_000) + "\"}"), HttpStatusCode.RequestEntityTooLarge, "Request too large" },
        { "text/plain", "text/plain", U(Secret), HttpStatusCode.UnsupportedMediaType, "Unsupported content type" },
        { "latin-1 charset", "application/json; charset=iso-8859-1", U("{\"message\": \"x\"}"), HttpStatusCode.UnsupportedMediaType, "Unsupported content type" },
    };

    [Theory]
    [MemberData(nameof(JsonCases))]
    public async Task SubmitTip_BadJsonInput_Returns4xxProblemWithoutEchoingTheTip(string name, string contentType, byte[] body, HttpStatusCode expected, string title)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);

        using var response = await App.Http.PostAsync(new Uri("/api/tips", UriKind.Relative), content, Ct);

        Assert.True(expected == response.StatusCode, $"{name}: expected {expected}, got {response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync(Ct);
        using var problem = JsonDocument.Parse(text);
        Assert.Equal(title, problem.RootElement.GetProperty("title").GetString());
        Assert.Equal((int)expected, problem.RootElement.GetProperty("status").GetInt32());
        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, App.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitTip_ChunkedBodyOverLimit_Returns413()
    {
        // No Content-Length: the limit must hold on what is actually read.
        using var content = new StreamContent(new MemoryStream(U("{\"message\": \"" + new string('x', 140_000) + "\"}")));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tips") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await App.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task SubmitTip_FormWithEmptyMessage_Returns400ReadablePageInFormLanguage()
    {
        using var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["message"] = "   ", ["language"] = "fa" });

        using var response = await App.Http.PostAsync(new Uri("/api/tips", UriKind.Relative), content, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("<html lang=\"fa\" dir=\"rtl\">", html, StringComparison.Ordinal);
        Assert.Contains("لطفاً پیش از ارسال، گزارش خود را بنویسید.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitTip_FormWithBrokenPercentEscape_Returns400Page()
    {
        using var content = new StringContent("message=" + Uri.EscapeDataString(Secret) + "%C3%28&language=en", Encoding.ASCII, "application/x-www-form-urlencoded");

        using var response = await App.Http.PostAsync(new Uri("/api/tips", UriKind.Relative), content, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("Your report was not sent", html, StringComparison.Ordinal);
        Assert.DoesNotContain("hides-passports", html, StringComparison.Ordinal);
    }

    /// <summary>Each case: what the page must say, and whether the draft can come back (the body was read as a form).</summary>
    public static TheoryData<string, byte[], HttpStatusCode, string, bool> FormCases() => new()
    {
        { "invalid UTF-8 bytes", [.. U("message=" + Uri.EscapeDataString(Secret)), 0xC3, 0x28, .. U("&language=fr")], HttpStatusCode.BadRequest, "Your report was not sent", false },
        { "control character", Form(("message", Secret + "\u0007"), ("language", "uk")), HttpStatusCode.BadRequest, "Не вдалося прочитати частину форми", true },
        { "oversized body", Form(("message", Secret + new string('x', 140_000))), HttpStatusCode.RequestEntityTooLarge, "The report is too large to send.", false },
        { "location too long", Form(("message", Secret), ("location", new string('l', 501))), HttpStatusCode.BadRequest, "id=\"location-error\">Something in the form could not be read", true },
        { "contact too long", Form(("message", Secret), ("contact", new string('c', 201))), HttpStatusCode.BadRequest, "id=\"contact-error\">Something in the form could not be read", true },
        { "category too long", Form(("message", Secret), ("category", new string('k', 65))), HttpStatusCode.BadRequest, "Something in the form could not be read", true },
        { "idempotency key with a space", Form(("message", Secret), ("idempotencyKey", "not a key")), HttpStatusCode.BadRequest, "Something in the form could not be read", true },
        { "idempotency key too long", Form(("message", Secret), ("idempotencyKey", new string('k', 129))), HttpStatusCode.BadRequest, "Something in the form could not be read", true },
        { "message of 10,001 characters", Form(("message", Secret + new string('م', 10_001 - Secret.Length)), ("language", "ar")), HttpStatusCode.BadRequest, "id=\"message-error\">بلاغك طويل جدًا", true },
    };

    /// <summary>
    /// A refused form comes back filled in (a tipster may have written for twenty minutes), the error tied to its
    /// field, in the form's language, never cached; a body that could not be read as a form has no draft to give.
    /// </summary>
    [Theory]
    [MemberData(nameof(FormCases))]
    public async Task SubmitTip_BadFormInput_Returns4xxPageWithTheDraftBack(string name, byte[] body, HttpStatusCode expected, string says, bool draftBack)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");

        using var response = await App.Http.PostAsync(new Uri("/api/tips", UriKind.Relative), content, Ct);

        Assert.True(expected == response.StatusCode, $"{name}: expected {expected}, got {response.StatusCode}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore, "a page holding a draft is never cached");
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.StartsWith("<!doctype html>", html, StringComparison.Ordinal);
        Assert.Contains(says, html, StringComparison.Ordinal);
        if (draftBack)
        {
            Assert.Matches("<textarea [^>]*>\n" + System.Text.RegularExpressions.Regex.Escape(Secret), html);
        }
        else
        {
            Assert.DoesNotContain(Secret, html, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(Secret, App.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitTip_FormWithMessageOfExactly10000CharactersAndUnknownFields_Returns202()
    {
        // Arabic: 6 bytes a letter once percent-encoded, inside the 128 KiB body limit.
        var message = PrivacyCanaries.Register("ع" + Guid.NewGuid().ToString("N"));
        message += new string('ع', 10_000 - message.Length);
        using var content = new ByteArrayContent(Form(("message", message), ("language", "ar"), ("submit", "send"), ("utm_source", "x"), ("message[]", "y")));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");

        using var response = await App.Http.PostAsync(new Uri("/api/tips", UriKind.Relative), content, Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var receipt = System.Text.RegularExpressions.Regex.Match(await response.Content.ReadAsStringAsync(Ct), "id=\"receipt\">([0-9A-Z-]{14})<").Groups[1].Value;
        var report = await TestKeys.DecryptReportAsync(azurite.ConnectionString, Hotline.Tips.ReportStore.ReportBlobName(SubmitTipTests.ParseReceipt(receipt)), Ct);
        Assert.Equal(10_000, report.Message.Length);
        Assert.Equal(message, report.Message);
    }

    [Fact]
    public async Task SubmitTip_OverRateLimit_Returns429WithRetryAfter()
    {
        var settings = TestApp.BaseSettings(azurite.ConnectionString);
        settings["Hotline:RateLimit:PerMinute"] = "2";
        await using var limited = await TestApp.StartAsync(settings, cancellationToken: Ct);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 3; i++)
        {
            last?.Dispose();
            last = await limited.Http.PostAsync(new Uri("/api/tips", UriKind.Relative), new StringContent("{\"message\":\"rate limit probe\"}", Encoding.UTF8, "application/json"), Ct);
            statuses.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests], statuses);
        Assert.True(last!.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal("application/problem+json", last.Content.Headers.ContentType?.MediaType);
        // The client's address (here loopback) appears in no log line but the server's own "listening on".
        Assert.DoesNotContain(limited.Logs.Lines, l => l.Contains("127.0.0.1", StringComparison.Ordinal) && !l.Contains("Now listening on", StringComparison.Ordinal));
        last.Dispose();
    }

    [Fact]
    public async Task SubmitTip_StorageDown_Returns503AndNeverA500()
    {
        var own = await Azurite.StartAsync(Ct);
        await using var app = await TestApp.StartAsync(TestApp.BaseSettings(own.ConnectionString), cancellationToken: Ct);
        await own.DisposeAsync();

        using var response = await app.Http.PostAsync(new Uri("/api/tips", UriKind.Relative), new StringContent("{\"message\":\"" + Secret + "\"}", Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.DoesNotContain(Secret, app.Logs.AllText, StringComparison.Ordinal);
    }

    private static byte[] U(string s) => Encoding.UTF8.GetBytes(s);

    private static byte[] Form(params (string Name, string Value)[] fields) =>
        U(string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Name) + "=" + Uri.EscapeDataString(f.Value))));
}
