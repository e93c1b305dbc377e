using Hotline.Tests.Infrastructure;
using Hotline.Tests.Intake;
using Hotline.Tips;
using Microsoft.Playwright;

namespace Hotline.Tests.Browser;

/// <summary>The web form in a real browser, as a tipster on a small phone would use it.</summary>
[Trait(Tier.Name, Tier.Slow)]
public sealed class WebFormBrowserTests(AzuriteFixture azurite, BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
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

    [Fact]
    public async Task WebForm_ArabicWithJavaScriptOff_SubmitsAndShowsReceiptRightToLeftWithoutCookies()
    {
        await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            JavaScriptEnabled = false,
            ViewportSize = new ViewportSize { Width = 360, Height = 740 },
            Locale = "ar-SY",
        });
        var page = await context.NewPageAsync();
        var requested = new List<string>();
        page.Request += (_, request) => requested.Add(request.Url);
        var text = PrivacyCanaries.Register("يحتجزون عمالاً في مزرعة قرب الحدود ويأخذون جوازاتهم " + Guid.NewGuid());

        await page.GotoAsync(new Uri(App.BaseAddress, "/").ToString());

        // Accept-Language picks Arabic.
        Assert.Equal("ar", await page.Locator("html").GetAttributeAsync("lang"));
        Assert.Equal("rtl", await page.Locator("html").GetAttributeAsync("dir"));
        Assert.True(await page.Locator("#quick-exit").IsVisibleAsync());

        await page.Locator("#message").FillAsync(text);
        await page.Locator("#location").FillAsync("إدلب");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "webform-ar.png"), FullPage = true });
        await Task.WhenAll(
            page.WaitForURLAsync("**/api/tips?lang=ar", new PageWaitForURLOptions { WaitUntil = WaitUntilState.DOMContentLoaded }),
            page.Locator("button[data-sending]").ClickAsync());

        var receipt = await page.Locator("#receipt").InnerTextAsync();
        var id = SubmitTipTests.ParseReceipt(receipt);
        Assert.Equal("rtl", await page.Locator("html").GetAttributeAsync("dir"));
        Assert.Contains("شكرًا لك", await page.Locator("h1").InnerTextAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "webform-ar-receipt.png"), FullPage = true });

        Assert.Empty(await context.CookiesAsync());
        Assert.All(requested, url => Assert.StartsWith(App.BaseAddress.ToString(), url, StringComparison.Ordinal));

        var report = await TestKeys.DecryptReportAsync(azurite.ConnectionString, ReportStore.ReportBlobName(id), Ct);
        Assert.Equal(text, report.Message);
        Assert.Equal("إدلب", report.Location);
        Assert.Equal("ar", report.Language);
        Assert.Empty(PrivacyCanaries.FoundIn(App.Logs.AllText));
    }

    /// <summary>Every language of the catalogue, and the side it is read from (written here, not taken from the catalogue).</summary>
    public static TheoryData<string, string> Languages()
    {
        string[] rightToLeft = ["ar", "fa", "prs", "ps", "ur", "ckb"];
        var data = new TheoryData<string, string>();
        foreach (var language in Hotline.Functions.Texts.TextCatalogue.Order)
        {
            data.Add(language, rightToLeft.Contains(language) ? "rtl" : "ltr");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public async Task WebForm_Language_LaysOutFromItsReadingSideAt320Pixels(string language, string direction)
    {
        await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            JavaScriptEnabled = false,
            ViewportSize = new ViewportSize { Width = 320, Height = 640 },
        });
        var page = await context.NewPageAsync();

        await page.GotoAsync(new Uri(App.BaseAddress, "/api/tips/form?lang=" + language).ToString());

        Assert.Equal(language, await page.Locator("html").GetAttributeAsync("lang"));
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways at 320 px");

        // What the browser computed, not what the markup says: the exit button starts at the reading
        // edge of the content (right in Arabic, left in English; where its words fill the line it
        // touches both), and the text of a label sits flush with the reading edge alone.
        Assert.Equal(direction, await page.Locator("body").EvaluateAsync<string>("b => getComputedStyle(b).direction"));
        var content = await page.Locator("main").BoundingBoxAsync();
        var exit = await page.Locator("#quick-exit").BoundingBoxAsync();
        var label = await page.Locator("label[for=message]").EvaluateAsync<double[]>(
            "l => { const r = document.createRange(); r.selectNodeContents(l); const b = r.getBoundingClientRect(); return [b.left, b.right]; }");
        Assert.NotNull(content);
        Assert.NotNull(exit);
        var reading = direction == "rtl" ? "right" : "left";
        Assert.Contains(Side(content, exit.X, exit.X + exit.Width), new[] { reading, "both" });
        Assert.Equal(reading, Side(content, label[0], label[1]));
    }

    /// <summary>Which edge of the content a box is flush with: "left", "right", or "both"/"none".</summary>
    private static string Side(LocatorBoundingBoxResult content, double left, double right) =>
        (Math.Abs(left - content.X) < 0.5, Math.Abs(right - (content.X + content.Width)) < 0.5) switch
        {
            (true, false) => "left",
            (false, true) => "right",
            (true, true) => "both",
            _ => "none",
        };

    [Fact]
    public async Task QuickExit_WithJavaScript_ReplacesThePageSoBackDoesNotReturn()
    {
        await using var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        // The neutral site is answered locally: this machine reaches no other host.
        await page.RouteAsync("https://www.google.com/**", route => route.FulfillAsync(new RouteFulfillOptions { Body = "<title>Weather</title>neutral", ContentType = "text/html" }));
        await page.GotoAsync("about:blank");
        await page.GotoAsync(new Uri(App.BaseAddress, "/api/tips/form?lang=uk").ToString());

        await Task.WhenAll(
            page.WaitForURLAsync("https://www.google.com/**", new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit }),
            page.Locator("#quick-exit").ClickAsync());
        await page.GoBackAsync(new PageGoBackOptions { WaitUntil = WaitUntilState.Commit });

        Assert.DoesNotContain("/api/tips/form", page.Url, StringComparison.Ordinal);
        Assert.Empty(await context.CookiesAsync());
    }

    [Fact]
    public async Task QuickExit_ShiftPressedThreeTimes_LeavesForTheNeutralSite()
    {
        await using var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.RouteAsync("https://www.google.com/**", route => route.FulfillAsync(new RouteFulfillOptions { Body = "neutral", ContentType = "text/html" }));
        await page.GotoAsync(new Uri(App.BaseAddress, "/api/tips/form?lang=ar").ToString());
        await page.Locator("#message").FillAsync("draft");

        // With JavaScript on, the page says how (GOV.UK's "Exit this page" shortcut).
        Assert.Contains("Shift", await page.Locator("#quick-exit-hint").InnerTextAsync(), StringComparison.Ordinal);
        await Task.WhenAll(
            page.WaitForURLAsync("https://www.google.com/**", new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit }),
            PressAsync(page, "Shift", "Shift", "Shift"));

        Assert.StartsWith("https://www.google.com/", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuickExit_EscapeOrShiftedLettersWhileTyping_StayAndKeepTheDraft()
    {
        await using var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(App.BaseAddress, "/api/tips/form?lang=en").ToString());
        // The Navigation API's navigate event fires synchronously when a page starts to leave.
        await page.EvaluateAsync("() => { window.leaving = 0; navigation.addEventListener('navigate', () => window.leaving++); }");
        await page.Locator("#message").FocusAsync();

        // Escape dismisses autocomplete and keyboard pop-ups; capitals and many Arabic and Farsi
        // letters are typed with Shift held. None of it may throw the draft away.
        await PressAsync(page, "K", "Escape", "Shift+A", "Shift+B", "Shift+C", "Escape");

        Assert.Equal(0, await page.EvaluateAsync<int>("() => window.leaving"));
        Assert.Equal("KABC", await page.Locator("#message").InputValueAsync());
        Assert.Contains("/api/tips/form", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuickExit_ShiftPressesMoreThanFiveSecondsApart_StartCountingAgain()
    {
        await using var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.Clock.InstallAsync();
        await page.GotoAsync(new Uri(App.BaseAddress, "/api/tips/form?lang=fa").ToString());
        await page.EvaluateAsync("() => { window.leaving = 0; navigation.addEventListener('navigate', () => window.leaving++); }");

        // The page's clock, moved on by hand: two presses, six seconds, two presses.
        await PressAsync(page, "Shift", "Shift");
        await page.Clock.RunForAsync(6_000);
        await PressAsync(page, "Shift", "Shift");

        Assert.Equal(0, await page.EvaluateAsync<int>("() => window.leaving"));
    }

    [Fact]
    public async Task QuickExit_WithJavaScriptOff_StillLeaves()
    {
        await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = false });
        var page = await context.NewPageAsync();
        await page.RouteAsync("https://www.google.com/**", route => route.FulfillAsync(new RouteFulfillOptions { Body = "neutral", ContentType = "text/html" }));
        await page.GotoAsync(new Uri(App.BaseAddress, "/api/tips/form?lang=fa").ToString());

        await Task.WhenAll(
            page.WaitForURLAsync("https://www.google.com/**", new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit }),
            page.Locator("#quick-exit").ClickAsync());

        Assert.StartsWith("https://www.google.com/", page.Url, StringComparison.Ordinal);
    }

    private static async Task PressAsync(IPage page, params string[] keys)
    {
        foreach (var key in keys)
        {
            await page.Keyboard.PressAsync(key);
        }
    }
}
