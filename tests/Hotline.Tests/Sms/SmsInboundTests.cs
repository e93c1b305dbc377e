using System.Net;
using System.Text;
using System.Xml.Linq;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Hotline.Functions.Texts;
using Hotline.Sms;
using Hotline.Tests.Infrastructure;
using static Hotline.Tests.Infrastructure.TestTips;
using Hotline.Tests.Intake;
using Hotline.Tips;
using Hotline.Triage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Hotline.Tests.Sms;

/// <summary>The Twilio webhook against a real Azurite, with requests signed by Twilio's own helper library.</summary>
public sealed class SmsInboundTests(OwnAzurite storage) : IClassFixture<OwnAzurite>, IAsyncLifetime
{
    private const string AuthToken = "f0e1d2c3b4a5968778695a4b3c2d1e0f";
    private const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    private const string PublicBase = "https://hotline.example.org";
    private readonly ExportedTelemetry _telemetry = new();
    private TestApp? _app;

    private TestApp App => _app!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _app = await StartAppAsync(TimeSpan.FromHours(24), telemetry: _telemetry);
        await storage.DrainAsync("triage", Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Sms_SignedMessage_StoredEncryptedAndAnsweredWithReceipt()
    {
        var phone = NewPhone();
        var text = PrivacyCanaries.Register("They took our passports at the farm near Subotica " + Guid.NewGuid());
        var zip = PrivacyCanaries.Register("Z" + Guid.NewGuid().ToString("N")[..8]);

        var (status, reply) = await SendAsync(App, phone, text, extra: new()
        {
            ["FromCity"] = PrivacyCanaries.Register("Geocity" + Guid.NewGuid().ToString("N")[..8]),
            ["FromZip"] = zip,
            ["FromState"] = "SrbState",
            ["FromCountry"] = "RS",
            ["ToCity"] = "Hotlinecity",
        });

        Assert.Equal(HttpStatusCode.OK, status);
        var id = ReceiptIn(reply);
        Assert.StartsWith("Received, case " + id, reply, StringComparison.Ordinal);
        Assert.Contains("112", reply, StringComparison.Ordinal); // passports taken: urgent, so the emergency number

        var report = await TestKeys.DecryptReportAsync(storage.ConnectionString, ReportStore.ReportBlobName(id), Ct);
        Assert.Equal(text, report.Message);
        Assert.Equal(Channel.Sms, report.Channel);
        Assert.Equal(phone, report.Sender!.Phone);
        Assert.Equal(1, report.Sms!.Sequence);
        Assert.Equal(Urgency.Urgent, report.Urgency);

        // Geo fields are dropped entirely, even from the encrypted envelope.
        var json = Encoding.UTF8.GetString(report.ToUtf8Json());
        Assert.DoesNotContain("Geocity", json, StringComparison.Ordinal);
        Assert.DoesNotContain(zip, json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"RS\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("SrbState", json, StringComparison.Ordinal);
        Assert.DoesNotContain("Hotlinecity", json, StringComparison.Ordinal);

        var queued = Assert.Single(await storage.DrainAsync("triage", Ct));
        var triage = TriageMessage.Parse(queued.Body.ToString());
        Assert.Equal((id.ToString(), Channel.Sms, Urgency.Urgent, (bool?)null), (triage.TipId, triage.Channel, triage.Urgency, triage.ContactPaused));
        await AssertNothingLeakedAsync(phone, [text], [queued.Body.ToString()]);
    }

    [Theory]
    [InlineData("forged")]
    [InlineData("missing")]
    [InlineData("wrong-url")]
    [InlineData("wrong-token")]
    public async Task Sms_BadSignature_Returns403AndStoresNothing(string how)
    {
        var phone = NewPhone();
        var parameters = Params(phone, "A report that must not be stored " + how);
        var signature = how switch
        {
            "forged" => "RSOYDt4T1cUTdK1PDd93/VVr8B8=",
            "missing" => null,
            "wrong-url" => TwilioSigning.Sign(AuthToken, new Uri(App.BaseAddress, "/api/sms").ToString(), parameters),
            _ => TwilioSigning.Sign("not-the-token", PublicBase + "/api/sms", parameters),
        };
        var before = await CountBlobsAsync();

        using var response = await PostAsync(App, parameters, signature);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(before, await CountBlobsAsync());
        Assert.Empty(await storage.DrainAsync("triage", Ct));
        Assert.DoesNotContain(App.Logs.Lines, l => l.Contains(phone, StringComparison.Ordinal) || l.Contains("must not be stored", StringComparison.Ordinal));
        Assert.Contains(App.Logs.Lines, l => l.Contains("Twilio webhook refused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sms_TwilioRetriesSameMessageSid_StoresOnceAndAnswersTheSame()
    {
        var phone = NewPhone();
        var parameters = Params(phone, PrivacyCanaries.Register("Men sleep in the factory and cannot leave " + Guid.NewGuid()));

        var first = await ReplyOfAsync(await PostAsync(App, parameters, await SignAsync(parameters)));
        var again = await ReplyOfAsync(await PostAsync(App, parameters, await SignAsync(parameters)));

        Assert.Equal(first, again);
        var id = ReceiptIn(first);
        Assert.Equal([ReportStore.ReportBlobName(id)], await BlobNamesAsync(id));
    }

    [Fact]
    public async Task Sms_FollowUpWithinWindow_JoinsTheCaseAndPagesAgainOnlyWhenUrgencyRises()
    {
        var phone = NewPhone();
        var (_, first) = await SendAsync(App, phone, PrivacyCanaries.Register("Hello, I work at a restaurant and the owner keeps my wages " + Guid.NewGuid()));
        var id = ReceiptIn(first);
        Assert.Single(await storage.DrainAsync("triage", Ct));

        var (_, second) = await SendAsync(App, phone, PrivacyCanaries.Register("It is on the main street, next to the bakery " + Guid.NewGuid()));
        Assert.Equal($"Added to case {id}.", second);
        Assert.Empty(await storage.DrainAsync("triage", Ct));

        var (_, third) = await SendAsync(App, phone, PrivacyCanaries.Register("Now he has a knife and locked the door " + Guid.NewGuid()));
        Assert.StartsWith($"Added to case {id}.", third, StringComparison.Ordinal);
        var raised = TriageMessage.Parse(Assert.Single(await storage.DrainAsync("triage", Ct)).Body.ToString());
        Assert.Equal((id.ToString(), Urgency.Urgent), (raised.TipId, raised.Urgency));

        Assert.Equal(
            new[] { ReportStore.ReportBlobName(id), ReportStore.MessageBlobName(id, 2), ReportStore.MessageBlobName(id, 3) }.Order(StringComparer.Ordinal),
            (await BlobNamesAsync(id)).Order(StringComparer.Ordinal));
        var follow = await TestKeys.DecryptReportAsync(storage.ConnectionString, ReportStore.MessageBlobName(id, 2), Ct);
        Assert.Equal((id.ToString(), 2), (follow.TipId, follow.Sms!.Sequence));
    }

    [Fact]
    public async Task Sms_AfterTheWindow_OpensANewCase()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await StartAppAsync(TimeSpan.FromMinutes(30), clock: clock);
        var phone = NewPhone();
        var (_, first) = await SendAsync(app, phone, "First report about the car wash " + Guid.NewGuid());
        clock.Advance(TimeSpan.FromMinutes(30) + TimeSpan.FromSeconds(1));

        var (_, second) = await SendAsync(app, phone, "Another report, a different place " + Guid.NewGuid());

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.StartsWith("Received, case", second, StringComparison.Ordinal);
        Assert.NotEqual(first[..29], second[..29]);
    }

    [Theory]
    [InlineData("Please, they keep us in the basement and we are not paid", "Received, case")]
    [InlineData("ساعدونا من فضلكم، نحن محتجزون في المستودع", "وصلنا. رقم القضية")]
    [InlineData("سلام، ما را در یک خانه نگه داشته‌اند و کمک می‌خواهیم", "دریافت شد. شماره پرونده")]
    [InlineData("Нас тримають у підвалі, допоможіть будь ласка", "Отримано. Справа")]
    [InlineData("Нас держат в подвале, помогите пожалуйста", "Получено. Дело")]
    [InlineData("Nous sommes dans une maison et le patron ne nous paie pas", "Recu, dossier")]
    [InlineData("Jam në një shtëpi dhe nuk më lënë të dal, ndihmoni", "U mor, rasti")]
    [InlineData("Estamos en una casa y no nos dejan salir, por favor", "Recibido, caso")]
    public async Task Sms_FirstMessageLanguage_RepliesInThatLanguageInOneSegment(string message, string expectedStart)
    {
        var (_, reply) = await SendAsync(App, NewPhone(), message);

        Assert.NotNull(reply);
        Assert.StartsWith(expectedStart, reply, StringComparison.Ordinal);
        var gsm = reply.All(c => c < 128);
        Assert.True(reply.Length <= (gsm ? 160 : 70), $"'{reply}' is {reply.Length} characters: more than one segment");
    }

    /// <summary>
    /// Every catalogue language but English (above): the first of its triage examples (signs of exploitation,
    /// <c>Triage/Examples</c>) that the detector reads as that language, and the reply that language's receipt.
    /// </summary>
    public static TheoryData<string> CatalogueLanguages() => new(TextCatalogue.Order.Skip(1));

    [Theory]
    [MemberData(nameof(CatalogueLanguages))]
    public async Task Sms_FirstMessageInACatalogueLanguage_RepliesInItInOneSegment(string tag)
    {
        var file = tag switch { "sr-Latn" or "sr-Cyrl" => "sr", _ => tag };
        using var examples = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "tests", "Hotline.Tests", "Triage", "Examples", file + ".json"), Ct));
        var message = examples.RootElement.GetProperty("high").EnumerateArray().Select(e => e.GetString()!)
            .FirstOrDefault(m => TextCatalogue.Find(Hotline.Text.LanguageDetector.Detect(m))?.Tag == tag);
        Assert.True(message is not null, $"none of the {file} examples is detected as {tag}");

        var (_, reply) = await SendAsync(App, NewPhone(), message + " " + Guid.NewGuid());

        Assert.NotNull(reply);
        Assert.StartsWith(TextCatalogue.Find(tag)!.Sms.Received.Split("{0}")[0], reply, StringComparison.Ordinal);
        Assert.Equal(1, SmsSegments.Count(reply));
    }

    [Fact]
    public async Task Sms_StopThenStart_PausesContactAndTellsRespondersOnce()
    {
        var phone = NewPhone();
        var (_, first) = await SendAsync(App, phone, "My cousin works without pay at a construction site " + Guid.NewGuid());
        var id = ReceiptIn(first);
        await storage.DrainAsync("triage", Ct);

        var (stopStatus, stopReply) = await SendAsync(App, phone, "STOP");
        var (_, again) = await SendAsync(App, phone, "stop");
        var (_, start) = await SendAsync(App, phone, "START");

        Assert.Equal(HttpStatusCode.OK, stopStatus);
        Assert.Null(stopReply);
        Assert.Null(again);
        Assert.Null(start);
        var paused = TriageMessage.Parse(Assert.Single(await storage.DrainAsync("triage", Ct)).Body.ToString());
        Assert.Equal((id.ToString(), true), (paused.TipId, paused.ContactPaused));
        var stopEnvelope = await TestKeys.DecryptReportAsync(storage.ConnectionString, ReportStore.MessageBlobName(id, 2), Ct);
        Assert.Equal((true, "STOP"), (stopEnvelope.Sms!.ContactPaused, stopEnvelope.Sms.Keyword));
        var startEnvelope = await TestKeys.DecryptReportAsync(storage.ConnectionString, ReportStore.MessageBlobName(id, 4), Ct);
        Assert.Equal((false, "START"), (startEnvelope.Sms!.ContactPaused, startEnvelope.Sms.Keyword));
    }

    [Theory]
    [InlineData("HELP")]
    [InlineData("help")]
    [InlineData("Help!")]
    [InlineData("INFO")]
    public async Task Sms_HelpKeyword_IsStoredAndPagedAndStillAnswered(string word)
    {
        // Hardening 3: a person texting HELP to a trafficking hotline is asking for help.
        var phone = NewPhone();

        var (status, reply) = await SendAsync(App, phone, word);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("Anonymous trafficking hotline", reply, StringComparison.Ordinal);
        Assert.Contains("112", reply, StringComparison.Ordinal);
        var id = ReceiptIn(reply);
        var report = await TestKeys.DecryptReportAsync(storage.ConnectionString, ReportStore.ReportBlobName(id), Ct);
        Assert.Equal(word, report.Message);
        Assert.Equal(id.ToString(), TriageMessage.Parse(Assert.Single(await storage.DrainAsync("triage", Ct)).Body.ToString()).TipId);
    }

    [Theory]
    [InlineData("Lang 3 men took us to a farm near the border")]
    [InlineData("LANG: they locked the door")]
    [InlineData("Language is the problem, we cannot speak to the police")]
    public async Task Sms_MessageThatStartsLikeLang_IsAReportNotAMenu(string text)
    {
        // Hardening 3: only exact commands are commands.
        var (_, reply) = await SendAsync(App, NewPhone(), text + " " + Guid.NewGuid());

        Assert.StartsWith("Received, case ", reply, StringComparison.Ordinal);
        Assert.Single(await storage.DrainAsync("triage", Ct));
    }

    [Theory]
    [InlineData("12")]
    [InlineData("3")]
    [InlineData("٣")]
    public async Task Sms_FollowUpThatIsALoneNumber_IsStoredAsAMessageOfTheCase(string number)
    {
        // Hardening 2 (issue 26, item 3): a follow-up "12" (how many people) became a language choice and was lost.
        var phone = NewPhone();
        var id = ReceiptIn((await SendAsync(App, phone, PrivacyCanaries.Register("They keep the workers in a barn behind the farm " + Guid.NewGuid()))).Reply);
        await storage.DrainAsync("triage", Ct);

        var (_, reply) = await SendAsync(App, phone, number);

        Assert.Equal($"Added to case {id}.", reply);
        var message = await TestKeys.DecryptReportAsync(storage.ConnectionString, ReportStore.MessageBlobName(id, 2), Ct);
        Assert.Equal((number, 2, (string?)null), (message.Message, message.Sms!.Sequence, message.Sms.Keyword));
    }

    [Fact]
    public async Task Sms_LoneNumber_PicksTheLanguageOnlyRightAfterTheMenu()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await StartAppAsync(TimeSpan.FromHours(24), clock: clock);
        var phone = NewPhone();
        var before = await CountBlobsAsync();

        // Right after the menu: the answer to it, and nothing is stored (no case is open).
        await SendAsync(app, phone, "LANG");
        clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        var (_, chosen) = await SendAsync(app, phone, "2");
        Assert.Equal("اللغة: العربية", chosen);
        Assert.Equal(before, await CountBlobsAsync());

        // Long after the menu: a report (answered in the language chosen).
        await SendAsync(app, phone, "LANG");
        clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        var (_, late) = await SendAsync(app, phone, "3");

        Assert.StartsWith("وصلنا. رقم القضية", late, StringComparison.Ordinal);
        Assert.Equal("3", (await TestKeys.DecryptReportAsync(storage.ConnectionString, ReportStore.ReportBlobName(ReceiptIn(late)), Ct)).Message);
        Assert.Equal(ReceiptIn(late).ToString(), TriageMessage.Parse(Assert.Single(await storage.DrainAsync("triage", Ct)).Body.ToString()).TipId);
    }

    [Fact]
    public async Task Sms_LoneNumberAfterTheMenuAndAnotherMessage_IsAMessageOfTheCase()
    {
        // Only the next message answers the menu: a report sent in between ends it.
        var phone = NewPhone();
        await SendAsync(App, phone, "LANG");
        var id = ReceiptIn((await SendAsync(App, phone, PrivacyCanaries.Register("Girls are kept above the kebab shop " + Guid.NewGuid()))).Reply);

        var (_, reply) = await SendAsync(App, phone, "5");

        Assert.Equal($"Added to case {id}.", reply);
        Assert.Equal("5", (await TestKeys.DecryptReportAsync(storage.ConnectionString, ReportStore.MessageBlobName(id, 2), Ct)).Message);
    }

    [Theory]
    [InlineData("Lang 5", "Язык: русский", "Добавлено к делу")]
    [InlineData("12", "زمان: کوردیی سۆرانی", "زیادکرا بۆ دۆسیە")]
    public async Task Sms_LanguageChoiceInAnOpenCase_SetsTheLanguageAndIsKeptInTheCase(string choice, string languageSet, string added)
    {
        // "Lang 5" in a conversation is a clear choice, and may be part of the report: both. So is a menu answer.
        var phone = NewPhone();
        var id = ReceiptIn((await SendAsync(App, phone, PrivacyCanaries.Register("The boss at the car wash keeps our passports " + Guid.NewGuid()))).Reply);
        await storage.DrainAsync("triage", Ct);
        if (choice == "12")
        {
            await SendAsync(App, phone, "LANG");
        }

        var (_, reply) = await SendAsync(App, phone, choice);

        var lines = reply!.Split('\n');
        Assert.Equal(languageSet, lines[^2]);
        Assert.StartsWith(added, lines[^1], StringComparison.Ordinal);
        Assert.Equal(id, ReceiptIn(lines[^1]));
        var sequence = choice == "12" ? 3 : 2;
        var kept = await TestKeys.DecryptReportAsync(storage.ConnectionString, ReportStore.MessageBlobName(id, sequence), Ct);
        Assert.Equal((choice, "LANG"), (kept.Message, kept.Sms!.Keyword));
        Assert.Empty(await storage.DrainAsync("triage", Ct)); // a language choice pages no one
    }

    [Fact]
    public async Task Sms_Empty_AnswersWithoutStoring()
    {
        var before = await CountBlobsAsync();

        var (_, empty) = await SendAsync(App, NewPhone(), "   ");

        Assert.StartsWith("Empty message", empty, StringComparison.Ordinal);
        Assert.Equal(before, await CountBlobsAsync());
        Assert.Empty(await storage.DrainAsync("triage", Ct));
    }

    [Fact]
    public async Task Sms_LangKeyword_ShowsMenuThenRepliesInTheChosenLanguage()
    {
        var phone = NewPhone();

        var (_, menu) = await SendAsync(App, phone, "LANG");
        var (_, chosen) = await SendAsync(App, phone, "lang 2");
        var (_, ack) = await SendAsync(App, phone, "There are girls kept in a hotel " + Guid.NewGuid());

        Assert.Contains("2 العربية", menu, StringComparison.Ordinal);
        Assert.Equal("اللغة: العربية", chosen);
        Assert.StartsWith("وصلنا. رقم القضية", ack, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sms_LangMenu_NamesEveryLanguageInItselfInOneSegmentMessages()
    {
        var parameters = Params(NewPhone(), "LANG");
        using var response = await PostAsync(App, parameters, await SignAsync(parameters));
        var messages = await MessagesOfAsync(response);

        Assert.True(messages.Count > 1, "23 languages do not fit one segment");
        Assert.All(messages, m => Assert.Equal(1, SmsSegments.Count(m)));
        Assert.StartsWith("LANG + 1 English, 2 العربية", messages[0], StringComparison.Ordinal);
        var menu = string.Join(", ", messages);
        foreach (var (language, number) in TextCatalogue.All.Select((l, i) => (l, i + 1)))
        {
            Assert.Contains($"{number} {language.NativeName}", menu, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("يحتجزون عمالاً في مزرعة قرب الحدود", "وصلنا.")]
    [InlineData("ما را در یک خانه نزدیک مرز نگه می‌دارند و پاسپورت‌ها را گرفتند", "دریافت شد.")]
    public async Task Sms_RightToLeftReply_IsolatesTheCaseNumberSoItIsNotReordered(string message, string replyStart)
    {
        var (_, reply) = await SendAsync(App, NewPhone(), message + " " + Guid.NewGuid());
        var id = ReceiptIn(reply);

        Assert.StartsWith(replyStart, reply, StringComparison.Ordinal);
        Assert.Contains("\u2066" + id + "\u2069", reply, StringComparison.Ordinal);
        Assert.True(reply!.Length <= 70, $"{reply.Length} characters: more than one segment");
    }

    [Fact]
    public async Task Sms_WithMedia_RecordsTheExpectedMediaButNotItsUrlInTheEnvelope()
    {
        var phone = NewPhone();
        const string url = "https://api.twilio.com/2010-04-01/Accounts/AC0123/Messages/MM1/Media/ME1";
        var (_, reply) = await SendAsync(App, phone, string.Empty, extra: new()
        {
            ["NumMedia"] = "1",
            ["MediaUrl0"] = url,
            ["MediaContentType0"] = "image/jpeg",
        });
        var id = ReceiptIn(reply);

        // The media is fetched later (MediaTests); the envelope says what is coming and where it will be, not where it was.
        var report = await TestKeys.DecryptReportAsync(storage.ConnectionString, ReportStore.ReportBlobName(id), Ct);
        var media = Assert.Single(report.Sms!.Media!);
        Assert.Equal((1, "expected", "image/jpeg", ReportStore.MediaBlobName(id, 1, 1)), (media.Index, media.State, media.ContentType, media.Blob));
        Assert.Null(report.Sms.MediaUrls);
        Assert.DoesNotContain(url, Encoding.UTF8.GetString(report.ToUtf8Json()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sms_UnsignedNotAForm_Returns403()
    {
        using var response = await App.Http.PostAsync(new Uri("/api/sms", UriKind.Relative), new StringContent("{}", Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Sms_SignedButNotAForm_Returns415()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/sms") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Twilio-Signature", TwilioSigning.Sign(AuthToken, PublicBase + "/api/sms", new Dictionary<string, string>()));
        using var response = await App.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Sms_RepeatedParameterEvenIfSigned_Returns403AndStoresNothing()
    {
        // Twilio's inbound-SMS webhooks name each parameter once; the C# and Node libraries sign a repeated
        // name differently, so it has no one signed meaning. Refused, even with twilio-node's signature.
        var parameters = Params(NewPhone(), "We were promised work in a hotel but they keep us in a flat " + Guid.NewGuid()).ToList();
        parameters.Add(new("AddOns", "b"));
        parameters.Add(new("AddOns", "a"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/sms") { Content = new FormUrlEncodedContent(parameters) };
        request.Headers.Add("X-Twilio-Signature", await TwilioNode.SignAsync(AuthToken, PublicBase + "/api/sms", parameters));
        var before = await CountBlobsAsync();

        using var response = await App.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(before, await CountBlobsAsync());
        Assert.Empty(await storage.DrainAsync("triage", Ct));
        Assert.Contains(App.Logs.Lines, l => l.Contains("Twilio webhook refused: a parameter is repeated", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("From", "FromCity")]
    [InlineData("MessageSid", "NumMedia")]
    [InlineData("Body", "From")]
    public async Task Sms_SignedRequestWithAParameterBoundaryMoved_Returns400AndStoresNothing(string grows, string swallowed)
    {
        // Hardening 5: Twilio signs name+value pairs with no separator, so folding the next parameter
        // (in signing order) into a value keeps the signature valid. What results must not have Twilio's
        // shape, or it is refused: a new MessageSid would open a new case and page everyone again.
        var phone = NewPhone();
        var parameters = Params(phone, "They keep us in a container at the port " + Guid.NewGuid(), extra: new() { ["FromCity"] = "Subotica" });
        var signature = await SignAsync(parameters);
        var ordered = parameters.Keys.Order(StringComparer.Ordinal).ToList();
        Assert.Equal(ordered.IndexOf(grows) + 1, ordered.IndexOf(swallowed));
        var forged = new Dictionary<string, string>(parameters);
        forged[grows] = parameters[grows] + swallowed + parameters[swallowed];
        forged.Remove(swallowed);
        Assert.True(await TwilioNode.ValidateAsync(AuthToken, signature, PublicBase + "/api/sms", forged), "the forged request should still carry a valid signature");
        var before = await CountBlobsAsync();

        using var response = await PostAsync(App, forged, signature);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, await CountBlobsAsync());
        Assert.Empty(await storage.DrainAsync("triage", Ct));
        Assert.Contains(App.Logs.Lines, l => l.Contains("does not have Twilio's shape", StringComparison.Ordinal));
        Assert.DoesNotContain(App.Logs.Lines, l => l.Contains("Subotica", StringComparison.Ordinal) || l.Contains(phone, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("MessageSid", "SM123")]
    [InlineData("AccountSid", "AC-not-an-account")]
    [InlineData("From", "+44 7700 900123")]
    [InlineData("NumMedia", "11")]
    [InlineData("NumMedia", "-1")]
    [InlineData("MediaUrl0", "https://evil.example/ME1")]
    public async Task Sms_SignedParameterWithoutTwiliosShape_Returns400(string name, string value)
    {
        var parameters = Params(NewPhone(), "A report " + Guid.NewGuid(), extra: new() { ["NumMedia"] = "1", ["MediaUrl0"] = "https://api.twilio.com/2010-04-01/Accounts/AC0123/Messages/MM1/Media/ME1" });
        parameters[name] = value;
        if (name == "MessageSid")
        {
            parameters["SmsMessageSid"] = value;
        }

        using var response = await PostAsync(App, parameters, await SignAsync(parameters));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await storage.DrainAsync("triage", Ct));
    }

    [Fact]
    public async Task Sms_JunkSignatureOnALargeBody_IsRefusedBeforeTheBodyIsRead()
    {
        // Hardening 7: a signature that cannot be one (wrong length, not Base64) costs no body read or HMAC.
        var parameters = Params(NewPhone(), new string('x', 60_000));

        using var response = await PostAsync(App, parameters, "not-a-signature");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains(App.Logs.Lines, l => l.Contains("Twilio webhook refused: signature malformed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sms_MoreParametersThanTwilioSends_Returns400()
    {
        var parameters = Params(NewPhone(), "A report " + Guid.NewGuid());
        for (var i = 0; i < 64; i++)
        {
            parameters["X" + i] = "y";
        }

        using var response = await PostAsync(App, parameters, await SignAsync(parameters));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await storage.DrainAsync("triage", Ct));
    }

    [Fact]
    public async Task Sms_OtherAccountsWebhooksFromTwiliosAddress_NeverLockOutValidlySignedRequests()
    {
        // Hardening 2, item 1: the refusal count was keyed by address and answered 429 before the signature
        // check, and every real webhook comes from Twilio's few addresses. Someone with their own Twilio account
        // points a message's StatusCallback at the hotline: Twilio sends callbacks signed with their token.
        await using var app = await StartAppAsync(TimeSpan.FromHours(24), settings: new() { ["Hotline:RateLimit:RefusalsPerMinute"] = "10" });
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            using var response = await PostStatusCallbackAsync(app, "their-own-accounts-token", "AC" + Guid.NewGuid().ToString("N"));
            statuses.Add(response.StatusCode);
        }

        // Then the same "address" sends ten validly signed webhooks with an alphanumeric sender (a shape error).
        for (var i = 0; i < 10; i++)
        {
            var parameters = Params("InfoSMS", "Your parcel is waiting " + i);
            using var response = await PostAsync(app, parameters, await SignAsync(parameters));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Forbidden, 10), HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, .. Enumerable.Repeat(HttpStatusCode.BadRequest, 10)], statuses);

        // A real report from the same address is still read, stored and answered.
        var (status, reply) = await SendAsync(app, NewPhone(), "They took our passports " + Guid.NewGuid());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("Received, case ", reply, StringComparison.Ordinal);
        Assert.Single(await storage.DrainAsync("triage", Ct));

        // And so is a real status callback.
        using var realCallback = await PostStatusCallbackAsync(app, AuthToken, AccountSid);
        Assert.Equal(HttpStatusCode.NoContent, realCallback.StatusCode);
    }

    private static async Task<HttpResponseMessage> PostStatusCallbackAsync(TestApp app, string token, string accountSid)
    {
        var callback = new Dictionary<string, string>
        {
            ["MessageSid"] = "SM" + Guid.NewGuid().ToString("N"),
            ["AccountSid"] = accountSid,
            ["MessageStatus"] = "delivered",
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/sms/status") { Content = new FormUrlEncodedContent(callback) };
        request.Headers.Add("X-Twilio-Signature", TwilioSigning.Sign(token, PublicBase + "/api/sms/status", callback));
        return await app.Http.SendAsync(request, Ct);
    }

    [Fact]
    public async Task Sms_AddressThatKeepsSendingBadSignatures_IsAnswered429WithoutLogs()
    {
        // Hardening 7: refused signatures are rate-limited per address; past the limit nothing is logged.
        await using var app = await StartAppAsync(TimeSpan.FromHours(24), settings: new() { ["Hotline:RateLimit:RefusalsPerMinute"] = "3" });
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            var parameters = Params(NewPhone(), "Flood " + i);
            using var response = await PostAsync(app, parameters, "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(3, app.Logs.Lines.Count(l => l.Contains("Twilio webhook refused", StringComparison.Ordinal)));
        Assert.Empty(await storage.DrainAsync("triage", Ct));
    }

    [Fact]
    public async Task Sms_SharedKeyConfigured_AcceptsItsSha256SignatureAndRefusesTheAuthTokens()
    {
        const string sharedKey = "webhook-shared-key-secret-4d9a";
        await using var app = await StartAppAsync(TimeSpan.FromHours(24), settings: new() { ["Twilio:WebhookSigningKey"] = sharedKey });
        var url = PublicBase + "/api/sms";

        // Signed with the auth token (HMAC-SHA1), and no settings header: a downgrade, refused.
        var sha1 = Params(NewPhone(), "A report signed the old way " + Guid.NewGuid());
        using (var refused = await PostAsync(app, sha1, TwilioSigning.Sign(AuthToken, url, sha1)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        Assert.Empty(await storage.DrainAsync("triage", Ct));

        // Signed with the SharedKey (HMAC-SHA256), as Twilio does with its settings header: accepted.
        var sha256 = Params(NewPhone(), "They hold our passports at the car wash " + Guid.NewGuid());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/sms") { Content = new FormUrlEncodedContent(sha256) };
        request.Headers.Add("X-Twilio-Signature", await TwilioNode.SignAsync(sharedKey, url, sha256, TwilioNode.HmacSha256));
        request.Headers.Add("X-Twilio-Webhooks-Signature-Settings", "key=webhooks_sharedkey_0123,algorithm=HMAC_SHA256");
        var reply = await ReplyOfAsync(await app.Http.SendAsync(request, Ct));

        Assert.StartsWith("Received, case ", reply, StringComparison.Ordinal);
        Assert.Single(await storage.DrainAsync("triage", Ct));
    }

    [Fact]
    public async Task IntakeRecords_AfterAnSmsCase_AreSealedAndNamedByKeyedHashes()
    {
        // Hardening 9: the conversation pointer linked a number's cases with urgency, language and times,
        // and sms-messages/ records held urgency, in plain JSON under unkeyed hashes.
        var phone = NewPhone();
        var parameters = Params(phone, PrivacyCanaries.Register("They will kill us if we leave the farm, come now " + Guid.NewGuid()));
        var id = ReceiptIn(await ReplyOfAsync(await PostAsync(App, parameters, await SignAsync(parameters))));
        Assert.Single(await storage.DrainAsync("triage", Ct));

        var intake = new BlobContainerClient(storage.ConnectionString, "intake");
        var pseudonym = new Hotline.Sms.PhonePseudonym(TestKeys.PhonePepper).Of(phone);
        var unkeyedSid = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(parameters["MessageSid"])));
        var names = new[] { "conversations/" + pseudonym, "sms-messages/" + IntakeSecrets.FromPepper(TestKeys.PhonePepper).Hash(parameters["MessageSid"]) };
        Assert.False(await intake.GetBlobClient("sms-messages/" + unkeyedSid).ExistsAsync(Ct));
        foreach (var name in names)
        {
            var content = (await intake.GetBlobClient(name).DownloadContentAsync(Ct)).Value.Content.ToString();
            Assert.StartsWith("s1.", content, StringComparison.Ordinal);
            foreach (var leak in new[] { id.ToString(), id.Compact, "urgent", "\"en\"", "lastAt", unkeyedSid })
            {
                Assert.DoesNotContain(leak, content, StringComparison.OrdinalIgnoreCase);
            }
        }

        // Still threads the conversation: a follow-up joins the same case.
        var followUp = Params(phone, "They moved us to another farm " + Guid.NewGuid());
        Assert.StartsWith("Added to case " + id, await ReplyOfAsync(await PostAsync(App, followUp, await SignAsync(followUp))), StringComparison.Ordinal);
    }

    /// <summary>
    /// A request that committed the message's place in its case and then failed (storage answered
    /// 503 to the index write, or the process died) leaves just the conversation pointer behind.
    /// Twilio's retry must finish that same message, its report blob and its alert, not file it as a follow-up.
    /// </summary>
    [Fact]
    public async Task Sms_RetryAfterFailureBehindTheCommit_FinishesTheReportAndItsAlert()
    {
        var parameters = Params(NewPhone(), PrivacyCanaries.Register("Men are locked in a container at the port, they beat them " + Guid.NewGuid()));
        var first = await ReplyOfAsync(await PostAsync(App, parameters, await SignAsync(parameters)));
        var id = ReceiptIn(first);
        Assert.Single(await storage.DrainAsync("triage", Ct));
        var sidHash = IntakeSecrets.FromPepper(TestKeys.PhonePepper).Hash(parameters["MessageSid"]);
        await new BlobContainerClient(storage.ConnectionString, "intake").DeleteBlobAsync("sms-messages/" + sidHash, cancellationToken: Ct);
        await new BlobContainerClient(storage.ConnectionString, "tips").DeleteBlobAsync(ReportStore.ReportBlobName(id), cancellationToken: Ct);

        var again = await ReplyOfAsync(await PostAsync(App, parameters, await SignAsync(parameters)));

        Assert.Equal(first, again);
        Assert.Equal([ReportStore.ReportBlobName(id)], await BlobNamesAsync(id));
        var triage = TriageMessage.Parse(Assert.Single(await storage.DrainAsync("triage", Ct)).Body.ToString());
        Assert.Equal((id.ToString(), Urgency.Urgent), (triage.TipId, triage.Urgency));
    }

    /// <summary>Twilio retries after 15 s without an answer, so two deliveries of one MessageSid can overlap.</summary>
    [Fact]
    public async Task Sms_SameMessageSidDeliveredConcurrently_StoresOneReportAndAlertsForIt()
    {
        const int Rounds = 6;
        for (var round = 0; round < Rounds; round++)
        {
            var parameters = Params(NewPhone(), PrivacyCanaries.Register("The boss took our documents and we sleep at the farm " + Guid.NewGuid()));
            var signature = await SignAsync(parameters);

            var replies = await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ => await ReplyOfAsync(await PostAsync(App, parameters, signature))));

            Assert.Equal(replies[0], replies[1]);
            var id = ReceiptIn(replies[0]);
            Assert.Equal([ReportStore.ReportBlobName(id)], await BlobNamesAsync(id));
        }

        // A repeated triage message is harmless (dispatch pages once per alert); a missing one is not.
        var alerted = (await storage.DrainAsync("triage", Ct)).Select(m => TriageMessage.Parse(m.Body.ToString()).TipId).Distinct().Count();
        Assert.Equal(Rounds, alerted);
    }

    /// <summary>
    /// The only seam: where random ids come from. A new case drawing an id another report holds
    /// (60 random bits make it all but impossible) must draw again, not answer "received" over
    /// someone else's report.
    /// </summary>
    [Fact]
    public async Task Sms_NewCaseDrawsTheIdOfAnotherReport_DrawsAgainAndStoresBoth()
    {
        var taken = TipId.New();
        var fresh = TipId.New();
        await using var app = await StartAppAsync(TimeSpan.FromHours(1), (services, _) => services.AddSingleton<ITipIdSource>(new TipIdSequence(taken, taken, fresh)));
        var earlier = PrivacyCanaries.Register("The first report about the brick factory " + Guid.NewGuid());
        var later = PrivacyCanaries.Register("Another report about girls at the motel " + Guid.NewGuid());

        var (_, first) = await SendAsync(app, NewPhone(), earlier);
        var (_, second) = await SendAsync(app, NewPhone(), later);

        Assert.Equal((taken, fresh), (ReceiptIn(first), ReceiptIn(second)));
        Assert.Equal(earlier, (await TestKeys.DecryptReportAsync(storage.ConnectionString, ReportStore.ReportBlobName(taken), Ct)).Message);
        Assert.Equal(later, (await TestKeys.DecryptReportAsync(storage.ConnectionString, ReportStore.ReportBlobName(fresh), Ct)).Message);
    }

    /// <summary>
    /// The gap the check for a free id leaves: the id was free when the case was committed, and another report took
    /// the name before the message's own write. Its mark tells that report from this message's earlier write (a
    /// Twilio retry finishing it): the message is answered 503, Twilio keeps it, and it is never answered "received"
    /// with another report in its place, nor filed or alerted as that case.
    /// </summary>
    [Fact]
    public async Task Sms_AnotherReportTakesTheNameAfterTheCaseIsCommitted_Answers503AndNeverReceiptsThatReport()
    {
        TestApp? app = null;
        string? taken = null;
        var earlier = PrivacyCanaries.Register("Another report, stored first, about the laundry " + Guid.NewGuid());
        var transport = new FaultyStorageTransport(_ => false)
        {
            Before = async (request, ct) =>
            {
                var name = FaultyStorageTransport.BlobName(request);
                if (FaultyStorageTransport.IsMessageCreate(request) && Interlocked.CompareExchange(ref taken, name, null) is null)
                {
                    var id = ParseBlobId(name);
                    var report = new TipReport { TipId = id.ToString(), Channel = Channel.Web, ReceivedAt = DateTimeOffset.UtcNow, Language = "en", Urgency = Urgency.Normal, Message = earlier };
                    Assert.True(await app!.Services.GetRequiredService<ReportStore>().TryCreateAsync(ReportStore.ReportBlobName(id), report.ToUtf8Json(), ct));
                }
            },
        };
        await using var started = await StartAppAsync(TimeSpan.FromHours(1), afterApp: transport.Install);
        app = started;
        await storage.DrainAsync("triage", Ct);
        var parameters = Params(NewPhone(), PrivacyCanaries.Register("The boss keeps our passports in the office " + Guid.NewGuid()));
        var signature = await SignAsync(parameters);

        foreach (var delivery in new[] { "first", "Twilio's retry" })
        {
            using var response = await PostAsync(app, parameters, signature);
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{delivery}: {response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        }

        var taker = ParseBlobId(taken!);
        Assert.Equal(earlier, (await TestKeys.DecryptReportAsync(storage.ConnectionString, ReportStore.ReportBlobName(taker), Ct)).Message);
        Assert.False(await new BlobClient(storage.ConnectionString, "cases", taker.Compact).ExistsAsync(Ct), "the message was filed as the other report's case");
        Assert.Empty(await storage.DrainAsync("triage", Ct));
        Assert.Contains(app.Logs.Lines, l => l.Contains("another report took", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sms_StopBeforeAnyCase_LaterCaseTellsRespondersNotToReply()
    {
        var phone = NewPhone();
        var before = await CountBlobsAsync();

        var (_, stop) = await SendAsync(App, phone, "Stop");
        Assert.Null(stop);
        Assert.Equal(before, await CountBlobsAsync());
        Assert.Empty(await storage.DrainAsync("triage", Ct));

        await SendAsync(App, phone, "A man at the bus station sells girls to a bar " + Guid.NewGuid());
        var triage = TriageMessage.Parse(Assert.Single(await storage.DrainAsync("triage", Ct)).Body.ToString());
        Assert.True(triage.ContactPaused);
    }

    [Fact]
    public async Task Sms_StopThenNewCaseAfterTheWindow_StillTellsRespondersNotToReply()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await StartAppAsync(TimeSpan.FromMinutes(30), clock: clock);
        var phone = NewPhone();
        await SendAsync(app, phone, "First report about the car wash " + Guid.NewGuid());
        await SendAsync(app, phone, "STOP");
        await storage.DrainAsync("triage", Ct);
        clock.Advance(TimeSpan.FromMinutes(30) + TimeSpan.FromSeconds(1));

        await SendAsync(app, phone, "Another report, a different place " + Guid.NewGuid());

        var triage = TriageMessage.Parse(Assert.Single(await storage.DrainAsync("triage", Ct)).Body.ToString());
        Assert.True(triage.ContactPaused);
    }

    [Theory]
    [InlineData("STOPALL")]
    [InlineData("stop all")]
    [InlineData("Unsubscribe")]
    [InlineData("CANCEL")]
    [InlineData("end")]
    [InlineData("quit")]
    [InlineData("OPTOUT")]
    [InlineData("revoke")]
    public async Task Sms_TwilioOptOutWord_PausesContactWithoutReply(string word)
    {
        var phone = NewPhone();
        await SendAsync(App, phone, "Workers at the quarry are not paid and cannot leave " + Guid.NewGuid());
        await storage.DrainAsync("triage", Ct);

        var (_, reply) = await SendAsync(App, phone, word);

        Assert.Null(reply);
        Assert.True(TriageMessage.Parse(Assert.Single(await storage.DrainAsync("triage", Ct)).Body.ToString()).ContactPaused);
    }

    [Theory]
    [InlineData("YES")]
    [InlineData("unstop")]
    [InlineData("Start")]
    public async Task Sms_TwilioOptInWord_ResumesContactSoTheNextCaseIsNotPaused(string word)
    {
        var phone = NewPhone();
        await SendAsync(App, phone, "STOP");

        var (_, reply) = await SendAsync(App, phone, word);
        await SendAsync(App, phone, "They keep the children in the back of the shop " + Guid.NewGuid());

        Assert.Null(reply);
        Assert.Null(TriageMessage.Parse(Assert.Single(await storage.DrainAsync("triage", Ct)).Body.ToString()).ContactPaused);
    }

    [Theory]
    [InlineData("LANG: 2", "اللغة: العربية")]
    [InlineData("lang ar", "اللغة: العربية")]
    [InlineData("LANG العربية", "اللغة: العربية")]
    [InlineData("2", "اللغة: العربية")]
    [InlineData("٢", "اللغة: العربية")]
    [InlineData("۳", "زبان: فارسی")]
    [InlineData("Lang-4", "Мова: українська")]
    [InlineData("LANG 9", "زبان: دری")]
    [InlineData("lang dari", "زبان: دری")]
    [InlineData("LANG کوردی", "زمان: کوردیی سۆرانی")]
    [InlineData("lang српски", "Језик: српски.")]
    [InlineData("LANG 24", "LANG + 1 English")]
    [InlineData("١٢", "زمان: کوردیی سۆرانی")]
    [InlineData("99", "LANG + 1 English")]
    public async Task Sms_LanguageChoice_AcceptsTheWaysPeopleAnswerTheMenu(string message, string expectedStart)
    {
        // A lone number answers the menu right after it was sent (Sms_LoneNumber_... below for the rest).
        var phone = NewPhone();
        if (char.IsDigit(message[0]))
        {
            await SendAsync(App, phone, "LANG");
        }

        var before = await CountBlobsAsync();

        var (_, reply) = await SendAsync(App, phone, message);

        Assert.StartsWith(expectedStart, reply, StringComparison.Ordinal);
        Assert.Equal(before, await CountBlobsAsync());
        Assert.Empty(await storage.DrainAsync("triage", Ct));
    }

    /// <summary>A whole conversation, every kind of message, then everything outside the ciphertext is scanned.</summary>
    [Fact]
    public async Task Sms_WholeConversation_LeavesNoNumberTextOrPlaceOutsideTheCiphertext()
    {
        var phone = NewPhone();
        var city = PrivacyCanaries.Register("Geoplace" + Guid.NewGuid().ToString("N")[..8]);
        var zip = PrivacyCanaries.Register("Zip" + Guid.NewGuid().ToString("N")[..8]);
        string[] texts =
        [
            PrivacyCanaries.Register("My sister was sold to a man in Kumanovo " + Guid.NewGuid()),
            PrivacyCanaries.Register("He has a gun and she cannot leave the house " + Guid.NewGuid()),
        ];
        var media = PrivacyCanaries.Register($"https://api.twilio.com/2010-04-01/Accounts/{AccountSid}/Messages/MM{Guid.NewGuid():N}/Media/ME{Guid.NewGuid():N}");
        var queued = new List<string>();

        foreach (var body in new[] { "LANG 1", texts[0], "HELP", texts[1], "STOP", "START", string.Empty })
        {
            var extra = new Dictionary<string, string> { ["FromCity"] = city, ["FromZip"] = zip, ["FromState"] = city, ["ToCity"] = city };
            if (body.Length == 0)
            {
                extra["NumMedia"] = "1";
                extra["MediaUrl0"] = media;
                extra["MediaContentType0"] = "image/jpeg";
            }

            var (status, _) = await SendAsync(App, phone, body, extra);
            Assert.Equal(HttpStatusCode.OK, status);
            queued.AddRange((await storage.DrainAsync("triage", Ct)).Select(m => m.Body.ToString()));
        }

        Assert.Equal(3, queued.Count); // the report, the rise to urgent, the STOP
        await AssertNothingLeakedAsync(phone, [.. texts, city, zip, media], queued);
        Assert.Contains(_telemetry.Logs, l => l.Contains("SMS stored as message 2 of case", StringComparison.Ordinal));
    }

    // A number of its own, registered as a canary: no log line of the run may hold it.
    private static string NewPhone() => PrivacyCanaries.Register(TestTips.NewPhone());

    private static Dictionary<string, string> Params(string phone, string body, Dictionary<string, string>? extra = null)
    {
        var parameters = new Dictionary<string, string>
        {
            ["ToCountry"] = "GB",
            ["SmsMessageSid"] = "SM" + Guid.NewGuid().ToString("N"),
            ["NumMedia"] = "0",
            ["Body"] = body,
            ["From"] = phone,
            ["To"] = "+447700900000",
            ["AccountSid"] = AccountSid,
            ["NumSegments"] = "1",
            ["ApiVersion"] = "2010-04-01",
        };
        parameters["MessageSid"] = parameters["SmsMessageSid"];
        parameters["SmsSid"] = parameters["SmsMessageSid"];
        foreach (var (k, v) in extra ?? [])
        {
            parameters[k] = v;
        }

        return parameters;
    }

    private static Task<string> SignAsync(Dictionary<string, string> parameters) => Task.FromResult(TwilioSigning.Sign(AuthToken, PublicBase + "/api/sms", parameters));

    private static async Task<HttpResponseMessage> PostAsync(TestApp app, Dictionary<string, string> parameters, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/sms") { Content = new FormUrlEncodedContent(parameters) };
        if (signature is not null)
        {
            request.Headers.Add("X-Twilio-Signature", signature);
        }

        return await app.Http.SendAsync(request, Ct);
    }

    private static async Task<(HttpStatusCode Status, string? Reply)> SendAsync(TestApp app, string phone, string body, Dictionary<string, string>? extra = null)
    {
        var parameters = Params(phone, body, extra);
        using var response = await PostAsync(app, parameters, await SignAsync(parameters));
        return (response.StatusCode, await ReplyOfAsync(response));
    }

    /// <summary>
    /// Parses the TwiML (it must be well-formed XML) and returns the reply text, or null for an empty Response;
    /// a reply of several SMS (the LANG menu) comes back one per line.
    /// </summary>
    private static async Task<string?> ReplyOfAsync(HttpResponseMessage response)
    {
        var messages = await MessagesOfAsync(response);
        return messages.Count == 0 ? null : string.Join('\n', messages);
    }

    private static async Task<List<string>> MessagesOfAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("Response", xml.Root!.Name.LocalName);
        Assert.All(xml.Root.Elements(), e => Assert.Equal("Message", e.Name.LocalName));
        return [.. xml.Root.Elements().Select(e => e.Value)];
    }

    private static TipId ParseBlobId(string name) => SubmitTipTests.ParseReceipt(name.Split('/')[1]);

    private async Task<TestApp> StartAppAsync(TimeSpan window, Action<IServiceCollection, IConfiguration>? configureServices = null, Dictionary<string, string?>? settings = null, ExportedTelemetry? telemetry = null, Action<IServiceCollection>? afterApp = null, TimeProvider? clock = null)
    {
        var extra = settings;
        settings = TestApp.BaseSettings(storage.ConnectionString);
        settings["Twilio:AccountSid"] = AccountSid;
        settings["Twilio:AuthToken"] = AuthToken;
        settings["Twilio:PhoneNumber"] = "+447700900000";
        settings["Twilio:WebhookBaseUrl"] = PublicBase;
        settings["Twilio:ApiBaseUrl"] = "http://127.0.0.1:9";
        settings["Responders:0:Name"] = "On call";
        settings["Responders:0:Phone"] = "+447700900999";
        settings["Hotline:ConversationWindow"] = window.ToString();

        // Deletions of Twilio's copies are queued visible at once, so the privacy scan sees them.
        settings["Hotline:Twilio:DeleteAfter"] = "00:00:00";
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return await TestApp.StartAsync(settings, configureServices: configureServices, afterApp: services =>
        {
            telemetry?.AddTo(services);
            afterApp?.Invoke(services);
            if (clock is not null)
            {
                // The SMS intake's clock only: what "right after the menu" and the conversation window are measured on.
                services.Replace(ServiceDescriptor.Singleton(sp => ActivatorUtilities.CreateInstance<SmsIntake>(sp, clock)));
            }
        }, cancellationToken: Ct);
    }

    private async Task<int> CountBlobsAsync()
    {
        var count = 0;
        await foreach (var _ in new BlobContainerClient(storage.ConnectionString, "tips").GetBlobsAsync(BlobTraits.None, BlobStates.None, null, Ct))
        {
            count++;
        }

        return count;
    }

    private async Task<List<string>> BlobNamesAsync(TipId id)
    {
        var names = new List<string>();
        await foreach (var blob in new BlobContainerClient(storage.ConnectionString, "tips").GetBlobsAsync(BlobTraits.None, BlobStates.None, id.Compact + "/", Ct))
        {
            names.Add(blob.Name);
        }

        return names;
    }

    /// <summary>
    /// No phone number, tip text, geo value or media URL in logs, exported telemetry (spans, log records, metrics),
    /// blob names, blob metadata, intake records, the queue messages the test took off the triage queue, the
    /// queued media jobs, or the queued deletions of Twilio's copies.
    /// </summary>
    private async Task AssertNothingLeakedAsync(string phone, IReadOnlyList<string> secrets, IReadOnlyList<string> queueMessages)
    {
        string[] all = [phone, phone.TrimStart('+'), .. secrets];
        Assert.Empty(PrivacyCanaries.FoundIn(App.Logs.AllText));
        var exported = _telemetry.Flush(App.Services);
        Assert.Contains("SMS stored as message", exported, StringComparison.Ordinal);
        Assert.Empty(PrivacyCanaries.FoundIn(exported));
        Assert.DoesNotContain(all, v => exported.Contains(v, StringComparison.Ordinal));
        Assert.All(queueMessages, m => Assert.DoesNotContain(all, v => m.Contains(v, StringComparison.Ordinal)));
        var deletions = (await storage.Queue("twilio-delete").PeekMessagesAsync(32, Ct)).Value;
        Assert.NotEmpty(deletions);
        Assert.All(deletions, m => Assert.DoesNotContain(all, v => m.Body.ToString().Contains(v, StringComparison.Ordinal)));
        var mediaJobs = (await storage.Queue(Hotline.Storage.StorageNames.MediaQueue).PeekMessagesAsync(32, Ct)).Value;
        Assert.All(mediaJobs, m => Assert.DoesNotContain(all, v => m.Body.ToString().Contains(v, StringComparison.Ordinal)));
        foreach (var container in new[] { "tips", "intake" })
        {
            var client = new BlobContainerClient(storage.ConnectionString, container);
            await foreach (var blob in client.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, null, Ct))
            {
                Assert.DoesNotContain(all, v => blob.Name.Contains(v, StringComparison.Ordinal));
                Assert.All(blob.Metadata.Values, m => Assert.DoesNotContain(all, v => m.Contains(v, StringComparison.Ordinal)));
                if (container == "intake")
                {
                    var content = (await client.GetBlobClient(blob.Name).DownloadContentAsync(Ct)).Value.Content.ToString();
                    Assert.DoesNotContain(all, v => content.Contains(v, StringComparison.Ordinal));
                }
            }
        }
    }
}
