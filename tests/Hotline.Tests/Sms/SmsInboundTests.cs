using System.Net;
using System.Text;
using System.Xml.Linq;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Hotline.Tests.Infrastructure;
using Hotline.Tests.Intake;
using Hotline.Tips;
using Hotline.Triage;

namespace Hotline.Tests.Sms;

/// <summary>The Twilio webhook against a real Azurite, with requests signed by Twilio's own helper library.</summary>
public sealed class SmsInboundTests(OwnAzurite storage) : IClassFixture<OwnAzurite>, IAsyncLifetime
{
    private const string AuthToken = "f0e1d2c3b4a5968778695a4b3c2d1e0f";
    private const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    private const string PublicBase = "https://hotline.example.org";
    private TestApp? _app;

    private TestApp App => _app!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _app = await StartAppAsync(TimeSpan.FromHours(24));
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

        var (status, reply) = await SendAsync(App, phone, text, extra: new()
        {
            ["FromCity"] = PrivacyCanaries.Register("Geocity" + Guid.NewGuid().ToString("N")[..8]),
            ["FromZip"] = PrivacyCanaries.Register("Z" + Guid.NewGuid().ToString("N")[..8]),
            ["FromState"] = "SrbState",
            ["FromCountry"] = "RS",
            ["ToCity"] = "Hotlinecity",
        });

        Assert.Equal(HttpStatusCode.OK, status);
        var id = SubmitTipTests.ParseReceipt(System.Text.RegularExpressions.Regex.Match(reply!, "[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}").Value);
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
        Assert.DoesNotContain("SrbState", json, StringComparison.Ordinal);
        Assert.DoesNotContain("Hotlinecity", json, StringComparison.Ordinal);

        var triage = TriageMessage.Parse(Assert.Single(await storage.DrainAsync("triage", Ct)).Body.ToString());
        Assert.Equal((id.ToString(), Channel.Sms, Urgency.Urgent, (bool?)null), (triage.TipId, triage.Channel, triage.Urgency, triage.ContactPaused));
        await AssertNothingLeakedAsync(phone, text);
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
            "wrong-url" => await TwilioNode.SignAsync(AuthToken, new Uri(App.BaseAddress, "/api/sms").ToString(), parameters),
            _ => await TwilioNode.SignAsync("not-the-token", PublicBase + "/api/sms", parameters),
        };
        var before = await CountBlobsAsync();

        using var response = await PostAsync(App, parameters, signature);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(before, await CountBlobsAsync());
        Assert.Empty(await storage.DrainAsync("triage", Ct));
        Assert.DoesNotContain(App.Logs.Lines, l => l.Contains(phone, StringComparison.Ordinal) || l.Contains("must not be stored", StringComparison.Ordinal));
        Assert.Contains(App.Logs.Lines, l => l.Contains("SMS webhook refused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sms_TwilioRetriesSameMessageSid_StoresOnceAndAnswersTheSame()
    {
        var phone = NewPhone();
        var parameters = Params(phone, PrivacyCanaries.Register("Men sleep in the factory and cannot leave " + Guid.NewGuid()));

        var first = await ReplyOfAsync(await PostAsync(App, parameters, await SignAsync(parameters)));
        var again = await ReplyOfAsync(await PostAsync(App, parameters, await SignAsync(parameters)));

        Assert.Equal(first, again);
        var id = SubmitTipTests.ParseReceipt(System.Text.RegularExpressions.Regex.Match(first!, "[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}").Value);
        Assert.Equal([ReportStore.ReportBlobName(id)], await BlobNamesAsync(id));
    }

    [Fact]
    public async Task Sms_FollowUpWithinWindow_JoinsTheCaseAndPagesAgainOnlyWhenUrgencyRises()
    {
        var phone = NewPhone();
        var (_, first) = await SendAsync(App, phone, PrivacyCanaries.Register("Hello, I work at a restaurant and the owner keeps my wages " + Guid.NewGuid()));
        var id = SubmitTipTests.ParseReceipt(System.Text.RegularExpressions.Regex.Match(first!, "[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}").Value);
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
        await using var app = await StartAppAsync(TimeSpan.FromSeconds(1));
        var phone = NewPhone();
        var (_, first) = await SendAsync(app, phone, "First report about the car wash " + Guid.NewGuid());
        await Task.Delay(TimeSpan.FromSeconds(1.5), Ct);

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

    [Fact]
    public async Task Sms_StopThenStart_PausesContactAndTellsRespondersOnce()
    {
        var phone = NewPhone();
        var (_, first) = await SendAsync(App, phone, "My cousin works without pay at a construction site " + Guid.NewGuid());
        var id = SubmitTipTests.ParseReceipt(System.Text.RegularExpressions.Regex.Match(first!, "[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}").Value);
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

    [Fact]
    public async Task Sms_HelpAndEmpty_AnswerWithoutStoring()
    {
        var before = await CountBlobsAsync();

        var (_, help) = await SendAsync(App, NewPhone(), "help");
        var (_, empty) = await SendAsync(App, NewPhone(), "   ");

        Assert.Contains("112", help, StringComparison.Ordinal);
        Assert.StartsWith("Anonymous trafficking hotline", help, StringComparison.Ordinal);
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
    public async Task Sms_WithMedia_KeepsMediaUrlsInTheEnvelope()
    {
        var phone = NewPhone();
        var (_, reply) = await SendAsync(App, phone, string.Empty, extra: new()
        {
            ["NumMedia"] = "1",
            ["MediaUrl0"] = "https://api.twilio.com/2010-04-01/Accounts/AC0123/Messages/MM1/Media/ME1",
            ["MediaContentType0"] = "image/jpeg",
        });
        var id = SubmitTipTests.ParseReceipt(System.Text.RegularExpressions.Regex.Match(reply!, "[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}").Value);

        var report = await TestKeys.DecryptReportAsync(storage.ConnectionString, ReportStore.ReportBlobName(id), Ct);
        Assert.Equal(["https://api.twilio.com/2010-04-01/Accounts/AC0123/Messages/MM1/Media/ME1"], report.Sms!.MediaUrls);
    }

    [Fact]
    public async Task Sms_NotAForm_Returns415()
    {
        using var response = await App.Http.PostAsync(new Uri("/api/sms", UriKind.Relative), new StringContent("{}", Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    // Ten random digits: two tests sharing a number would share a case.
    private static string NewPhone() => PrivacyCanaries.Register("+447" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture));

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

    private static Task<string> SignAsync(Dictionary<string, string> parameters) => TwilioNode.SignAsync(AuthToken, PublicBase + "/api/sms", parameters);

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

    /// <summary>Parses the TwiML (it must be well-formed XML) and returns the reply text, or null for an empty Response.</summary>
    private static async Task<string?> ReplyOfAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("Response", xml.Root!.Name.LocalName);
        return xml.Root.Element("Message")?.Value;
    }

    private async Task<TestApp> StartAppAsync(TimeSpan window)
    {
        var settings = TestApp.BaseSettings(storage.ConnectionString);
        settings["Twilio:AccountSid"] = AccountSid;
        settings["Twilio:AuthToken"] = AuthToken;
        settings["Twilio:PhoneNumber"] = "+447700900000";
        settings["Twilio:WebhookBaseUrl"] = PublicBase;
        settings["Twilio:ApiBaseUrl"] = "http://127.0.0.1:9";
        settings["Responders:0:Name"] = "On call";
        settings["Responders:0:Phone"] = "+447700900999";
        settings["Hotline:ConversationWindow"] = window.ToString();
        return await TestApp.StartAsync(settings, cancellationToken: Ct);
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

    /// <summary>No phone number or tip text in logs, blob names, blob metadata or queue messages.</summary>
    private async Task AssertNothingLeakedAsync(string phone, string text)
    {
        Assert.Empty(PrivacyCanaries.FoundIn(App.Logs.AllText));
        foreach (var container in new[] { "tips", "intake" })
        {
            await foreach (var blob in new BlobContainerClient(storage.ConnectionString, container).GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, null, Ct))
            {
                Assert.DoesNotContain(phone, blob.Name, StringComparison.Ordinal);
                Assert.DoesNotContain(phone.TrimStart('+'), blob.Name, StringComparison.Ordinal);
                Assert.All(blob.Metadata.Values, v => Assert.DoesNotContain(phone, v, StringComparison.Ordinal));
                if (container == "intake")
                {
                    var content = (await new BlobContainerClient(storage.ConnectionString, container).GetBlobClient(blob.Name).DownloadContentAsync(Ct)).Value.Content.ToString();
                    Assert.DoesNotContain(phone, content, StringComparison.Ordinal);
                    Assert.DoesNotContain(text, content, StringComparison.Ordinal);
                }
            }
        }

        var queue = new QueueClient(storage.ConnectionString, "triage", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        foreach (var message in (await queue.PeekMessagesAsync(32, Ct)).Value)
        {
            Assert.DoesNotContain(phone, message.Body.ToString(), StringComparison.Ordinal);
        }
    }
}
