using System.Net;
using Hotline.Functions.Texts;
using Hotline.Tests.Infrastructure;

namespace Hotline.Tests.Intake;

public sealed class TipFormTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private TestApp? _app;

    private TestApp App => _app!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _app = await TestApp.StartAsync(TestApp.BaseSettings(azurite.ConnectionString), cancellationToken: Ct);

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/api/tips/form")]
    [InlineData("/api/tips/form/")]
    [InlineData("/API/Tips/Form")]
    public async Task Form_Get_ServesStrictPrivacyHeadersAndNoCookie(string path)
    {
        using var response = await App.Http.GetAsync(new Uri(path, UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("form-action 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Set-Cookie"));

        // Hardening 10: HSTS on every response.
        Assert.Equal("max-age=31536000; includeSubDomains", response.Headers.GetValues("Strict-Transport-Security").Single());
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("id=\"quick-exit\"", html, StringComparison.Ordinal);
        Assert.Contains("112", html, StringComparison.Ordinal);

        // Nothing from anywhere else: every src/href that loads is same-origin.
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(html, "<(?:script|link|img)[^>]+(?:src|href)=\"([^\"]+)\""))
        {
            Assert.StartsWith("/", m.Groups[1].Value, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("ar", "rtl")]
    [InlineData("fa", "rtl")]
    [InlineData("uk", "ltr")]
    [InlineData("fr", "ltr")]
    [InlineData("en", "ltr")]
    public async Task Form_LanguageChosen_SetsLangAndDir(string lang, string dir)
    {
        var html = await App.Http.GetStringAsync(new Uri("/api/tips/form?lang=" + lang, UriKind.Relative), Ct);

        Assert.Contains($"<html lang=\"{lang}\" dir=\"{dir}\">", html, StringComparison.Ordinal);
        Assert.Contains($"<input type=\"hidden\" name=\"language\" value=\"{lang}\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Form_AcceptLanguageArabic_ServesArabic()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.AcceptLanguage.ParseAdd("ar-SY,ar;q=0.9,en;q=0.5");

        using var response = await App.Http.SendAsync(request, Ct);

        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Form_Assets_AreServedSameOrigin()
    {
        using var unknown = await App.Http.GetAsync(new Uri("/api/tips/form/other.js", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var css = await App.Http.GetAsync(new Uri("/api/tips/form/style.css", UriKind.Relative), Ct);
        using var js = await App.Http.GetAsync(new Uri("/api/tips/form/quick-exit.js", UriKind.Relative), Ct);

        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        Assert.Equal("text/javascript", js.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("GET", "/nothing-here")]
    [InlineData("POST", "/api/health")]
    public async Task AnyResponse_NotAFunction_StillSendsTheSecurityHeadersAndHsts(string method, string path)
    {
        using var response = await App.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);

        Assert.True((int)response.StatusCode is 404 or 405, response.StatusCode.ToString());
        Assert.Equal("max-age=31536000; includeSubDomains", response.Headers.GetValues("Strict-Transport-Security").Single());
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [Theory]
    [InlineData("DispatchTriage")]
    [InlineData("DispatchTriagePoison")]
    [InlineData("DispatchDigest")]
    [InlineData("SweepUntriaged")]
    public async Task InvocationEndpoint_PostToAQueueFunctionsName_Is404AndPagesNobody(string function)
    {
        // Hardening 14: the custom handler's unauthenticated invocation routes (POST /{FunctionName},
        // text/plain accepted cross-site) are gone; nothing but the public routes is served.
        using var content = new StringContent("{\"tipId\":\"K7QF-2M9X-4TJD\",\"urgency\":\"urgent\"}", System.Text.Encoding.UTF8, "text/plain");
        using var response = await App.Http.PostAsync(new Uri("/" + function, UriKind.Relative), content, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("fr;q=0.2, ar;q=0.9", "ar")]
    [InlineData("hy, uk;q=0.5, fr;q=0.4", "uk")]
    [InlineData("prs", "prs")]
    [InlineData("fa-AF, en;q=0.1", "prs")]
    [InlineData("ar;q=0, fr;q=0.3", "fr")]
    [InlineData("ps, ur;q=0.9", "ps")]
    [InlineData("bs-BA, de;q=0.8", "sr-Latn")]
    [InlineData("sr, en;q=0.5", "sr-Cyrl")]
    [InlineData("ku-Arab-IQ", "ckb")]
    [InlineData("hy, ka;q=0.9", "en")]
    public async Task Form_AcceptLanguage_PicksTheMostPreferredLanguageItHas(string acceptLanguage, string expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);

        using var response = await App.Http.SendAsync(request, Ct);

        Assert.Contains($"<html lang=\"{expected}\"", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Form_LanguageSwitch_OffersEveryCatalogueLanguageNamedInItself()
    {
        var html = await App.Http.GetStringAsync(new Uri("/api/tips/form?lang=en", UriKind.Relative), Ct);

        foreach (var language in TextCatalogue.All.Skip(1))
        {
            var dir = language.RightToLeft ? "rtl" : "ltr";
            // Buttons that post the draft along, so switching language does not lose what was typed.
            Assert.Contains($"?lang={language.Tag}\" lang=\"{language.Tag}\" dir=\"{dir}\">{language.NativeName}</button>", html, StringComparison.Ordinal);
        }

        Assert.Contains("<span aria-current=\"page\" lang=\"en\" dir=\"ltr\">English</span>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"tel:112\">112</a>", html, StringComparison.Ordinal);
        Assert.Contains("<title>Contact form</title>", html, StringComparison.Ordinal);
        Assert.Contains("aria-label=\"Language\"", html, StringComparison.Ordinal);
        Assert.Contains("Write in any language.", html, StringComparison.Ordinal);
        Assert.Contains("aria-label=\"اللغة\"", await App.Http.GetStringAsync(new Uri("/api/tips/form?lang=ar", UriKind.Relative), Ct), StringComparison.Ordinal);
        Assert.Contains("<a href=\"tel:112\">۱۱۲</a>", await App.Http.GetStringAsync(new Uri("/api/tips/form?lang=fa", UriKind.Relative), Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    [InlineData(null)]
    public async Task Form_AcceptEncoding_IsCompressedForSlowLinks(string? encoding)
    {
        using var raw = new HttpClient { BaseAddress = App.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/tips/form?lang=ar");
        if (encoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", encoding);
        }

        using var response = await raw.SendAsync(request, Ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
        await using var body = encoding switch
        {
            "br" => (Stream)new System.IO.Compression.BrotliStream(new MemoryStream(bytes), System.IO.Compression.CompressionMode.Decompress),
            "gzip" => new System.IO.Compression.GZipStream(new MemoryStream(bytes), System.IO.Compression.CompressionMode.Decompress),
            _ => new MemoryStream(bytes),
        };
        var html = await new StreamReader(body).ReadToEndAsync(Ct);

        Assert.Equal(encoding is null ? [] : [encoding], response.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        Assert.Contains("<html lang=\"ar\"", html, StringComparison.Ordinal);
        var plain = System.Text.Encoding.UTF8.GetByteCount(html);
        Assert.True(encoding is null || bytes.Length < plain / 2, $"{encoding}: {bytes.Length} bytes for {plain}");
    }

    [Fact]
    public async Task Form_DraftWithMarkup_ComesBackEncodedInEveryField()
    {
        // The language switch gives the draft back: what a tipster typed is written into the page by the templates,
        // which must encode it (no value reaches the page as markup), including a " />" the renderer's own tag
        // syntax is rewritten from.
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["message"] = "</textarea><script>alert(1)</script>",
            ["location"] = "\"><svg/onload=alert(1)>",
            ["contact"] = "a /> b <img src=x>",
            ["idempotencyKey"] = "\"><b>key",
        });

        using var response = await App.Http.PostAsync(new Uri("/api/tips/form?lang=ar", UriKind.Relative), content, Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(">\n&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;</textarea>", html, StringComparison.Ordinal);
        Assert.Contains("value=\"&quot;&gt;&lt;svg/onload=alert(1)&gt;\">", html, StringComparison.Ordinal);
        Assert.Contains("value=\"a /&gt; b &lt;img src=x&gt;\">", html, StringComparison.Ordinal);
        Assert.Contains("name=\"idempotencyKey\" value=\"&quot;&gt;&lt;b&gt;key\">", html, StringComparison.Ordinal);
        foreach (var raw in new[] { "<script>", "<svg", "<img", "<b>" })
        {
            Assert.DoesNotContain(raw, html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Favicon_Get_AnswersWithoutA404()
    {
        using var response = await App.Http.GetAsync(new Uri("/api/tips/form/favicon.ico", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task SubmitTip_RefusedBeforeTheBodyIsRead_AnswersInTheFormsLanguage()
    {
        var settings = TestApp.BaseSettings(azurite.ConnectionString);
        settings["Hotline:RateLimit:PerMinute"] = "1";
        await using var limited = await TestApp.StartAsync(settings, cancellationToken: Ct);
        var statuses = new List<HttpStatusCode>();
        var html = string.Empty;
        for (var i = 0; i < 2; i++)
        {
            using var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["message"] = "rate limit probe", ["language"] = "ar" });
            using var response = await limited.Http.PostAsync(new Uri("/api/tips?lang=ar", UriKind.Relative), content, Ct);
            statuses.Add(response.StatusCode);
            html = await response.Content.ReadAsStringAsync(Ct);
        }

        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests], statuses);
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", html, StringComparison.Ordinal);
    }
}
