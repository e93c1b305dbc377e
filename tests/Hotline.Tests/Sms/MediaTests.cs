using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Queues;
using Hotline.Encryption;
using Hotline.Sms;
using Hotline.Tests.Cli;
using Hotline.Tests.Dispatch;
using Hotline.Tests.Infrastructure;
using static Hotline.Tests.Infrastructure.TestTips;
using Hotline.Tests.Reliability;
using Hotline.Tips;

namespace Hotline.Tests.Sms;

/// <summary>
/// MMS evidence: each media item is fetched from Twilio off the webhook's path (with the account's credentials),
/// encrypted into the case, recorded with its type, size and SHA-256 (never its URL), and only then is the message
/// deleted at Twilio. Refused types are recorded, not kept; failures are retried with back-off and, when they keep
/// failing, leave the message at Twilio, say so in the case and tell the responders.
/// </summary>
public sealed class MediaTests(OwnAzurite storage) : IClassFixture<OwnAzurite>, IAsyncLifetime
{
    private const string Responder = "+447700900555";
    private TwilioStub _twilio = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _twilio = await TwilioStub.StartAsync();
        foreach (var name in new[] { "sms-media", "sms-media-poison", "twilio-delete" })
        {
            var queue = storage.Queue(name);
            await queue.CreateIfNotExistsAsync(cancellationToken: Ct);
            await queue.ClearMessagesAsync(Ct);
        }
    }

    public async ValueTask DisposeAsync() => await _twilio.DisposeAsync();

    [Fact]
    public async Task FetchMedia_TwoImagesAndARefusedType_StoresBothEncryptedThenDeletesTheMessage()
    {
        await using var app = await StartAsync(storage.ConnectionString);
        var sid = PrivacyCanaries.Register(TwilioStub.NewMessageSid("MM"));
        var (jpeg, png) = (RandomNumberGenerator.GetBytes(150_000), RandomNumberGenerator.GetBytes(40_000));
        var media = new[]
        {
            (Url: PrivacyCanaries.Register(_twilio.AddMedia(sid, "image/jpeg", jpeg)), ContentType: "image/jpeg"),
            (Url: PrivacyCanaries.Register(_twilio.AddMedia(sid, "text/vcard", Encoding.UTF8.GetBytes("BEGIN:VCARD\nFN:Boss\nEND:VCARD"))), ContentType: "text/vcard"),
            (Url: PrivacyCanaries.Register(_twilio.AddMedia(sid, "image/png", png)), ContentType: "image/png"),
        };
        var phone = PrivacyCanaries.Register("+447700900401");
        var text = PrivacyCanaries.Register("This is the passport they took " + Guid.NewGuid());
        var (request, _) = await TwilioStub.InboundAsync(TipTraffic.PublicBase, phone, text, media.Select(m => (m.Url, m.ContentType)).ToList(), sid);

        // What is stored at the moment Twilio is asked to delete the message.
        var blobsAtDelete = new List<string>();
        _twilio.Observe = async seen =>
        {
            if (seen.IsMessageDelete)
            {
                blobsAtDelete.AddRange(await BlobNamesAsync());
            }
        };

        using var response = await app.Http.SendAsync(request(), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var id = ReceiptIn(await response.Content.ReadAsStringAsync(Ct));
        await Eventually.TrueAsync(() => Task.FromResult(_twilio.Deletes.Any(d => d.Answer == StubAnswer.Ok)), TimeSpan.FromSeconds(30));

        // Two encrypted blobs with exactly the bytes Twilio served, and the record; nothing of the vCard.
        var record = MediaRecord.FromUtf8Json((await TestKeys.DecryptAsync(storage.ConnectionString, ReportStore.MediaRecordBlobName(id, 1), Ct)).Span);
        Assert.Equal(
            [(1, "stored", "image/jpeg", (long?)jpeg.Length), (2, "refused", "text/vcard", 29), (3, "stored", "image/png", png.Length)],
            record.Items.Select(i => (i.Index, i.State, i.ContentType, i.Size)));
        Assert.Equal(jpeg, (await TestKeys.DecryptAsync(storage.ConnectionString, record.Items[0].Blob!, Ct)).ToArray());
        Assert.Equal(png, (await TestKeys.DecryptAsync(storage.ConnectionString, record.Items[2].Blob!, Ct)).ToArray());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(jpeg)), record.Items[0].Sha256);
        Assert.Equal("type not allowed", record.Items[1].Reason);
        Assert.Null(record.Items[1].Blob);
        Assert.Equal(
            [$"{id.Compact}/media-0001", $"{id.Compact}/media-0001-1", $"{id.Compact}/media-0001-3", $"{id.Compact}/report"],
            (await BlobNamesAsync()).Where(n => n.StartsWith(id.Compact, StringComparison.Ordinal)).Order(StringComparer.Ordinal));

        // The envelope names the blobs and declared types, never the URLs.
        var report = await TestKeys.DecryptReportAsync(storage.ConnectionString, ReportStore.ReportBlobName(id), Ct);
        Assert.Equal([$"{id.Compact}/media-0001-1", $"{id.Compact}/media-0001-2", $"{id.Compact}/media-0001-3"], report.Sms!.Media!.Select(m => m.Blob));
        Assert.Null(report.Sms.MediaUrls);
        Assert.DoesNotContain("api.twilio.com", Encoding.UTF8.GetString(report.ToUtf8Json()), StringComparison.Ordinal);

        // Fetched with the account's credentials from the API host; its storage got none. One DELETE, after the blobs.
        Assert.Equal(3, _twilio.MediaFetches.Count);
        Assert.All(_twilio.MediaFetches, f => Assert.StartsWith("Basic ", f.Authorization, StringComparison.Ordinal));
        Assert.All(_twilio.Requests.Where(r => r.IsStorageFetch), f => Assert.Equal(string.Empty, f.Authorization));
        var delete = Assert.Single(_twilio.Deletes);
        Assert.EndsWith($"/Messages/{sid}.json", delete.Path, StringComparison.Ordinal);
        Assert.Contains($"{id.Compact}/media-0001", blobsAtDelete);
        Assert.Contains($"{id.Compact}/media-0001-1", blobsAtDelete);
        Assert.Contains($"{id.Compact}/media-0001-3", blobsAtDelete);

        await AssertNothingLeakedAsync(app, [sid, phone, text, .. media.Select(m => m.Url), .. media.Select(m => m.Url[(m.Url.LastIndexOf('/') + 1)..])]);
    }

    [Fact]
    public async Task FetchMedia_DownloadFailsThreeTimesThenSucceeds_EndsInOneCopy()
    {
        await using var app = await StartAsync(storage.ConnectionString);
        var failures = 0;
        _twilio.Answer = r => r.IsMediaFetch && Interlocked.Increment(ref failures) <= 3 ? StubAnswer.ServerError : StubAnswer.Ok;
        var sid = PrivacyCanaries.Register(TwilioStub.NewMessageSid("MM"));
        var photo = RandomNumberGenerator.GetBytes(20_000);
        var url = PrivacyCanaries.Register(_twilio.AddMedia(sid, "image/jpeg", photo));
        var (request, _) = await TwilioStub.InboundAsync(TipTraffic.PublicBase, "+447700900402", "the van", [(url, "image/jpeg")], sid);

        using var response = await app.Http.SendAsync(request(), Ct);
        var id = ReceiptIn(await response.Content.ReadAsStringAsync(Ct));
        await Eventually.TrueAsync(() => Task.FromResult(_twilio.Deletes.Count > 0), TimeSpan.FromSeconds(30));

        // Two requests per attempt (MaxRetries 1): the job was queued again once, with back-off, then succeeded.
        Assert.Equal([StubAnswer.ServerError, StubAnswer.ServerError, StubAnswer.ServerError, StubAnswer.Ok], _twilio.MediaFetches.Select(f => f.Answer));
        Assert.Contains("attempt 1 failed (HttpRequestException); trying again", app.Logs.AllText, StringComparison.Ordinal);
        Assert.Equal([$"{id.Compact}/media-0001", $"{id.Compact}/media-0001-1", $"{id.Compact}/report"], (await BlobNamesAsync()).Where(n => n.StartsWith(id.Compact, StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal(photo, (await TestKeys.DecryptAsync(storage.ConnectionString, ReportStore.MediaBlobName(id, 1, 1), Ct)).ToArray());
        Assert.Single(_twilio.Deletes);
        await Eventually.TrueAsync(async () => await CountAsync("sms-media") == 0, TimeSpan.FromSeconds(10));

        // Retries and their failures are logged by name, never with the URL or the MessageSid.
        await AssertNothingLeakedAsync(app, [sid, url, url[(url.LastIndexOf('/') + 1)..], "+447700900402"]);
    }

    [Fact]
    public async Task FetchMedia_StorageFailsAfterTheDownload_DeletesNothingUntilItIsStored()
    {
        await using var outage = new StorageOutage(storage);

        // The failed run cannot give its message back while storage is down (the listener's update fails too), so
        // the message returns when its lease runs out: a short lease keeps that wait inside the test's patience.
        await using var app = await StartAsync(outage.ConnectionString, messageLease: TimeSpan.FromSeconds(5));
        app.Http.Timeout = TimeSpan.FromSeconds(60);
        var sid = TwilioStub.NewMessageSid("MM");
        var photo = RandomNumberGenerator.GetBytes(30_000);
        var (request, _) = await TwilioStub.InboundAsync(TipTraffic.PublicBase, "+447700900403", "the room", [(_twilio.AddMedia(sid, "image/jpeg", photo), "image/jpeg")], sid);

        // The download is answered only once storage is down: the bytes arrive and cannot be stored.
        var held = new TaskCompletionSource();
        _twilio.Observe = seen => seen.IsStorageFetch ? held.Task : Task.CompletedTask;
        using var response = await app.Http.SendAsync(request(), Ct);
        var id = ReceiptIn(await response.Content.ReadAsStringAsync(Ct));
        await Eventually.TrueAsync(() => Task.FromResult(_twilio.Requests.Any(r => r.IsStorageFetch)), TimeSpan.FromSeconds(20));
        outage.Down();
        held.SetResult();

        // The attempt that could not store the bytes has ended (the listener says the run failed): whatever it would
        // have deleted, it would have deleted by now.
        await Eventually.TrueAsync(() => Task.FromResult(app.Logs.Lines.Any(l => l.Contains("FetchMedia failed for message", StringComparison.Ordinal))), TimeSpan.FromSeconds(60), "the attempt failed");
        Assert.Empty(_twilio.Deletes);

        outage.Up();
        await Eventually.TrueAsync(() => Task.FromResult(_twilio.Deletes.Count > 0), TimeSpan.FromSeconds(60));
        Assert.Equal(photo, (await TestKeys.DecryptAsync(storage.ConnectionString, ReportStore.MediaBlobName(id, 1, 1), Ct)).ToArray());
        Assert.All(_twilio.Deletes, d => Assert.EndsWith($"/Messages/{sid}.json", d.Path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task FetchMedia_KeepsFailing_SaysSoInTheCaseKeepsTheMessageAndTellsResponders()
    {
        await using var app = await StartAsync(storage.ConnectionString, maxAttempts: 2);
        _twilio.Answer = r => r.IsMediaFetch ? StubAnswer.ServerError : StubAnswer.Ok;
        var sid = TwilioStub.NewMessageSid("MM");
        var (request, _) = await TwilioStub.InboundAsync(TipTraffic.PublicBase, "+447700900404", "voice note", [(_twilio.AddMedia(sid, "audio/amr", [1, 2, 3]), "audio/amr")], sid);

        using var response = await app.Http.SendAsync(request(), Ct);
        var id = ReceiptIn(await response.Content.ReadAsStringAsync(Ct));
        await Eventually.TrueAsync(() => Task.FromResult(_twilio.Sms.Any(s => s.To == Responder)), TimeSpan.FromSeconds(30));

        var notice = Assert.Single(_twilio.Sms, s => s.To == Responder);
        Assert.Contains("HOTLINE: MEDIA OF A REPORT NOT STORED", notice.SmsBody, StringComparison.Ordinal);
        Assert.Contains(id.ToString(), notice.SmsBody, StringComparison.Ordinal);
        Assert.Equal(TipTraffic.PublicBase + "/api/sms/status", notice.Form["StatusCallback"]); // alerts are deleted at Twilio too, once final
        var record = MediaRecord.FromUtf8Json((await TestKeys.DecryptAsync(storage.ConnectionString, ReportStore.MediaRecordBlobName(id, 1), Ct)).Span);
        var item = Assert.Single(record.Items);
        Assert.Equal((MediaStates.Failed, "Twilio answered HTTP 500", "audio/amr"), (item.State, item.Reason, item.ContentType));
        Assert.False(record.Complete);

        // The job leaves its queue only after its last run, and a further attempt would be queued before that: once
        // the queue is empty, no fetch is to come. A deletion leaves its queue only once done: that queue, then the stub.
        await Eventually.TrueAsync(async () => await CountAsync("sms-media") == 0, TimeSpan.FromSeconds(10), "the job settled");
        Assert.Equal(0, await CountAsync(Hotline.Storage.StorageNames.ProviderCopiesQueue));
        Assert.Empty(_twilio.Deletes);
        Assert.Equal(4, _twilio.MediaFetches.Count);
    }

    [Fact]
    public async Task FetchMediaPoison_JobThatFailedEveryDelivery_TellsEveryResponder()
    {
        await using var app = await StartAsync(storage.ConnectionString);
        var job = new MediaJob("K7QF-2M9X-4TJD", 2, TwilioStub.NewMessageSid("MM"), DateTimeOffset.UtcNow, Hotline.Triage.Urgency.High, "ar", [new InboundMedia("https://api.twilio.com/x", "image/jpeg")]);
        var json = JsonSerializer.SerializeToUtf8Bytes(job);
        var sealedJob = IntakeSecrets.FromPepper(TestKeys.PhonePepper).Seal("sms-media", BinaryData.FromBytes(json)).ToString();

        await storage.Queue("sms-media-poison").SendMessageAsync(sealedJob, Ct);

        await Eventually.TrueAsync(() => Task.FromResult(_twilio.Sms.Any(s => s.To == Responder)), TimeSpan.FromSeconds(20));
        var notice = Assert.Single(_twilio.Sms, s => s.To == Responder);
        Assert.Contains("MEDIA OF A REPORT NOT STORED", notice.SmsBody, StringComparison.Ordinal);
        Assert.Contains("K7QF-2M9X-4TJD", notice.SmsBody, StringComparison.Ordinal);
        Assert.DoesNotContain(job.MessageSid, app.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TipsMedia_StoredMms_ShowsEntriesAndWritesTheFilesReadableByTheResponderOnly()
    {
        await using var app = await StartAsync(storage.ConnectionString);
        var sid = TwilioStub.NewMessageSid("MM");
        var photo = RandomNumberGenerator.GetBytes(12_345);
        var (request, _) = await TwilioStub.InboundAsync(
            TipTraffic.PublicBase, "+447700900405", "the boss's car", [(_twilio.AddMedia(sid, "image/jpeg", photo), "image/jpeg"), (_twilio.AddMedia(sid, "application/x-msdownload", new byte[5000]), "application/x-msdownload")], sid);
        using var response = await app.Http.SendAsync(request(), Ct);
        var id = ReceiptIn(await response.Content.ReadAsStringAsync(Ct));
        await Eventually.TrueAsync(() => Task.FromResult(_twilio.Deletes.Count > 0), TimeSpan.FromSeconds(30));
        var folder = Directory.CreateTempSubdirectory("hotline-media-");
        File.WriteAllText(Path.Combine(folder.FullName, "responder.pem"), TestKeys.PrivateKeyPem);
        var environment = new Dictionary<string, string?> { ["AzureWebJobsStorage"] = storage.ConnectionString, ["Hotline__PrivateKeyPath"] = Path.Combine(folder.FullName, "responder.pem"), ["Hotline__ResponderName"] = "amira" };

        var show = await CliRun.RunAsync(environment, folder.FullName, ["tips", "show", id.ToString()]);
        var written = await CliRun.RunAsync(environment, folder.FullName, ["tips", "media", id.ToString(), "--out", "evidence"]);
        var again = await CliRun.RunAsync(environment, folder.FullName, ["tips", "media", id.ToString(), "--out", "evidence"]);

        Assert.Equal(0, show.Exit);
        Assert.Contains($"media 1: image/jpeg, 12.1 KiB, sha256 {Convert.ToHexStringLower(SHA256.HashData(photo))} (stored", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("media 2: application/x-msdownload, 4.9 KiB - REFUSED (type not allowed)", show.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("api.twilio.com", show.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, written.Exit);
        var file = Path.Combine(folder.FullName, "evidence", $"{id}-m1-1.jpg");
        Assert.Equal(photo, File.ReadAllBytes(file));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(folder.FullName, "evidence")));
        }

        Assert.Single(Directory.GetFiles(Path.Combine(folder.FullName, "evidence")));
        Assert.Contains("exists; choose another directory", again.OneErrorLine(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TipsMedia_StoredBytesReplaced_RefusesWithOneLine()
    {
        await using var app = await StartAsync(storage.ConnectionString);
        var sid = TwilioStub.NewMessageSid("MM");
        var (request, _) = await TwilioStub.InboundAsync(TipTraffic.PublicBase, "+447700900406", "photo", [(_twilio.AddMedia(sid, "image/jpeg", RandomNumberGenerator.GetBytes(2000)), "image/jpeg")], sid);
        using var response = await app.Http.SendAsync(request(), Ct);
        var id = ReceiptIn(await response.Content.ReadAsStringAsync(Ct));
        await Eventually.TrueAsync(() => Task.FromResult(_twilio.Deletes.Count > 0), TimeSpan.FromSeconds(30));

        // Someone with write access puts other bytes, properly encrypted to the responders' key, in its place.
        using var key = RsaKeyEncryptionKey.FromPublicKeyPem(TestKeys.PublicKeyPem);
        var encrypting = new SpecializedBlobClientOptions
        {
            ClientSideEncryption = new ClientSideEncryptionOptions(ClientSideEncryptionVersion.V2_0) { KeyEncryptionKey = key, KeyWrapAlgorithm = RsaKeyEncryptionKey.Algorithm },
        };
        await new BlobClient(storage.ConnectionString, "tips", ReportStore.MediaBlobName(id, 1, 1), encrypting).UploadAsync(BinaryData.FromBytes(RandomNumberGenerator.GetBytes(2000)), overwrite: true, Ct);
        var folder = Directory.CreateTempSubdirectory("hotline-media-");
        File.WriteAllText(Path.Combine(folder.FullName, "responder.pem"), TestKeys.PrivateKeyPem);
        var environment = new Dictionary<string, string?> { ["AzureWebJobsStorage"] = storage.ConnectionString, ["Hotline__PrivateKeyPath"] = Path.Combine(folder.FullName, "responder.pem") };

        var run = await CliRun.RunAsync(environment, folder.FullName, ["tips", "media", id.ToString(), "--out", "evidence"]);

        Assert.Contains("is not the file that was fetched (its SHA-256 differs)", run.OneErrorLine(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(folder.FullName, "evidence")));
    }

    [Theory]
    [InlineData("2")]
    [InlineData("LANG")]
    [InlineData("Lang 2")]
    [InlineData("STOP")]
    public async Task FetchMedia_KeywordOrMenuNumberWithAPhotoFromANumberWithNoCase_StoresTheMessageAndThePhoto(string body)
    {
        // Hardening 2 (issue 26, item 3): the text was taken as a command and the photo was never fetched.
        await using var app = await StartAsync(storage.ConnectionString);
        var sid = TwilioStub.NewMessageSid("MM");
        var photo = RandomNumberGenerator.GetBytes(10_000);
        var (request, _) = await TwilioStub.InboundAsync(TipTraffic.PublicBase, NewPhone(), body, [(_twilio.AddMedia(sid, "image/jpeg", photo), "image/jpeg")], sid);

        using var response = await app.Http.SendAsync(request(), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // Stored before the answer, as a report of its own case; its text may still act as the keyword.
        var (id, report) = await ReportOfAsync(sid);
        Assert.Equal(body, report.Message);
        Assert.Equal(body == "STOP" ? (true, "STOP") : (null, body == "2" ? null : "LANG"), (report.Sms!.ContactPaused, report.Sms.Keyword));
        var media = Assert.Single(report.Sms.Media!);
        Assert.Equal(MediaStates.Expected, media.State);

        await Eventually.TrueAsync(() => Task.FromResult(_twilio.Deletes.Any(d => d.Answer == StubAnswer.Ok)), TimeSpan.FromSeconds(30));
        Assert.Equal(photo, (await TestKeys.DecryptAsync(storage.ConnectionString, ReportStore.MediaBlobName(id, 1, 1), Ct)).ToArray());
    }

    public static TheoryData<string> NotThisMessagesMedia() => ["after another path", "with %2f segments", "of another message"];

    [Theory]
    [MemberData(nameof(NotThisMessagesMedia))]
    public async Task FetchMedia_UrlThatIsNotExactlyAMediaOfThisMessage_IsNeverFetchedWithTheCredentials(string how)
    {
        // Hardening 2 (issue 26, item 7): the check was a substring test on the path.
        await using var app = await StartAsync(storage.ConnectionString);
        var sid = TwilioStub.NewMessageSid("MM");
        var photo = RandomNumberGenerator.GetBytes(8_000);
        var genuine = _twilio.AddMedia(sid, "image/jpeg", photo);
        var other = _twilio.AddMedia(sid, "image/png", RandomNumberGenerator.GetBytes(4_000));
        var hostile = how switch
        {
            "after another path" => other.Replace("/2010-04-01/", $"/2010-04-01/Accounts/{TwilioStub.AccountSid}/Recordings/RE1.mp3/x/", StringComparison.Ordinal),
            "with %2f segments" => other + "%2f..%2f..%2f..%2f..%2fRecordings%2fRE1.mp3",
            _ => _twilio.AddMedia(TwilioStub.NewMessageSid("MM"), "image/png", RandomNumberGenerator.GetBytes(4_000)),
        };
        var (request, _) = await TwilioStub.InboundAsync(TipTraffic.PublicBase, NewPhone(), "the car", [(genuine, "image/jpeg"), (hostile, "image/png")], sid);

        using var response = await app.Http.SendAsync(request(), Ct);
        var id = ReceiptIn(await response.Content.ReadAsStringAsync(Ct));
        await Eventually.TrueAsync(async () => (await BlobNamesAsync()).Contains(ReportStore.MediaRecordBlobName(id, 1)), TimeSpan.FromSeconds(30));

        // The account's credentials went to the genuine item's URL only.
        var credentialed = Assert.Single(_twilio.Requests, r => r.Method == "GET" && !string.IsNullOrEmpty(r.Authorization));
        Assert.Equal(new Uri(genuine).AbsolutePath, credentialed.Path);
        var record = MediaRecord.FromUtf8Json((await TestKeys.DecryptAsync(storage.ConnectionString, ReportStore.MediaRecordBlobName(id, 1), Ct)).Span);
        Assert.Equal([(1, MediaStates.Stored), (2, MediaStates.Failed)], record.Items.Select(i => (i.Index, i.State)));
        Assert.Equal("not a media URL of this message at Twilio: not fetched", record.Items[1].Reason);
        Assert.Equal(photo, (await TestKeys.DecryptAsync(storage.ConnectionString, ReportStore.MediaBlobName(id, 1, 1), Ct)).ToArray());

        // Not refused either: the message stays at Twilio (what it really brought may be there) and responders are told.
        await Eventually.TrueAsync(() => Task.FromResult(_twilio.Sms.Any(s => s.To == Responder)), TimeSpan.FromSeconds(30));
        Assert.Contains("MEDIA OF A REPORT NOT STORED", Assert.Single(_twilio.Sms, s => s.To == Responder).SmsBody, StringComparison.Ordinal);
        Assert.Empty(_twilio.Deletes);
    }

    private async Task<List<string>> BlobNamesAsync()
    {
        var names = new List<string>();
        await foreach (var blob in new BlobContainerClient(storage.ConnectionString, "tips").GetBlobsAsync(cancellationToken: Ct))
        {
            names.Add(blob.Name);
        }

        return names;
    }

    // A number of its own for each run of a theory: rows sharing one would share a case.
    private static string NewPhone() => "+4477009" + Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The case whose report came from message <paramref name="messageSid"/>, and that report.</summary>
    private async Task<(TipId Id, TipReport Report)> ReportOfAsync(string messageSid)
    {
        foreach (var name in (await BlobNamesAsync()).Where(n => n.EndsWith("/report", StringComparison.Ordinal)))
        {
            var report = await TestKeys.DecryptReportAsync(storage.ConnectionString, name, Ct);
            if (report.Sms?.MessageSid == messageSid)
            {
                return (TipId.TryParse(report.TipId, out var id) ? id.Value : throw new InvalidOperationException(report.TipId), report);
            }
        }

        Assert.Fail("no report holds the message");
        return default;
    }

    private async Task<int> CountAsync(string queue) => (await storage.Queue(queue).GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount;

    /// <summary>No secret in the app's logs, in any blob's name or metadata (every container), or in any queue still holding messages.</summary>
    private async Task AssertNothingLeakedAsync(TestApp app, IReadOnlyList<string> secrets)
    {
        var seen = new StringBuilder(app.Logs.AllText);
        var service = new BlobServiceClient(storage.ConnectionString);
        await foreach (var container in service.GetBlobContainersAsync(cancellationToken: Ct))
        {
            await foreach (var blob in service.GetBlobContainerClient(container.Name).GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata }, Ct))
            {
                seen.Append('\n').Append(blob.Name).Append(' ').AppendJoin(' ', blob.Metadata.Select(m => m.Key + "=" + m.Value));
            }
        }

        foreach (var name in new[] { "sms-media", "sms-media-poison", "twilio-delete", "twilio-delete-poison", "triage" })
        {
            var raw = new QueueClient(storage.ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
            if ((await raw.ExistsAsync(Ct)).Value)
            {
                foreach (var message in (await raw.PeekMessagesAsync(32, Ct)).Value)
                {
                    seen.Append('\n').Append(Encoding.UTF8.GetString(Convert.FromBase64String(message.MessageText)));
                }
            }
        }

        var text = seen.ToString();
        foreach (var secret in secrets.Concat(secrets.Where(s => s.StartsWith('+')).Select(s => s[1..])))
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    private async Task<TestApp> StartAsync(string connectionString, int maxAttempts = 6, TimeSpan? messageLease = null)
    {
        var settings = TestApp.BaseSettings(connectionString);
        foreach (var (key, value) in new Dictionary<string, string?>
        {
            ["AzureWebJobs:FetchMedia:Disabled"] = "false",
            ["AzureWebJobs:FetchMediaPoison:Disabled"] = "false",
            ["AzureWebJobs:DeleteProviderCopy:Disabled"] = "false",
            ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.200",
            ["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:00.500",
            ["Hotline:Twilio:DeleteAfter"] = "00:00:00",
            ["Hotline:Media:RetryDelay"] = "00:00:00.100",
            ["Hotline:Media:MaxAttempts"] = maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Hotline:Dispatch:Http:AttemptTimeout"] = "00:00:01",
            ["Hotline:Dispatch:Http:MaxRetries"] = "1",
            ["Hotline:Dispatch:Http:RetryBaseDelay"] = "00:00:00.020",
            ["Responders:0:Name"] = "On call",
            ["Responders:0:Phone"] = Responder,
        }.Concat(_twilio.AppSettings(TipTraffic.PublicBase)))
        {
            settings[key] = value;
        }

        if (messageLease is { } lease)
        {
            settings["Hotline:Queues:MessageLease"] = lease.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        }

        return await TestApp.StartAsync(settings, cancellationToken: Ct);
    }
}
