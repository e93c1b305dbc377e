using System.Net;
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
}
