using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Hotline.FollowUp;
using Hotline.Storage;
using Hotline.Tests.Cli;
using Hotline.Tests.Dispatch;
using Hotline.Tests.Infrastructure;
using Hotline.Tips;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static Hotline.Tests.Infrastructure.TestTips;

namespace Hotline.Tests.FollowUp;

/// <summary>
/// The web tipster's way back (issue 27) over the app's HTTP surface and the responders' tool, on a storage account of
/// its own: a web report's code, the responder's answer with <c>hotline tips reply</c>, the tipster reading it with the
/// code and adding a message, the responders seeing it and being paged; wrong codes, limits, tokens; and a scan of
/// everything outside ciphertext afterwards.
/// </summary>
public sealed partial class FollowUpTests(OwnAzurite storage) : IClassFixture<OwnAzurite>, IAsyncLifetime
{
    private const string Passphrase = "a long passphrase for the follow-up desk";
    private const string ResponderPhone = "+447700900777";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("hotline-followup-");
    private TwilioStub _twilio = null!;
    private TestApp? _app;
    private string _publicKey = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TestApp App => _app ?? throw new InvalidOperationException("no app started");

    private string KeyDir => Path.Combine(_dir.FullName, "keys");

    public async ValueTask InitializeAsync()
    {
        _twilio = await TwilioStub.StartAsync();
        Assert.Equal(0, (await CliRun.RunAsync(Env(), _dir.FullName, ["keys", "init", "--dir", KeyDir])).Exit);
        _publicKey = await File.ReadAllTextAsync(Path.Combine(KeyDir, "hotline-public.pem"), Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        await _twilio.DisposeAsync();
        _dir.Delete(recursive: true);
    }

    [Fact]
    public async Task FollowUp_WebLoopInEnglish_TheAnswerIsReadWithPersianDigitsAndTheAdditionReachesTheResponders()
    {
        await StartAsync(dispatch: true);
        var since = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var report = PrivacyCanaries.Register("I saw people sleeping behind the market hall " + Guid.NewGuid());
        var (receipt, code) = await SubmitFormAsync(report, "en");
        RegisterCode(code);

        // The responder answers with the tool: nothing is sent anywhere, the tipster has to come back.
        var answer = PrivacyCanaries.Register("Thank you. Are you safe now? Which house is it? " + Guid.NewGuid());
        var replied = await Cli("tips", "reply", receipt.ToString(), answer, "--as", "Amina");
        Assert.Equal(0, replied.Exit);
        Assert.Contains("Stored for the tipster", replied.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(_twilio.Sms, r => r.SmsBody?.Contains(answer, StringComparison.Ordinal) == true);
        Assert.Equal(0, (await Cli("tips", "status", receipt.ToString(), "in-progress", "--as", "Amina")).Exit);

        // The tipster types the code in Persian digits, with spaces and dashes.
        using var opened = await PostFormAsync(App.Http, "/followup?lang=en", new() { ["code"] = Persian(code, "-", " "), ["language"] = "en" });
        var page = await opened.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        AssertTipsterPage(opened, page, "en", "ltr");
        Assert.Contains(Html(answer), page, StringComparison.Ordinal);
        Assert.Contains(Html(report), page, StringComparison.Ordinal);
        Assert.Contains($"<time datetime=\"{DateTimeOffset.UtcNow:yyyy-MM-dd}\"", page, StringComparison.Ordinal);
        Assert.Contains("<strong>being handled</strong>", page, StringComparison.Ordinal);
        Assert.DoesNotContain(Digits(code), Regex.Replace(page, "[^0-9]", string.Empty), StringComparison.Ordinal);
        var token = PrivacyCanaries.Register(Hidden(page, "token"));
        Assert.Equal(receipt.ToString(), Hidden(page, "case"));

        // The tipster adds a message that raises the urgency: stored, and the responders are paged ("follow-up").
        var added = PrivacyCanaries.Register("Help us now, they lock us in at night " + Guid.NewGuid());
        using var sent = await PostFormAsync(App.Http, "/followup/message?lang=en", Fields(page, added));
        var after = await sent.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        AssertTipsterPage(sent, after, "en", "ltr");
        Assert.Contains("Your message is safe with us.", after, StringComparison.Ordinal);
        Assert.Contains(Html(added), after, StringComparison.Ordinal);

        await Eventually.TrueAsync(() => Task.FromResult(_twilio.Sms.Any(r => r.SmsBody?.Contains(receipt.ToString(), StringComparison.Ordinal) == true && r.SmsBody.Contains("follow-up", StringComparison.Ordinal))), Patience, "the follow-up alert");
        var alert = _twilio.Sms.Last(r => r.SmsBody!.Contains("follow-up", StringComparison.Ordinal));
        Assert.Equal(ResponderPhone, alert.To);
        Assert.Contains("Urgency: URGENT", alert.SmsBody, StringComparison.Ordinal);
        Assert.Contains("Channel: web form, follow-up", alert.SmsBody, StringComparison.Ordinal);
        Assert.DoesNotContain("lock us", alert.SmsBody, StringComparison.Ordinal);

        // The responders: list flags the unread addition, show has it and when the tipster read the answer.
        var listed = Row((await Cli("tips", "list", "--since", since)).Stdout, receipt);
        Assert.Contains("1 NEW FROM TIPSTER", listed, StringComparison.Ordinal);
        var shown = await Cli("tips", "show", receipt.ToString());
        Assert.Equal(0, shown.Exit);
        Assert.Contains("\n| " + report, shown.Stdout, StringComparison.Ordinal);
        Assert.Contains("\n| " + added, shown.Stdout, StringComparison.Ordinal);
        Assert.Contains("--- answer for the tipster (web follow-up) ", shown.Stdout, StringComparison.Ordinal);
        Assert.Matches($"read by the tipster since: last opened {DateTimeOffset.UtcNow:yyyy-MM-dd}", shown.Stdout);
        Assert.DoesNotContain("NEW FROM TIPSTER", Row((await Cli("tips", "list", "--since", since)).Stdout, receipt), StringComparison.Ordinal);

        // Nothing of it outside ciphertext: not the answer, the addition, the report, any spelling of the code, the token.
        await AssertNowhereOutsideCiphertextAsync([answer, added, report, token, .. Spellings(code)]);
    }

    [Fact]
    public async Task SmsFollowUp_RaisingTheUrgency_PagesWithAnAlertThatSaysFollowUp()
    {
        // The web addition's alert says what an SMS follow-up's says: the channel, then "follow-up".
        await StartAsync(dispatch: true);
        var phone = NewPhone();
        var first = await TextAsync(phone, PrivacyCanaries.Register("I saw men sleeping in a van at the market " + Guid.NewGuid()));
        var receipt = Regex.Match(first, "[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}").Value;
        await Eventually.TrueAsync(() => Task.FromResult(_twilio.Sms.Any(r => r.SmsBody?.Contains(receipt, StringComparison.Ordinal) == true)), Patience, "the first alert");
        Assert.DoesNotContain("follow-up", _twilio.Sms.Single(r => r.SmsBody!.Contains(receipt, StringComparison.Ordinal)).SmsBody, StringComparison.Ordinal);

        await TextAsync(phone, PrivacyCanaries.Register("Help us now, they lock us in " + Guid.NewGuid()));

        await Eventually.TrueAsync(() => Task.FromResult(_twilio.Sms.Any(r => r.SmsBody?.Contains(receipt, StringComparison.Ordinal) == true && r.SmsBody.Contains("Channel: SMS, follow-up", StringComparison.Ordinal))), Patience, "the follow-up alert");
    }

    [Fact]
    public async Task FollowUp_ArabicPages_AreRightToLeftInArabicFromTheThankYouPageToTheConversation()
    {
        await StartAsync();
        var report = PrivacyCanaries.Register("أخذوا جوازات سفرنا في المزرعة " + Guid.NewGuid());
        using var submitted = await PostFormAsync(App.Http, "/api/tips", new() { ["message"] = report, ["language"] = "ar" });
        var thanks = await submitted.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", thanks, StringComparison.Ordinal);
        var code = RegisterCode(FollowUpCodeIn(thanks));
        Assert.Contains("href=\"/followup?lang=ar\"", thanks, StringComparison.Ordinal);

        // No language switch beside the code: another page would take the code away for good.
        Assert.DoesNotContain("class=\"languages\"", thanks, StringComparison.Ordinal);

        using var asked = await App.Http.GetAsync(new Uri("/followup?lang=ar", UriKind.Relative), Ct);
        var codePage = await asked.Content.ReadAsStringAsync(Ct);
        AssertTipsterPage(asked, codePage, "ar", "rtl");
        Assert.Contains("name=\"code\"", codePage, StringComparison.Ordinal);
        Assert.Contains("action=\"/followup?lang=ar\"", codePage, StringComparison.Ordinal);

        // Arabic-Indic digits, as an Arabic phone keyboard types them.
        using var opened = await PostFormAsync(App.Http, "/followup?lang=ar", new() { ["code"] = Arabic(code), ["language"] = "ar" });
        var page = await opened.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        AssertTipsterPage(opened, page, "ar", "rtl");
        Assert.Contains(Html(report), page, StringComparison.Ordinal);
        Assert.Contains("id=\"no-answer\"", page, StringComparison.Ordinal);

        var added = PrivacyCanaries.Register("نحن اثنا عشر شخصا " + Guid.NewGuid());
        using var sent = await PostFormAsync(App.Http, "/followup/message?lang=ar", Fields(page, added));
        var after = await sent.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        AssertTipsterPage(sent, after, "ar", "rtl");
        Assert.Contains(Html(added), after, StringComparison.Ordinal);
        Assert.Contains("id=\"added\"", after, StringComparison.Ordinal);

        // The conversation's language switch posts the add form: the same conversation in English, the draft kept.
        var draft = PrivacyCanaries.Register("مسودة " + Guid.NewGuid());
        using var english = await PostFormAsync(App.Http, "/followup?lang=en", Fields(after, draft));
        var switched = await english.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, english.StatusCode);
        AssertTipsterPage(english, switched, "en", "ltr");
        Assert.Contains(Html(added), switched, StringComparison.Ordinal);
        Assert.Contains(Html(draft) + "</textarea>", switched, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FollowUp_JsonReport_Returns202WithTheCodeAndTheApiOpensTheConversation()
    {
        await StartAsync();
        var report = PrivacyCanaries.Register("Children work at the car wash at night " + Guid.NewGuid());
        using var response = await App.Http.PostAsJsonAsync("/api/tips", new { message = report, language = "en" }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var code = RegisterCode(body.GetProperty("followUpCode").GetString()!);
        Assert.Matches("^[0-9]{4} [0-9]{4} [0-9]{4} [0-9]{4}$", code);

        using var opened = await App.Http.PostAsJsonAsync("/api/followup", new { code = Digits(code) }, Ct);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        var conversation = await opened.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(body.GetProperty("receipt").GetString(), conversation.GetProperty("receipt").GetString());
        Assert.Equal("received", conversation.GetProperty("status").GetString());
        Assert.Equal(report, Assert.Single(conversation.GetProperty("messages").EnumerateArray()).GetProperty("text").GetString());
        var token = PrivacyCanaries.Register(conversation.GetProperty("token").GetString()!);

        using var added = await App.Http.PostAsJsonAsync("/api/followup/messages", new { receipt = body.GetProperty("receipt").GetString(), token, message = "We are 12 people " + Guid.NewGuid() }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, added.StatusCode);
        Assert.Equal(2, (await added.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public async Task FollowUp_WrongAndUnknownCodes_GetTheSameAnswer()
    {
        await StartAsync();
        var (_, code) = await SubmitFormAsync(PrivacyCanaries.Register("A man keeps our papers " + Guid.NewGuid()), "en");
        RegisterCode(code);
        var digits = Digits(code);
        var wrong = digits[..15] + (char)('0' + ((digits[15] - '0' + 1) % 10)); // a typo of the real code
        var unknown = "9" + new string(digits.Reverse().ToArray())[1..];        // some other well-formed code
        var malformed = digits[..15];                                           // a digit short

        var pages = new List<(HttpStatusCode, string)>();
        var problems = new List<(HttpStatusCode, string)>();
        foreach (var typed in new[] { wrong, unknown, malformed })
        {
            using var page = await PostFormAsync(App.Http, "/followup?lang=en", new() { ["code"] = typed, ["language"] = "en" });
            pages.Add((page.StatusCode, await page.Content.ReadAsStringAsync(Ct)));
            AssertTipsterPage(page, pages[^1].Item2, "en", "ltr");
            using var api = await App.Http.PostAsJsonAsync("/api/followup", new { code = typed }, Ct);
            // The trace id differs per request (and says nothing of the code): all else must be alike.
            problems.Add((api.StatusCode, Regex.Replace(await api.Content.ReadAsStringAsync(Ct), "\"traceId\":\"[^\"]*\"", "\"traceId\":\"\"")));
            Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(HttpStatusCode.NotFound, pages[0].Item1);
        Assert.Contains("This code did not open a report.", pages[0].Item2, StringComparison.Ordinal);
        Assert.All(pages, p => Assert.Equal(pages[0], p));
        Assert.All(problems, p => Assert.Equal(problems[0], p));
        Assert.Equal(HttpStatusCode.NotFound, problems[0].Item1);
        Assert.DoesNotContain(wrong, pages[0].Item2, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FollowUp_FailedLookups_AreLimitedPerAddressAndPerNetworkButTheRightCodeStillOpens()
    {
        await StartAsync(settings: s =>
        {
            s["Hotline:FollowUp:FailuresPerHour"] = "3";
            s["Hotline:FollowUp:NetworkFailuresPerHour"] = "5";
        });
        var (_, code) = await SubmitFormAsync(PrivacyCanaries.Register("They sell girls at the bus station " + Guid.NewGuid()), "en");
        RegisterCode(code);
        const string Wrong = "1111 2222 3333 4444";

        // One address: three failures, then the fourth wrong code is refused with a readable page and Retry-After.
        using var first = ClientFrom("127.0.0.2");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync(first, Wrong));
        }

        using (var limited = await PostFormAsync(first, "/followup?lang=en", new() { ["code"] = Wrong, ["language"] = "en" }))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
            Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
            var html = await limited.Content.ReadAsStringAsync(Ct);
            AssertTipsterPage(limited, html, "en", "ltr");
            Assert.Contains("Too many wrong codes were tried from this connection.", html, StringComparison.Ordinal);
        }

        // The right code still opens: the limit never locks out the tipster.
        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(first, code));

        // Its network: another address of the /24 has two failures left of the network's five.
        using var neighbour = ClientFrom("127.0.0.3");
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync(neighbour, Wrong));
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync(neighbour, Wrong));
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusOfAsync(neighbour, Wrong));
        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(neighbour, code));

        // Another network is not counted with them.
        using var elsewhere = ClientFrom("127.0.1.2");
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync(elsewhere, Wrong));
    }

    [Fact]
    public async Task FollowUpCodePage_LanguageSwitch_ShowsThePageAgainWithTheKeptDraftAndCountsNoFailure()
    {
        await StartAsync(settings: s => s["Hotline:FollowUp:FailuresPerHour"] = "1");
        var draft = PrivacyCanaries.Register("Kept through the switch " + Guid.NewGuid());
        var codePage = await App.Http.GetStringAsync(new Uri("/followup?lang=en", UriKind.Relative), Ct);
        Assert.Contains("formaction=\"/followup?switch=1&amp;lang=ar\"", codePage, StringComparison.Ordinal);

        using var switched = await PostFormAsync(App.Http, "/followup?switch=1&lang=ar", new() { ["code"] = "12", ["language"] = "en", ["message"] = draft });
        var html = await switched.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, switched.StatusCode);
        AssertTipsterPage(switched, html, "ar", "rtl");
        Assert.Equal(draft, WebUtility.HtmlDecode(Hidden(html, "message")));
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync(App.Http, "1111 2222 3333 4444"));
    }

    [Fact]
    public async Task FollowUp_ExpiredToken_IsRefusedWithAReadablePageAndTheDraftKept()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await StartAsync(afterApp: services => services.Replace(ServiceDescriptor.Singleton(sp => new FollowUpToken(TestKeys.PhonePepper, sp.GetRequiredService<IOptions<FollowUpOptions>>(), clock))));
        var (_, code) = await SubmitFormAsync(PrivacyCanaries.Register("We cannot leave the farm " + Guid.NewGuid()), "en");
        RegisterCode(code);
        var page = await OpenAsync(code);

        clock.Advance(TimeSpan.FromMinutes(31));
        var draft = PrivacyCanaries.Register("The boss came back with two men " + Guid.NewGuid());
        using var refused = await PostFormAsync(App.Http, "/followup/message?lang=en", Fields(page, draft));

        var html = await refused.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        AssertTipsterPage(refused, html, "en", "ltr");
        Assert.Contains("For your safety this page closes after a while.", html, StringComparison.Ordinal);
        Assert.Contains("name=\"code\"", html, StringComparison.Ordinal);
        Assert.Equal(draft, WebUtility.HtmlDecode(Hidden(html, "message")));

        // The code again, with the kept draft: the conversation, the draft back in its box, nothing added yet.
        using var again = await PostFormAsync(App.Http, "/followup?lang=en", new() { ["code"] = code, ["language"] = "en", ["message"] = draft });
        var reopened = await again.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Matches($"<textarea[^>]*>\\s*{Regex.Escape(Html(draft))}</textarea>", reopened);
        Assert.Single(Regex.Matches(reopened, "class=\"from-tipster\""));
    }

    [Fact]
    public async Task FollowUp_TokenOfAnotherCase_IsRefusedWithAReadablePageAndTheDraftKept()
    {
        await StartAsync();
        var (_, mine) = await SubmitFormAsync(PrivacyCanaries.Register("They took our phones " + Guid.NewGuid()), "en");
        var (other, _) = await SubmitFormAsync(PrivacyCanaries.Register("Another report about the port " + Guid.NewGuid()), "en");
        RegisterCode(mine);
        var page = await OpenAsync(mine);

        var draft = PrivacyCanaries.Register("Write to the other case " + Guid.NewGuid());
        var fields = Fields(page, draft);
        fields["case"] = other.ToString();
        using var refused = await PostFormAsync(App.Http, "/followup/message?lang=en", fields);

        var html = await refused.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        AssertTipsterPage(refused, html, "en", "ltr");
        Assert.Equal(draft, WebUtility.HtmlDecode(Hidden(html, "message")));
        Assert.Equal(1, await MessagesAsync(other));
    }

    [Fact]
    public async Task FollowUp_SameFormSentTwice_AddsTheMessageOnce()
    {
        await StartAsync();
        var (receipt, code) = await SubmitFormAsync(PrivacyCanaries.Register("Workers sleep in the container " + Guid.NewGuid()), "en");
        RegisterCode(code);
        var page = await OpenAsync(code);
        var added = PrivacyCanaries.Register("It is the blue container at the end " + Guid.NewGuid());

        using var once = await PostFormAsync(App.Http, "/followup/message?lang=en", Fields(page, added));
        using var twice = await PostFormAsync(App.Http, "/followup/message?lang=en", Fields(page, added));

        Assert.Equal(HttpStatusCode.OK, once.StatusCode);
        Assert.Equal(HttpStatusCode.OK, twice.StatusCode);
        Assert.Equal(2, await MessagesAsync(receipt));
        Assert.Equal(2, Regex.Count(await twice.Content.ReadAsStringAsync(Ct), "class=\"from-tipster\""));
        Assert.Equal(2, (await Cli("tips", "show", receipt.ToString())).Stdout.Split("\n--- message ").Length - 1);

        // A new page (its own nonce) with the same words is a new message: the tipster meant to send it again.
        using var third = await PostFormAsync(App.Http, "/followup/message?lang=en", Fields(await OpenAsync(code), added));
        Assert.Equal(3, await MessagesAsync(receipt));
    }

    [Fact]
    public async Task TipsPurge_WithoutTheKey_DeletesTheLookupBlobSoTheCodeOpensNothing()
    {
        await StartAsync();
        var (receipt, code) = await SubmitFormAsync(PrivacyCanaries.Register("Please delete this report later " + Guid.NewGuid()), "en");
        RegisterCode(code);
        var lookups = await BlobNamesAsync(StorageNames.FollowUpContainer, string.Empty);

        var purged = await CliRun.RunAsync(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = storage.ConnectionString, ["USER"] = "night-desk" }, _dir.FullName, ["tips", "purge", receipt.ToString(), "--yes"]);

        Assert.True(purged.Exit == 0, purged.Stdout + purged.Stderr);
        Assert.Empty(await BlobNamesAsync(StorageNames.TipsContainer, receipt.Compact + "/"));
        Assert.Single(lookups.Except(await BlobNamesAsync(StorageNames.FollowUpContainer, string.Empty)));
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync(App.Http, code));
    }

    [Theory]
    [InlineData("GET", "/followup")]
    [InlineData("POST", "/followup")]
    [InlineData("POST", "/followup/message")]
    public async Task FollowUpPages_AnyRequest_ServeThePrivacyHeadersANeutralTitleAndQuickExit(string method, string path)
    {
        await StartAsync();
        using var response = method == "GET"
            ? await App.Http.GetAsync(new Uri(path, UriKind.Relative), Ct)
            : await PostFormAsync(App.Http, path, new() { ["code"] = "1234", ["language"] = "en" });

        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.True((int)response.StatusCode < 500, response.StatusCode.ToString());
        AssertTipsterPage(response, html, "en", "ltr");
    }

    /// <summary>What every tipster page carries: no-store, a strict CSP, no cookie, the quick exit, the neutral title, the language.</summary>
    private static void AssertTipsterPage(HttpResponseMessage response, string html, string lang, string dir)
    {
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.Contains($"<html lang=\"{lang}\" dir=\"{dir}\">", html, StringComparison.Ordinal);
        Assert.Contains("id=\"quick-exit\"", html, StringComparison.Ordinal);
        Assert.Matches("<title>[^<]*</title>", html);
        Assert.DoesNotMatch("<title>[^<]*(?i:traffick|report|follow|conversation|code)[^<]*</title>", html);
        foreach (Match m in Regex.Matches(html, "<(?:script|link|img)[^>]+(?:src|href)=\"([^\"]+)\""))
        {
            Assert.StartsWith("/", m.Groups[1].Value, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// Every blob name, metadata value and content (outside the encrypted envelopes nothing should hold them; inside,
    /// ciphertext does not), every queue message (decoded), and the app's log: none holds any of <paramref name="secrets"/>.
    /// </summary>
    private async Task AssertNowhereOutsideCiphertextAsync(IReadOnlyList<string> secrets)
    {
        var service = new BlobServiceClient(storage.ConnectionString);
        var scanned = 0;
        await foreach (var container in service.GetBlobContainersAsync(cancellationToken: Ct))
        {
            var client = service.GetBlobContainerClient(container.Name);
            await foreach (var blob in client.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata }, Ct))
            {
                var content = (await client.GetBlobClient(blob.Name).DownloadContentAsync(Ct)).Value.Content.ToArray();
                var seen = container.Name + "/" + blob.Name + "\n" + string.Join("\n", blob.Metadata.Select(m => m.Key + "=" + m.Value)) + "\n" + Encoding.UTF8.GetString(content) + "\n" + Encoding.Latin1.GetString(content);
                AssertHoldsNone(seen, secrets, container.Name + "/" + blob.Name);
                scanned++;
            }
        }

        Assert.True(scanned > 10, $"only {scanned} blobs scanned");
        var queues = new QueueServiceClient(storage.ConnectionString);
        await foreach (var queue in queues.GetQueuesAsync(cancellationToken: Ct))
        {
            foreach (var message in (await queues.GetQueueClient(queue.Name).PeekMessagesAsync(32, Ct)).Value)
            {
                var text = message.Body.ToString();
                AssertHoldsNone(text + "\n" + Decoded(text), secrets, "queue " + queue.Name);
            }
        }

        AssertHoldsNone(App.Logs.AllText, secrets, "the app's log");
    }

    private static void AssertHoldsNone(string text, IReadOnlyList<string> secrets, string where)
    {
        foreach (var secret in secrets)
        {
            Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{where} holds a secret ({secret.Length} characters)");
        }
    }

    private static string Decoded(string base64)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            return string.Empty;
        }
    }

    private async Task StartAsync(bool dispatch = false, Action<Dictionary<string, string?>>? settings = null, Action<IServiceCollection>? afterApp = null)
    {
        var values = TestApp.BaseSettings(storage.ConnectionString);
        values["Hotline:PublicKeyPem"] = _publicKey;
        _twilio.Configure(values, DispatchingApp.PublicBase);
        values["Responders:0:Name"] = "On call";
        values["Responders:0:Phone"] = ResponderPhone;
        if (dispatch)
        {
            values["AzureWebJobs:DispatchTriage:Disabled"] = "false";
            values["AzureWebJobs:DispatchTriagePoison:Disabled"] = "false";
            values["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.500";
        }

        settings?.Invoke(values);
        _app = await TestApp.StartAsync(values, afterApp: afterApp, cancellationToken: Ct);
    }

    private async Task<(TipId Receipt, string Code)> SubmitFormAsync(string message, string language)
    {
        using var response = await PostFormAsync(App.Http, "/api/tips", new() { ["message"] = message, ["language"] = language });
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (ReceiptIn(Regex.Match(html, "id=\"receipt\">([^<]+)<").Groups[1].Value), FollowUpCodeIn(html));
    }

    private async Task<string> TextAsync(string from, string body)
    {
        using var request = (await TwilioStub.InboundSmsAsync(DispatchingApp.PublicBase, from, body))();
        using var response = await App.Http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    private async Task<string> OpenAsync(string code)
    {
        using var response = await PostFormAsync(App.Http, "/followup?lang=en", new() { ["code"] = code, ["language"] = "en" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    private static async Task<HttpStatusCode> StatusOfAsync(HttpClient client, string code)
    {
        using var response = await PostFormAsync(client, "/followup?lang=en", new() { ["code"] = code, ["language"] = "en" });
        return response.StatusCode;
    }

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, Dictionary<string, string> fields)
    {
        using var form = new FormUrlEncodedContent(fields);
        return await client.PostAsync(new Uri(path, UriKind.Relative), form, Ct);
    }

    /// <summary>The add form's fields as the page gave them (language, case, token, nonce), with the message typed.</summary>
    private static Dictionary<string, string> Fields(string page, string message) => new()
    {
        ["language"] = Hidden(page, "language"),
        ["case"] = Hidden(page, "case"),
        ["token"] = Hidden(page, "token"),
        ["nonce"] = Hidden(page, "nonce"),
        ["message"] = message,
    };

    /// <summary>A client whose connections come from <paramref name="local"/> (any 127/8 address is this machine's loopback).</summary>
    private HttpClient ClientFrom(string local) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Parse(local), 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = App.BaseAddress };

    private async Task<int> MessagesAsync(TipId id) => (await new Hotline.Cases.CaseStore(App.Services.GetRequiredService<Hotline.Storage.HotlineStorage>()).GetAsync(id, Ct))!.Messages;

    private async Task<List<string>> BlobNamesAsync(string container, string prefix)
    {
        var names = new List<string>();
        await foreach (var blob in new BlobContainerClient(storage.ConnectionString, container).GetBlobsAsync(new GetBlobsOptions { Prefix = prefix.Length == 0 ? null : prefix }, Ct))
        {
            names.Add(blob.Name);
        }

        return names;
    }

    private static string Hidden(string html, string name) =>
        Regex.Match(html, $"<input type=\"hidden\" name=\"{name}\" value=\"([^\"]*)\"") is { Success: true } m ? m.Groups[1].Value : throw new Xunit.Sdk.XunitException($"no hidden field {name}");

    private static string FollowUpCodeIn(string html) =>
        Regex.Match(html, "id=\"followup-code\">([0-9 ]+)<") is { Success: true } m ? m.Groups[1].Value : throw new Xunit.Sdk.XunitException("no follow-up code on the page");

    private static string Row(string stdout, TipId id) => stdout.Split('\n').Single(l => l.TrimStart().StartsWith(id.ToString(), StringComparison.Ordinal));

    private static string Html(string text) => WebUtility.HtmlEncode(text);

    private static string Digits(string code) => code.Replace(" ", string.Empty, StringComparison.Ordinal);

    private static string Persian(string code, string first, string second) =>
        string.Join(second, Digits(code).Chunk(8).Select(half => string.Join(first, half.Chunk(4).Select(g => new string(g.Select(c => (char)('۰' + (c - '0'))).ToArray())))));

    private static string Arabic(string code) => new(code.Select(c => char.IsAsciiDigit(c) ? (char)('٠' + (c - '0')) : c).ToArray());

    /// <summary>The code as it may be written anywhere: grouped, bare, dashed, in Persian and Arabic-Indic digits.</summary>
    private static string[] Spellings(string code) => [code, Digits(code), code.Replace(' ', '-'), Persian(code, string.Empty, string.Empty), Arabic(Digits(code))];

    private static string RegisterCode(string code)
    {
        foreach (var spelling in Spellings(code))
        {
            PrivacyCanaries.Register(spelling);
        }

        return code;
    }

    private Dictionary<string, string?> Env() => new()
    {
        ["AzureWebJobsStorage"] = storage.ConnectionString,
        ["Hotline__PrivateKeyPath"] = Path.Combine(KeyDir, "hotline-private.pem"),
        ["HOTLINE_KEY_PASSPHRASE"] = Passphrase,
        ["Twilio__AccountSid"] = TwilioStub.AccountSid,
        ["Twilio__AuthToken"] = TwilioStub.AuthToken,
        ["Twilio__PhoneNumber"] = TwilioStub.FromNumber,
        ["Twilio__ApiBaseUrl"] = _twilio.BaseAddress.ToString(),
        ["Twilio__WebhookBaseUrl"] = DispatchingApp.PublicBase,
        ["USER"] = "night-desk",
    };

    private Task<CliRun> Cli(params string[] args) => CliRun.RunAsync(Env(), _dir.FullName, args);
}
