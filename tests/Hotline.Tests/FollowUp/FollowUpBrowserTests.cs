using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Hotline.Tests.Browser;
using Hotline.Tests.Cli;
using Hotline.Tests.Infrastructure;
using Microsoft.Playwright;
using static Hotline.Tests.Infrastructure.TestTips;

namespace Hotline.Tests.FollowUp;

/// <summary>
/// The follow-up loop in Chromium on a 320 px phone, with JavaScript on (one history entry, axe clean on every page)
/// and off (plain forms): the code on the thank-you page, the responder's answer with the tool, the code typed in
/// the page's own digits, the answer read, a message added. Saves the two screenshots docs/intake.md shows.
/// </summary>
[Trait(Tier.Name, Tier.Slow)]
public sealed class FollowUpBrowserTests(AzuriteFixture azurite, BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private const string Passphrase = "a long passphrase for the browser desk";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("hotline-followup-browser-");
    private TestApp? _app;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TestApp App => _app!;

    private string KeyDir => Path.Combine(_dir.FullName, "keys");

    public async ValueTask InitializeAsync()
    {
        Assert.Equal(0, (await Cli("keys", "init", "--dir", KeyDir)).Exit);
        var settings = TestApp.BaseSettings(azurite.ConnectionString);
        settings["Hotline:PublicKeyPem"] = await File.ReadAllTextAsync(Path.Combine(KeyDir, "hotline-public.pem"), Ct);
        _app = await TestApp.StartAsync(settings, cancellationToken: Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _dir.Delete(recursive: true);
    }

    [Theory]
    [InlineData("en", true)]
    [InlineData("en", false)]
    [InlineData("ar", true)]
    [InlineData("ar", false)]
    public async Task FollowUpLoop_Phone320_CodeAnswerAndAdditionWorkWithAndWithoutJavaScript(string language, bool javaScript)
    {
        await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = javaScript, ViewportSize = new ViewportSize { Width = 320, Height = 640 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync("about:blank");
        await page.GotoAsync(Url($"/api/tips/form?lang={language}"));
        var report = PrivacyCanaries.Register((language == "ar" ? "يحتجزون عمالاً في مزرعة قرب الحدود " : "They keep workers at a farm near the border ") + Guid.NewGuid());
        await page.Locator("#message").FillAsync(report);
        await SendAsync(page, "#followup-code");

        // The code: 4-4-4-4, whole on a 320 px screen, with what it is for and when to come back.
        var code = PrivacyCanaries.Register(await page.Locator("#followup-code").InnerTextAsync());
        Assert.Matches("^[0-9]{4} [0-9]{4} [0-9]{4} [0-9]{4}$", code);
        Assert.True(await page.Locator("#followup-code").EvaluateAsync<bool>("c => c.scrollWidth <= c.clientWidth"), "the code overflows its box at 320 px");
        Assert.True(await page.Locator("#followup-code").EvaluateAsync<bool>("c => c.getClientRects().length === 1 && c.getBoundingClientRect().height < 2.2 * parseFloat(getComputedStyle(c).fontSize) + 40"), "the code breaks over two lines at 320 px");
        Assert.True(await page.Locator("#followup-keep").IsVisibleAsync());
        Assert.True(await page.Locator("#followup-when").IsVisibleAsync());
        var receipt = await page.Locator("#receipt").InnerTextAsync();
        await AxeCleanAsync(page, javaScript);
        if (!javaScript)
        {
            await ScreenshotAsync(page, $"followup-code-{language}-320.png");
        }

        var answer = PrivacyCanaries.Register((language == "ar" ? "شكراً لك. هل أنت بأمان الآن؟ " : "Thank you. Are you safe now? ") + Guid.NewGuid());
        Assert.Equal(0, (await Cli("tips", "reply", receipt, answer, "--as", "Amina")).Exit);

        // Back with the code, typed in Persian digits with spaces, from the thank-you page's link.
        await FollowAsync(page, "#followup-when a", "#code");
        await AxeCleanAsync(page, javaScript);
        await page.Locator("#code").FillAsync(string.Join(' ', code.Split(' ').Select(g => new string(g.Select(c => (char)('۰' + (c - '0'))).ToArray()))));
        await SendAsync(page, "#conversation");

        Assert.Contains(answer, await page.Locator("#conversation .from-hotline").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains(report, await page.Locator("#conversation .from-tipster").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(language, await page.Locator("html").GetAttributeAsync("lang"));
        Assert.Equal(language == "ar" ? "rtl" : "ltr", await page.Locator("html").GetAttributeAsync("dir"));
        await AxeCleanAsync(page, javaScript);

        var added = PrivacyCanaries.Register((language == "ar" ? "نحن اثنا عشر شخصاً " : "We are twelve people ") + Guid.NewGuid());
        await page.Locator("#message").FillAsync(added);
        await SendAsync(page, "#added");
        Assert.Contains(added, await page.Locator("#conversation").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(string.Empty, (await page.Locator("#message").InputValueAsync()).Trim());
        await AxeCleanAsync(page, javaScript);
        if (!javaScript)
        {
            await ScreenshotAsync(page, $"followup-conversation-{language}-320.png");
        }

        if (javaScript)
        {
            // The form, the thank-you page, the code page and the conversation: one history entry after about:blank.
            Assert.Equal(2, await page.EvaluateAsync<int>("() => history.length"));
        }

        Assert.Contains("\n| " + added, (await Cli("tips", "show", receipt)).Stdout, StringComparison.Ordinal);
    }

    /// <summary>Presses the form's send button and waits for <paramref name="shown"/> on the page that answers.</summary>
    private static async Task SendAsync(IPage page, string shown)
    {
        // With JavaScript off the click navigates; on, the page is replaced in place: either way, what the answer shows
        // (never on the page before) is what is waited for.
        await page.Locator("main form button[data-sending]").ClickAsync();
        await page.Locator(shown).WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
    }

    private static async Task FollowAsync(IPage page, string link, string shown)
    {
        await page.Locator(link).ClickAsync();
        await page.Locator(shown).WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
    }

    /// <summary>axe-core's rules over the page as shown (it needs script: with JavaScript off, the JS-on run checks the same pages).</summary>
    private static async Task AxeCleanAsync(IPage page, bool javaScript)
    {
        if (!javaScript)
        {
            return;
        }

        AxeResult result = await page.RunAxe();
        Assert.True(result.Violations.Length == 0, string.Join("; ", result.Violations.Select(v => $"{v.Id}: {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")));
    }

    private static async Task ScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, name), FullPage = true });

    private string Url(string path) => new Uri(App.BaseAddress, path).ToString();

    private Dictionary<string, string?> Env() => new()
    {
        ["AzureWebJobsStorage"] = azurite.ConnectionString,
        ["Hotline__PrivateKeyPath"] = Path.Combine(KeyDir, "hotline-private.pem"),
        ["HOTLINE_KEY_PASSPHRASE"] = Passphrase,
        ["USER"] = "night-desk",
    };

    private Task<CliRun> Cli(params string[] args) => CliRun.RunAsync(Env(), _dir.FullName, args);
}
