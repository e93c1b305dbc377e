using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Hotline.Encryption;
using Hotline.Tests.Infrastructure;
using Hotline.Tips;
using Hotline.Triage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Hotline.Tests.Intake;

/// <summary>POST /api/tips against a real Azurite, over real HTTP, read back the way responders read.</summary>
public sealed class SubmitTipTests(OwnAzurite storage) : IClassFixture<OwnAzurite>, IAsyncLifetime
{
    private TestApp? _app;

    private TestApp App => _app!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var settings = TestApp.BaseSettings(storage.ConnectionString);
        settings["AzureWebJobs:DispatchTriage:Disabled"] = "true";
        settings["AzureWebJobs:DispatchTriagePoison:Disabled"] = "true";
        _app = await TestApp.StartAsync(settings, cancellationToken: Ct);
        await storage.DrainAsync("triage", Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("json")]
    [InlineData("form")]
    public async Task SubmitTip_DecomposedTextWithSpaces_IsStoredExactlyAsSent(string how)
    {
        // Evidence is stored as sent (DESIGN.md): a decomposed é, a Farsi word with its zero-width non-joiner, an
        // Arabic letter with a separate hamza, the tipster's own spacing and line breaks. Normalising or trimming
        // it would change what the tipster wrote.
        var message = "  Cafe\u0301 de la gare, \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 \u0627\u0654\r\nthey took our papers " + Guid.NewGuid() + "\r\n ";
        const string location = " pre\u0301s de Bitola  ";
        using HttpContent content = how == "json"
            ? JsonContent.Create(new { message, location })
            : new FormUrlEncodedContent(new Dictionary<string, string> { ["message"] = message, ["location"] = location });

        using var response = await App.Http.PostAsync(new Uri("/api/tips", UriKind.Relative), content, Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(Ct);
        var receipt = how == "json" ? JsonDocument.Parse(body).RootElement.GetProperty("receipt").GetString() : System.Text.RegularExpressions.Regex.Match(body, "[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}").Value;
        Assert.True(TipId.TryParse(receipt, out var id), body);
        var report = await TestKeys.DecryptReportAsync(storage.ConnectionString, ReportStore.ReportBlobName(id.Value), Ct);
        Assert.Equal(Encoding.UTF8.GetBytes(message), Encoding.UTF8.GetBytes(report.Message));
        Assert.Equal(Encoding.UTF8.GetBytes(location), Encoding.UTF8.GetBytes(report.Location!));
    }

    [Fact]
    public async Task SubmitTip_Json_Returns202ReceiptAndStoresOnlyCiphertext()
    {
        var text = PrivacyCanaries.Register("They keep twelve women in the basement at Rruga e Durresit 14, canary " + Guid.NewGuid());

        using var response = await App.Http.PostAsJsonAsync("/api/tips", new { message = text, language = "en", location = "Tirana", contact = "Signal only" }, Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var receipt = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("receipt").GetString();
        Assert.True(TipId.TryParse(receipt, out var id));
        Assert.Matches("^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$", receipt);

        // Raw bytes as stored: nothing of the tip, the blob name is the id alone, and of ours in the metadata only
        // the write's mark: 64 hex digits (random, or a keyed MAC that looks random), nothing of the report.
        var blob = new BlobClient(storage.ConnectionString, "tips", ReportStore.ReportBlobName(id.Value));
        var raw = (await blob.DownloadContentAsync(Ct)).Value;
        Assert.DoesNotContain("basement", Encoding.UTF8.GetString(raw.Content.ToArray()), StringComparison.Ordinal);
        Assert.DoesNotContain("Tirana", Encoding.UTF8.GetString(raw.Content.ToArray()), StringComparison.Ordinal);
        Assert.Equal(["encryptiondata", ReportStore.WriteMarkMetadata], raw.Details.Metadata.Keys.Select(k => k.ToLowerInvariant()).Order(StringComparer.Ordinal));
        Assert.Matches("^[0-9a-f]{64}$", raw.Details.Metadata[ReportStore.WriteMarkMetadata]);
        Assert.Contains(TestKeys.KeyId, raw.Details.Metadata["encryptiondata"], StringComparison.Ordinal);
        Assert.Contains("\"Protocol\":\"2.0\"", raw.Details.Metadata["encryptiondata"], StringComparison.Ordinal);
        Assert.Equal($"{id.Value.Compact}/report", blob.Name);

        // Read back as a responder: the standard SDK and the private key.
        var report = await TestKeys.DecryptReportAsync(storage.ConnectionString, blob.Name, Ct);
        Assert.Equal(text, report.Message);
        Assert.Equal(receipt, report.TipId);
        Assert.Equal(Channel.Web, report.Channel);
        Assert.Equal("en", report.Language);
        Assert.Equal("Tirana", report.Location);
        Assert.Equal("Signal only", report.Contact);
        Assert.Equal(TipReport.CurrentSchemaVersion, report.SchemaVersion);

        Assert.Empty(PrivacyCanaries.FoundIn(App.Logs.AllText));
    }

    [Fact]
    public async Task SubmitTip_PublicKeyOnOneLine_IsReadAndTheReportDecrypts()
    {
        // azd carries the public key through one environment value: its line breaks become spaces (README).
        var settings = TestApp.BaseSettings(storage.ConnectionString);
        settings["Hotline:PublicKeyPem"] = TestKeys.PublicKeyPem.ReplaceLineEndings(" ").Trim();
        await using var app = await TestApp.StartAsync(settings, cancellationToken: Ct);

        using var response = await app.Http.PostAsJsonAsync("/api/tips", new { message = "They work nights at the bakery and are not paid " + Guid.NewGuid() }, Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.True(TipId.TryParse((await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("receipt").GetString(), out var id));
        var report = await TestKeys.DecryptReportAsync(storage.ConnectionString, ReportStore.ReportBlobName(id!.Value), Ct);
        Assert.StartsWith("They work nights at the bakery", report.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitTip_Json_QueuesTriageMessageWithExactlyFiveFields()
    {
        using var response = await App.Http.PostAsJsonAsync("/api/tips", new { message = PrivacyCanaries.Register("Help now, they locked us in the farm house " + Guid.NewGuid()) }, Ct);
        var receipt = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("receipt").GetString();

        var message = Assert.Single(await storage.DrainAsync("triage", Ct));
        using var json = JsonDocument.Parse(message.Body.ToString());
        Assert.Equal(["channel", "language", "receivedAt", "tipId", "urgency"], json.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(receipt, json.RootElement.GetProperty("tipId").GetString());
        Assert.Equal("web", json.RootElement.GetProperty("channel").GetString());
        Assert.Equal("urgent", json.RootElement.GetProperty("urgency").GetString());
        Assert.Equal("en", json.RootElement.GetProperty("language").GetString());
        Assert.True(DateTimeOffset.UtcNow - json.RootElement.GetProperty("receivedAt").GetDateTimeOffset() < TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task SubmitTip_ArabicForm_Returns202PageWithReceiptInArabic()
    {
        var text = PrivacyCanaries.Register("أخذوا جوازات سفرنا ويجبروننا على العمل في المزرعة " + Guid.NewGuid());
        using var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["message"] = text, ["language"] = "ar", ["idempotencyKey"] = Guid.NewGuid().ToString("N") });

        using var response = await App.Http.PostAsync(new Uri("/api/tips", UriKind.Relative), content, Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", html, StringComparison.Ordinal);
        var receipt = System.Text.RegularExpressions.Regex.Match(html, "id=\"receipt\">([0-9A-Z-]{14})<").Groups[1].Value;
        Assert.True(TipId.TryParse(receipt, out var id));
        Assert.DoesNotContain(text, html, StringComparison.Ordinal);

        var report = await TestKeys.DecryptReportAsync(storage.ConnectionString, ReportStore.ReportBlobName(id.Value), Ct);
        Assert.Equal(text, report.Message);
        Assert.Equal("ar", report.Language);
        Assert.Equal(Urgency.Urgent, report.Urgency);
    }

    [Fact]
    public async Task SubmitTip_IdempotencyKeyReusedWithAnotherReport_Returns409AndStoresAndQueuesNothing()
    {
        // Hardening 6: a key is bound to the content it first carried. Before, the second report was
        // dropped behind the first one's receipt while its own (urgent) triage was queued.
        var key = Guid.NewGuid().ToString();
        var first = PrivacyCanaries.Register("The workers at the farm are not paid " + Guid.NewGuid());
        var second = PrivacyCanaries.Register("They locked the children in the basement, come now " + Guid.NewGuid());
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/tips") { Content = JsonContent.Create(new { message = first }) })
        {
            request.Headers.Add("Idempotency-Key", key);
            using var accepted = await App.Http.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        var queued = TriageMessage.Parse(Assert.Single(await storage.DrainAsync("triage", Ct)).Body.ToString());

        using var reused = new HttpRequestMessage(HttpMethod.Post, "/api/tips") { Content = JsonContent.Create(new { message = second }) };
        reused.Headers.Add("Idempotency-Key", key);
        using var response = await App.Http.SendAsync(reused, Ct);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(queued.TipId, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Empty(await storage.DrainAsync("triage", Ct));
        var id = ParseReceipt(queued.TipId);
        Assert.Equal([ReportStore.ReportBlobName(id)], await BlobNamesAsync(id));
        Assert.Equal(first, (await TestKeys.DecryptReportAsync(storage.ConnectionString, ReportStore.ReportBlobName(id), Ct)).Message);
    }

    [Fact]
    public async Task SubmitTip_RetryWithTheSameKeyAndContent_QueuesWhatWasStored()
    {
        // Hardening 6: what a retry queues is what was stored (same id, urgency and time of receipt).
        // The retry comes a minute later on intake's clock, so a time of receipt taken afresh would differ.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await TestApp.StartAsync(
            TestApp.BaseSettings(storage.ConnectionString),
            afterApp: services => services.Replace(ServiceDescriptor.Singleton(sp => ActivatorUtilities.CreateInstance<TipIntake>(sp, clock))),
            cancellationToken: Ct);
        var key = Guid.NewGuid().ToString();
        var body = new { message = PrivacyCanaries.Register("They beat the men who ask for their passports " + Guid.NewGuid()) };
        var messages = new List<TriageMessage>();
        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tips") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await app.Http.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            messages.Add(TriageMessage.Parse(Assert.Single(await storage.DrainAsync("triage", Ct)).Body.ToString()));
            clock.Advance(TimeSpan.FromMinutes(1));
        }

        var stored = await TestKeys.DecryptReportAsync(storage.ConnectionString, ReportStore.ReportBlobName(ParseReceipt(messages[0].TipId)), Ct);
        Assert.Equal(messages[0], messages[1]);
        Assert.Equal((stored.TipId, stored.Urgency, stored.ReceivedAt), (messages[1].TipId, messages[1].Urgency, messages[1].ReceivedAt));
    }

    [Fact]
    public async Task SubmitTip_SameIdempotencyKeyTwice_StoresOneReportWithOneReceipt()
    {
        var key = Guid.NewGuid().ToString();
        var body = new { message = PrivacyCanaries.Register("Workers at the car wash are not paid " + Guid.NewGuid()) };

        var receipts = new List<string?>();
        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tips") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await App.Http.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            receipts.Add((await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("receipt").GetString());
        }

        Assert.Equal(receipts[0], receipts[1]);
        var id = ParseReceipt(receipts[0]);
        Assert.Equal([ReportStore.ReportBlobName(id)], await BlobNamesAsync(id));
    }

    [Fact]
    public async Task SubmitTip_QueueMissingAfterBlobWritten_Returns503ThenRetryEnqueuesWithoutSecondReport()
    {
        var key = Guid.NewGuid().ToString();
        var body = new { message = PrivacyCanaries.Register("Children sell flowers at night for a man " + Guid.NewGuid()) };
        await storage.Queue("triage").DeleteAsync(Ct);

        using (var first = new HttpRequestMessage(HttpMethod.Post, "/api/tips") { Content = JsonContent.Create(body) })
        {
            first.Headers.Add("Idempotency-Key", key);
            using var response = await App.Http.SendAsync(first, Ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(response.Headers.RetryAfter);
            await AssertHonestUnavailableAsync(response);
        }

        await storage.Queue("triage").CreateAsync(cancellationToken: Ct);
        using var retry = new HttpRequestMessage(HttpMethod.Post, "/api/tips") { Content = JsonContent.Create(body) };
        retry.Headers.Add("Idempotency-Key", key);
        using var retried = await App.Http.SendAsync(retry, Ct);

        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        var receipt = (await retried.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("receipt").GetString();
        var queued = Assert.Single(await storage.DrainAsync("triage", Ct));
        Assert.Equal(receipt, TriageMessage.Parse(queued.Body.ToString()).TipId);
        var id = ParseReceipt(receipt);
        Assert.Equal([ReportStore.ReportBlobName(id)], await BlobNamesAsync(id));
    }

    [Fact]
    public async Task SubmitTip_NewKeyClaimsTheIdOfAnotherReport_DrawsAgainAndKeepsBothReports()
    {
        // The only seam: where random ids come from. The new key's claim gets the id an earlier
        // report already holds, which 60 random bits otherwise make all but impossible.
        var taken = TipId.New();
        var fresh = TipId.New();
        var settings = TestApp.BaseSettings(storage.ConnectionString);
        await using var app = await TestApp.StartAsync(settings, configureServices: (services, _) => services.AddSingleton<ITipIdSource>(new TipIdSequence(taken, taken, fresh)), cancellationToken: Ct);
        var earlier = PrivacyCanaries.Register("The earlier report about the bakery " + Guid.NewGuid());
        var later = PrivacyCanaries.Register("The later report about the quarry " + Guid.NewGuid());
        using (var response = await app.Http.PostAsJsonAsync("/api/tips", new { message = earlier }, Ct))
        {
            Assert.Equal(taken.ToString(), await ReceiptAsync(response));
        }

        await storage.DrainAsync("triage", Ct);
        var key = Guid.NewGuid().ToString();

        using var claimed = await PostWithKeyAsync(app, key, new { message = later });
        using var retried = await PostWithKeyAsync(app, key, new { message = later });

        Assert.Equal(HttpStatusCode.Accepted, claimed.StatusCode);
        Assert.Equal(fresh.ToString(), await ReceiptAsync(claimed));
        Assert.Equal(fresh.ToString(), await ReceiptAsync(retried));
        Assert.Equal(later, (await TestKeys.DecryptReportAsync(storage.ConnectionString, ReportStore.ReportBlobName(fresh), Ct)).Message);
        Assert.Equal(earlier, (await TestKeys.DecryptReportAsync(storage.ConnectionString, ReportStore.ReportBlobName(taken), Ct)).Message);
        Assert.Equal([fresh.ToString(), fresh.ToString()], (await storage.DrainAsync("triage", Ct)).Select(m => TriageMessage.Parse(m.Body.ToString()).TipId));
    }

    [Fact]
    public async Task SubmitTip_BlobWriteFailsWhileQueueWorks_Returns503QueuesNothingThenRetryStoresOnce()
    {
        var key = Guid.NewGuid().ToString();
        var body = new { message = PrivacyCanaries.Register("Men sleep in the greenhouse and may not leave " + Guid.NewGuid()) };
        var tips = new BlobContainerClient(storage.ConnectionString, "tips");
        await tips.DeleteAsync(cancellationToken: Ct);

        using (var first = await PostWithKeyAsync(App, key, body))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
            Assert.NotNull(first.Headers.RetryAfter);
            Assert.Equal("application/problem+json", first.Content.Headers.ContentType?.MediaType);
            await AssertHonestUnavailableAsync(first);
        }

        Assert.Empty(await storage.DrainAsync("triage", Ct));

        await tips.CreateAsync(cancellationToken: Ct);
        using var retried = await PostWithKeyAsync(App, key, body);

        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        var id = ParseReceipt(await ReceiptAsync(retried));
        Assert.Equal([ReportStore.ReportBlobName(id)], await BlobNamesAsync(id));
        var queued = Assert.Single(await storage.DrainAsync("triage", Ct));
        Assert.Equal(id.ToString(), TriageMessage.Parse(queued.Body.ToString()).TipId);
    }

    [Fact]
    public async Task SubmitTip_FormWhileQueueMissing_Returns503PageThatDoesNotSayNothingWasKept()
    {
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["message"] = PrivacyCanaries.Register("Girls are brought to the hotel every night " + Guid.NewGuid()),
            ["language"] = "fa",
            ["idempotencyKey"] = Guid.NewGuid().ToString("N"),
        });
        await storage.Queue("triage").DeleteAsync(Ct);

        using var response = await App.Http.PostAsync(new Uri("/api/tips", UriKind.Relative), content, Ct);
        await storage.Queue("triage").CreateAsync(cancellationToken: Ct);

        // The report is stored by now; the page must not claim otherwise.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("<html lang=\"fa\" dir=\"rtl\">", html, StringComparison.Ordinal);
        Assert.Contains("ممکن است گزارش شما به ما نرسیده باشد", html, StringComparison.Ordinal);
        Assert.DoesNotContain("نتوانستیم گزارش شما را ذخیره کنیم", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    [InlineData("Origin", "https://evil.example")]
    [InlineData("Origin", "null")]
    public async Task SubmitTip_CrossSiteFormPost_Returns403PageAndStoresNothing(string header, string value)
    {
        // Hardening 4: another site must not be able to make its visitors' browsers file tips.
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["message"] = "Forged from another site " + Guid.NewGuid(), ["language"] = "ar" });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tips") { Content = form };
        request.Headers.TryAddWithoutValidation(header, value);

        using var response = await App.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("dir=\"rtl\"", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Empty(await storage.DrainAsync("triage", Ct));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("Sec-Fetch-Site", "same-origin")]
    [InlineData("Origin", "SAME")]
    public async Task SubmitTip_SameOriginOrUnlabelledFormPost_IsAccepted(string? header, string? value)
    {
        // No-JS and old browsers that send neither header, and the form's own posts, still get through.
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["message"] = "We are not paid at the farm " + Guid.NewGuid() });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tips") { Content = form };
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation(header, value == "SAME" ? App.BaseAddress.GetLeftPart(UriPartial.Authority) : value);
        }

        using var response = await App.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Single(await storage.DrainAsync("triage", Ct));
    }

    [Fact]
    public async Task StoredReport_ShortAndLongReports_HaveTheSameBlobSize()
    {
        // Hardening 9: a storage reader must not tell a one-word report from a long account by its size.
        var sizes = new List<long>();
        foreach (var text in new[] { "HELP " + Guid.NewGuid(), "They took us across the river at night and now hold us in a flat near the station. " + new string('x', 700) + Guid.NewGuid() })
        {
            using var response = await App.Http.PostAsJsonAsync("/api/tips", new { message = PrivacyCanaries.Register(text) }, Ct);
            var id = ParseReceipt((await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("receipt").GetString());
            sizes.Add((await new BlobClient(storage.ConnectionString, "tips", ReportStore.ReportBlobName(id)).GetPropertiesAsync(cancellationToken: Ct)).Value.ContentLength);
            Assert.Equal(text, (await TestKeys.DecryptReportAsync(storage.ConnectionString, ReportStore.ReportBlobName(id), Ct)).Message);
        }

        Assert.Equal(sizes[0], sizes[1]);
        Assert.Equal(ReportStore.MinPaddedSize + 28, sizes[0]);
    }

    [Fact]
    public async Task StoredReport_EncryptionMetadata_NamesTheFormatAndNothingOfTheIntakeOrTheReport()
    {
        // Hardening 13: the SDK's encryptor wrote its library build and the runtime and OS of the intake into
        // KeyWrappingMetadata.EncryptionLibrary, and it could not be trimmed without Set Blob Metadata (which DESIGN
        // forbids). Hotline writes the envelope itself now (issue 30) and names only the format there.
        var text = PrivacyCanaries.Register("They work us at night in the greenhouses " + Guid.NewGuid());
        using var response = await App.Http.PostAsJsonAsync("/api/tips", new { message = text, location = "Evros" }, Ct);
        var id = ParseReceipt((await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("receipt").GetString());
        var raw = (await new BlobClient(storage.ConnectionString, "tips", ReportStore.ReportBlobName(id)).GetPropertiesAsync(cancellationToken: Ct)).Value;
        var json = raw.Metadata["encryptiondata"];
        using var metadata = JsonDocument.Parse(json);

        Assert.Equal(
            ["EncryptedRegionInfo", "EncryptionAgent", "EncryptionMode", "KeyWrappingMetadata", "WrappedContentKey"],
            metadata.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var library = Assert.Single(metadata.RootElement.GetProperty("KeyWrappingMetadata").EnumerateObject());
        Assert.Equal("EncryptionLibrary", library.Name);
        Assert.Equal(ClientSideEncryptionV2.EncryptionLibrary, library.Value.GetString());
        Assert.DoesNotContain(System.Runtime.InteropServices.RuntimeInformation.OSDescription, json, StringComparison.Ordinal);
        Assert.DoesNotContain("Evros", json, StringComparison.Ordinal);
        Assert.DoesNotContain("greenhouses", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoredReport_PlainRsaOaepSha256AndAesGcm_Decrypt()
    {
        // No Hotline or Azure SDK crypto code here: the content key is wrapped with RSA-OAEP-SHA256
        // and the report is AES-256-GCM (client-side encryption v2), and a responder tool in any
        // language can read it from this description alone.
        var text = PrivacyCanaries.Register("The foreman keeps the workers' passports in a drawer " + Guid.NewGuid());
        using var response = await App.Http.PostAsJsonAsync("/api/tips", new { message = text }, Ct);
        var id = ParseReceipt((await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("receipt").GetString());
        var raw = (await new BlobClient(storage.ConnectionString, "tips", ReportStore.ReportBlobName(id)).DownloadContentAsync(Ct)).Value;
        using var metadata = JsonDocument.Parse(raw.Details.Metadata["encryptiondata"]);
        var wrapped = metadata.RootElement.GetProperty("WrappedContentKey");
        var agent = metadata.RootElement.GetProperty("EncryptionAgent");
        Assert.Equal("RSA-OAEP-256", wrapped.GetProperty("Algorithm").GetString());
        Assert.Equal("2.0", agent.GetProperty("Protocol").GetString());
        Assert.Equal("AES_GCM_256", agent.GetProperty("EncryptionAlgorithm").GetString());

        // Unwrap with nothing but the private key and the padding the design names.
        using var rsa = RSA.Create();
        rsa.ImportFromPem(TestKeys.PrivateKeyPem);
        var unwrapped = rsa.Decrypt(Convert.FromBase64String(wrapped.GetProperty("EncryptedKey").GetString()!), RSAEncryptionPadding.OaepSHA256);

        // v2 wraps the protocol version ("2.0", zero-padded to 8 bytes) in front of the 32-byte key.
        Assert.Equal(40, unwrapped.Length);
        Assert.Equal("2.0\0\0\0\0\0"u8.ToArray(), unwrapped[..8]);
        var key = unwrapped[8..];

        // One region (a report is far below the 4 MiB region size): nonce, ciphertext, tag.
        var region = raw.Content.ToArray();
        var nonceLength = metadata.RootElement.GetProperty("EncryptedRegionInfo").GetProperty("NonceLength").GetInt32();
        const int tagLength = 16;
        var plaintext = new byte[region.Length - nonceLength - tagLength];
        using (var aes = new AesGcm(key, tagLength))
        {
            aes.Decrypt(region.AsSpan(0, nonceLength), region.AsSpan(nonceLength, plaintext.Length), region.AsSpan(region.Length - tagLength), plaintext);
        }

        using var report = JsonDocument.Parse(plaintext);
        Assert.Equal(text, report.RootElement.GetProperty("message").GetString());
        Assert.Equal(id.ToString(), report.RootElement.GetProperty("tipId").GetString());
        Assert.DoesNotContain("foreman", Encoding.UTF8.GetString(region), StringComparison.Ordinal);
    }

    [Fact]
    public async Task IntakeKey_PublicOnly_CannotDecryptWhatItStored()
    {
        using var response = await App.Http.PostAsJsonAsync("/api/tips", new { message = PrivacyCanaries.Register("A van takes women across at night " + Guid.NewGuid()) }, Ct);
        var id = ParseReceipt((await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("receipt").GetString());

        var intakeKey = App.Services.GetRequiredService<RsaKeyEncryptionKey>();
        Assert.False(intakeKey.HasPrivateKey);

        // The intake's own key, offered as the resolver for a download, cannot unwrap the content key.
        var options = new Azure.Storage.Blobs.Specialized.SpecializedBlobClientOptions
        {
            ClientSideEncryption = new Azure.Storage.ClientSideEncryptionOptions(Azure.Storage.ClientSideEncryptionVersion.V2_0)
            {
                KeyResolver = new RsaKeyResolver([intakeKey]),
                KeyWrapAlgorithm = RsaKeyEncryptionKey.Algorithm,
            },
        };
        var blob = new BlobClient(storage.ConnectionString, "tips", ReportStore.ReportBlobName(id), options);
        await Assert.ThrowsAnyAsync<InvalidOperationException>(() => blob.DownloadContentAsync(Ct));
    }

    /// <summary>A 503 may follow a stored report (the queue failed): its text must hold either way.</summary>
    private static async Task AssertHonestUnavailableAsync(HttpResponseMessage response)
    {
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString();
        Assert.Contains("may not have reached us", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("nothing was kept", detail, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> PostWithKeyAsync(TestApp app, string key, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tips") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return await app.Http.SendAsync(request, Ct);
    }

    private static async Task<string?> ReceiptAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("receipt").GetString();

    internal static TipId ParseReceipt(string? receipt)
    {
        Assert.True(TipId.TryParse(receipt, out var id), "not a receipt: " + receipt);
        return id.Value;
    }

    /// <summary>The case's reports and messages: a web report's follow-up key and the tipster's copy (one per accepted request) are not reports.</summary>
    private async Task<List<string>> BlobNamesAsync(TipId id)
    {
        var names = new List<string>();
        await foreach (var blob in new BlobContainerClient(storage.ConnectionString, "tips").GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, id.Compact + "/", Ct))
        {
            if (!Hotline.FollowUp.Conversations.IsFollowUpLeaf(blob.Name[(id.Compact.Length + 1)..]))
            {
                names.Add(blob.Name);
            }
        }

        return names;
    }
}

/// <summary>Hands out the given ids first, then random ones: a collision on demand, nothing else faked.</summary>
internal sealed class TipIdSequence(params TipId[] first) : ITipIdSource
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<TipId> _next = new(first);

    public TipId Draw() => _next.TryDequeue(out var id) ? id : TipId.New();
}
