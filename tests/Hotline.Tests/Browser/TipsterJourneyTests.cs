using Hotline.Tests.Infrastructure;
using Hotline.Tests.Intake;
using Hotline.Tips;
using Microsoft.Playwright;

namespace Hotline.Tests.Browser;

/// <summary>
/// The tipster's journey on a cheap phone, in Chromium: leave without a trace one Back away, never lose a draft,
/// limits that agree with the browser in every script, a screen that never hides the field being typed in, and a
/// thank-you page that says what happens next.
/// </summary>
[Trait(Tier.Name, Tier.Slow)]
public sealed class TipsterJourneyTests(AzuriteFixture azurite, BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private const string HotlineNumber = "+15005550006";
    private TestApp? _app;

    private TestApp App => _app!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var settings = TestApp.BaseSettings(azurite.ConnectionString);

        // A Twilio account is configured so the thank-you page can give the hotline's number; nothing is sent here.
        settings["Twilio:AccountSid"] = "AC0123456789abcdef0123456789abcdef";
        settings["Twilio:AuthToken"] = "journey-token";
        settings["Twilio:PhoneNumber"] = HotlineNumber;
        settings["Twilio:ApiBaseUrl"] = "http://127.0.0.1:9";
        settings["Responders:0:Name"] = "On call";
        settings["Responders:0:Phone"] = "+447700900555";
        _app = await TestApp.StartAsync(settings, cancellationToken: Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("en", 360)]
    [InlineData("ar", 320)]
    public async Task Journey_WithJavaScript_SwitchSendAndExit_LeaveNothingOneBackAway(string language, int width)
    {
        await using var context = await NewContextAsync(javaScript: true, width);
        var page = await context.NewPageAsync();
        await RouteExitAsync(page);
        await page.GotoAsync("about:blank");
        await page.GotoAsync(Url("/api/tips/form?lang=fr"));
        var text = PrivacyCanaries.Register("They keep twelve men in a barn near the border " + Guid.NewGuid());
        await page.Locator("#message").FillAsync(text);

        // The language is switched in place, the draft kept; then the report is sent in place.
        await page.Locator($"nav button[lang={language}]").ClickAsync();
        await Eventually.TrueAsync(async () => await page.Locator("html").GetAttributeAsync("lang") == language, TimeSpan.FromSeconds(10));
        Assert.Equal(text, await page.Locator("#message").InputValueAsync());
        await page.Locator("button[data-sending]").ClickAsync();
        await page.Locator("#receipt").WaitForAsync();
        var receipt = await page.Locator("#receipt").InnerTextAsync();

        Assert.Equal(2, await page.EvaluateAsync<int>("() => history.length"));
        Assert.DoesNotContain(language == "en" ? "Report" : "الاتجار", await page.TitleAsync(), StringComparison.Ordinal);
        await Task.WhenAll(
            page.WaitForURLAsync("https://www.google.com/**", new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit }),
            page.Locator("#quick-exit").ClickAsync());
        await page.GoBackAsync(new PageGoBackOptions { WaitUntil = WaitUntilState.Commit });

        Assert.Equal("about:blank", page.Url);
        var report = await TestKeys.DecryptReportAsync(azurite.ConnectionString, ReportStore.ReportBlobName(SubmitTipTests.ParseReceipt(receipt)), Ct);
        Assert.Equal(text, report.Message);
    }

    [Fact]
    public async Task QuickExit_SlowExitSite_BlanksThePageAtOnce()
    {
        await using var context = await NewContextAsync(javaScript: true, 360);
        var page = await context.NewPageAsync();
        // The exit request is held, not answered: the handler returns at once (Playwright dispatches its events in
        // order, so a handler that waited would stall the test's own calls) and the request is let go in finally.
        var held = new TaskCompletionSource<IRoute>(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync("https://www.google.com/**", route =>
        {
            held.TrySetResult(route);
            return Task.CompletedTask;
        });
        await page.GotoAsync(Url("/api/tips/form?lang=fa"));
        await page.Locator("#message").FillAsync("a draft that must not stay on screen");

        try
        {
            // What is on screen is read in the same task as the click: "at once" means before the exit site has
            // answered or even been asked (a page with a navigation pending cannot be evaluated from outside).
            var shown = await page.EvaluateAsync<string[]>("() => { document.getElementById('quick-exit').click(); return [document.body.innerText, document.title]; }");
            var route = await held.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);

            // The exit site has not answered yet (5 s on a 2G link, or never where it is blocked): nothing shows.
            Assert.Equal([string.Empty, string.Empty], shown);
            Assert.StartsWith("https://www.google.com/search?q=", route.Request.Url, StringComparison.Ordinal);
        }
        finally
        {
            if (held.Task.IsCompletedSuccessfully)
            {
                await (await held.Task).AbortAsync();
            }
        }
    }

    [Fact]
    public async Task QuickExit_SpaceOnTheExitButton_Leaves()
    {
        await using var context = await NewContextAsync(javaScript: true, 360);
        var page = await context.NewPageAsync();
        await RouteExitAsync(page);
        await page.GotoAsync(Url("/api/tips/form?lang=en"));
        await page.Locator("#quick-exit").FocusAsync();

        await Task.WhenAll(
            page.WaitForURLAsync("https://www.google.com/**", new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit }),
            page.Keyboard.PressAsync(" "));

        Assert.StartsWith("https://www.google.com/search?q=weather", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuickExitHint_TouchPhone_IsNotShown()
    {
        await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { HasTouch = true, IsMobile = true, ViewportSize = new ViewportSize { Width = 360, Height = 740 } });
        var page = await context.NewPageAsync();

        await page.GotoAsync(Url("/api/tips/form?lang=en"));

        Assert.False(await page.Locator("#quick-exit-hint").IsVisibleAsync());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task LanguageSwitch_WithOrWithoutJavaScript_KeepsTheDraft(bool javaScript)
    {
        await using var context = await NewContextAsync(javaScript, 360);
        var page = await context.NewPageAsync();
        await page.GotoAsync(Url("/api/tips/form?lang=en"));
        await page.Locator("#message").FillAsync("Line one\nline two, written for twenty minutes");
        await page.Locator("#location").FillAsync("Subotica");
        var key = await page.Locator("input[name=idempotencyKey]").InputValueAsync();

        await page.Locator("nav button[lang=ar]").ClickAsync();
        await Eventually.TrueAsync(async () => await page.Locator("html").GetAttributeAsync("lang") == "ar", TimeSpan.FromSeconds(10));

        Assert.Equal("rtl", await page.Locator("html").GetAttributeAsync("dir"));
        Assert.Equal("Line one\nline two, written for twenty minutes", await page.Locator("#message").InputValueAsync());
        Assert.Equal("Subotica", await page.Locator("#location").InputValueAsync());
        Assert.Equal(key, await page.Locator("input[name=idempotencyKey]").InputValueAsync());
    }

    [Fact]
    public async Task Rejection_WithJavaScript_PageStaysWithTheDraftAndTheErrorInItsLanguage()
    {
        var settings = TestApp.BaseSettings(azurite.ConnectionString);
        settings["Hotline:RateLimit:PerMinute"] = "1";
        await using var limited = await TestApp.StartAsync(settings, cancellationToken: Ct);
        await using var context = await NewContextAsync(javaScript: true, 360);
        var page = await context.NewPageAsync();

        // A blank message (spaces pass `required`) comes back as the form, draft and field error in Farsi.
        await page.GotoAsync(new Uri(limited.BaseAddress, "/api/tips/form?lang=fa").ToString());
        var entries = await page.EvaluateAsync<int>("() => history.length");
        await page.Locator("#message").FillAsync("   ");
        await page.Locator("button[data-sending]").ClickAsync();
        await page.Locator("#message-error").WaitForAsync();
        Assert.Contains("لطفاً پیش از ارسال", await page.Locator("#message-error").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("true", await page.Locator("#message").GetAttributeAsync("aria-invalid"));

        // Over the limit (429, answered before the body is read): the page stays as it was, the draft with it.
        await page.Locator("#message").FillAsync("They took our passports at the farm");
        await page.Locator("button[data-sending]").ClickAsync();

        // The blank message's summary is still on the page: wait for the 429's words, not for a summary.
        await page.Locator("#error-summary", new PageLocatorOptions { HasText = "یک دقیقه صبر کنید" }).WaitForAsync();
        Assert.Equal("They took our passports at the farm", await page.Locator("#message").InputValueAsync());
        Assert.Equal(entries, await page.EvaluateAsync<int>("() => history.length"));
    }

    [Fact]
    public async Task Rejection_WithoutJavaScript_BlankStorageDownAndRateLimit_EachGiveTheFormBackFilledIn()
    {
        await using var own = await Azurite.StartAsync(Ct);
        var settings = TestApp.BaseSettings(own.ConnectionString);
        settings["Hotline:RateLimit:PerMinute"] = "2";
        await using var app = await TestApp.StartAsync(settings, cancellationToken: Ct);
        await using var context = await NewContextAsync(javaScript: false, 320);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseAddress, "/api/tips/form?lang=ar").ToString());
        var key = await page.Locator("input[name=idempotencyKey]").InputValueAsync();
        var texts = Hotline.Functions.Texts.FormTexts.For("ar");
        var draft = "أخذوا جوازات سفرنا في المزرعة\nونحن عشرة";

        // Blank (spaces pass `required`): 400, the error next to the field.
        await page.Locator("#message").FillAsync("   ");
        await page.Locator("#location").FillAsync("Subotica");
        Assert.Equal(400, await SubmitAsync(page, texts.ErrorSummary));
        Assert.Equal(texts.ErrorMessageMissing, await page.Locator("#message-error").InnerTextAsync());
        Assert.Equal("Subotica", await page.Locator("#location").InputValueAsync());

        // Storage down: 503, nothing stored, and the words still there to send again.
        await own.DisposeAsync();
        await page.Locator("#message").FillAsync(draft);
        Assert.Equal(503, await SubmitAsync(page, texts.ErrorUnavailable));
        await AssertFilledInAsync(texts.ErrorUnavailable);

        // Over the rate limit (refused before the report is read): the draft is read back all the same.
        Assert.Equal(429, await SubmitAsync(page, texts.ErrorTooMany));
        await AssertFilledInAsync(texts.ErrorTooMany);

        async Task AssertFilledInAsync(string error)
        {
            Assert.Contains(error, await page.Locator("#error-summary").InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal(draft, (await page.Locator("#message").InputValueAsync()).Replace("\r\n", "\n", StringComparison.Ordinal));
            Assert.Equal("Subotica", await page.Locator("#location").InputValueAsync());
            Assert.Equal(key, await page.Locator("input[name=idempotencyKey]").InputValueAsync());
            Assert.Equal("ar", await page.Locator("html").GetAttributeAsync("lang"));
        }
    }

    /// <summary>
    /// Sends the form as a browser without JavaScript does (a navigation), waits for the answer's page to show
    /// <paramref name="error"/> (each step's error differs, so the old page cannot be mistaken for it), and
    /// returns the answer's status.
    /// </summary>
    private static async Task<int> SubmitAsync(IPage page, string error)
    {
        var response = await page.RunAndWaitForResponseAsync(
            () => page.Locator("button[data-sending]").ClickAsync(),
            r => r.Request.Method == "POST" && r.Url.Contains("/api/tips?", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("#error-summary")).ToContainTextAsync(error);
        return response.Status;
    }

    [Theory]
    [InlineData("latin")]
    [InlineData("geez")]
    public async Task Limits_LongestMessageTheTextareaAllows_IsAccepted(string script)
    {
        await using var context = await NewContextAsync(javaScript: false, 360);
        var page = await context.NewPageAsync();
        await page.GotoAsync(Url("/api/tips/form?lang=en"));

        // Latin with line breaks (each counts one in the textarea, and is sent as CR LF); Ge'ez (Tigrinya), nine
        // bytes a letter once encoded.
        var unit = script == "latin" ? "They hold us here.\n" : "ብዙሓት ሰባት ኣብዚ ተዓጽዮም ኣለዉ። ";
        var text = string.Concat(Enumerable.Repeat(unit, (10_000 / unit.Length) + 1))[..10_000];
        text = text[..^1] + "x";
        Assert.Equal(10_000, await page.Locator("#message").EvaluateAsync<int>("t => t.maxLength"));
        await page.Locator("#message").FillAsync(text);
        Assert.Equal(10_000, await page.Locator("#message").EvaluateAsync<int>("t => t.value.length"));
        Assert.False(await page.Locator("#message").EvaluateAsync<bool>("t => t.validity.tooLong"));

        await Task.WhenAll(
            page.WaitForURLAsync("**/api/tips?lang=en", new PageWaitForURLOptions { WaitUntil = WaitUntilState.DOMContentLoaded }),
            page.Locator("button[data-sending]").ClickAsync());

        var receipt = await page.Locator("#receipt").InnerTextAsync();
        var report = await TestKeys.DecryptReportAsync(azurite.ConnectionString, ReportStore.ReportBlobName(SubmitTipTests.ParseReceipt(receipt)), Ct);
        Assert.Equal(text, report.Message.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(320, 480)]
    [InlineData(360, 740)]
    [InlineData(360, 300)]
    public async Task Header_SmallOrZoomedScreen_NeverHidesTheFocusedField(int width, int height)
    {
        await using var context = await NewContextAsync(javaScript: true, width, height);
        var page = await context.NewPageAsync();
        await page.GotoAsync(Url("/api/tips/form?lang=ar"));

        foreach (var field in new[] { "#contact", "#location", "#message" })
        {
            await page.EvaluateAsync("() => window.scrollTo(0, document.body.scrollHeight)");
            await page.Locator(field).FocusAsync();
            var header = (await page.Locator("header").BoundingBoxAsync())!;
            var box = (await page.Locator(field).BoundingBoxAsync())!;

            // Below the header, whether it stays on screen (sticky, with scroll padding) or scrolled away (short screens).
            Assert.True(box.Y >= header.Y + header.Height - 0.5, $"{field} at {box.Y} is under the header ({header.Y}..{header.Y + header.Height}) at {width}x{height}");
        }
    }

    [Fact]
    public async Task ThankYou_Arabic320_CaseNumberFitsAndSaysWhatHappensNext()
    {
        await using var context = await NewContextAsync(javaScript: false, 320);
        var page = await context.NewPageAsync();
        await page.GotoAsync(Url("/api/tips/form?lang=ar"));
        await page.Locator("#message").FillAsync("يحتجزون عمالاً في مزرعة قرب الحدود " + Guid.NewGuid());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "form-ar-320.png"), FullPage = true });

        await Task.WhenAll(
            page.WaitForURLAsync("**/api/tips?lang=ar", new PageWaitForURLOptions { WaitUntil = WaitUntilState.DOMContentLoaded }),
            page.Locator("button[data-sending]").ClickAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "thanks-ar-320.png"), FullPage = true });

        var receipt = page.Locator("#receipt");
        Assert.True(await receipt.EvaluateAsync<bool>("r => r.scrollWidth <= r.clientWidth"), "the case number overflows its box at 320 px");
        Assert.Matches("^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$", await receipt.InnerTextAsync());
        Assert.Contains("الشرطة", await page.Locator("#next-steps").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("sms:" + HotlineNumber, await page.Locator("#text-us a").GetAttributeAsync("href"));
        Assert.Equal("tel:112", await page.Locator(".emergency a").First.GetAttributeAsync("href"));
        Assert.Equal("نموذج تواصل", await page.TitleAsync());
    }

    private Task<IBrowserContext> NewContextAsync(bool javaScript, int width, int height = 740) =>
        browser.Browser.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = javaScript, ViewportSize = new ViewportSize { Width = width, Height = height } });

    /// <summary>The exit site is answered locally: this machine reaches no other host.</summary>
    private static async Task RouteExitAsync(IPage page) =>
        await page.RouteAsync("https://www.google.com/**", route => route.FulfillAsync(new RouteFulfillOptions { Body = "<title>Weather</title>neutral", ContentType = "text/html" }));

    private string Url(string path) => new Uri(App.BaseAddress, path).ToString();
}
