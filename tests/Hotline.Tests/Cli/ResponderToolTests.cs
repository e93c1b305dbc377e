using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hotline.Cases;
using Hotline.Tests.Dispatch;
using Hotline.Tests.Infrastructure;
using static Hotline.Tests.Infrastructure.TestTips;
using Hotline.Tips;

namespace Hotline.Tests.Cli;

/// <summary>
/// The responder's loop end to end: tips go in through the app's HTTP surface (web JSON, the form, signed
/// SMS with a follow-up and a STOP), and the <c>hotline</c> tool lists, reads, answers and manages them
/// on the same Azurite, with a passphrase-protected key the app never sees.
/// </summary>
public sealed partial class ResponderToolTests(OwnAzurite storage) : IClassFixture<OwnAzurite>, IAsyncLifetime
{
    private const string Passphrase = "a long passphrase for the on-call laptop";
    private const string PublicBase = "https://hotline.example.org";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("hotline-cli-");
    private TwilioStub _twilio = null!;
    private TestApp _app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string KeyDir => Path.Combine(_dir.FullName, "keys");

    public async ValueTask InitializeAsync()
    {
        _twilio = await TwilioStub.StartAsync();
        var init = await CliRun.RunAsync(Env(), _dir.FullName, ["keys", "init", "--dir", KeyDir]);
        Assert.Equal(0, init.Exit);
        _app = await StartAppAsync(await File.ReadAllTextAsync(Path.Combine(KeyDir, "hotline-public.pem"), Ct));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _twilio.DisposeAsync();
        _dir.Delete(recursive: true);
    }

    [Fact]
    public async Task Tips_CasesFromEveryChannel_ListWithoutTheKeyAndShowDecryptsTheExactText()
    {
        // Other tests of this class share the storage account: list this test's cases only.
        var since = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var arabic = "أخذوا جوازات سفرنا ونعمل في المزرعة بلا أجر 🙏 " + Guid.NewGuid();
        var web = await SubmitJsonAsync(arabic, "ar");
        var form = await SubmitFormAsync("We are not paid at the farm near Subotica " + Guid.NewGuid());
        var longest = string.Concat(Enumerable.Repeat("They moved us again at night. ", 400))[..(10_000 - 37)] + " " + Guid.NewGuid();
        var longCase = await SubmitJsonAsync(longest, "en");
        var phone = NewPhone();
        var farsi = "آنها ما را در یک خانه حبس کرده‌اند " + Guid.NewGuid();
        var sms = await TextAsync(phone, farsi);
        Assert.Equal(sms, await TextAsync(phone, "They moved us to a second house " + new string('ب', 10_000)[..1500]));
        await TextAsync(phone, "STOP");

        // Listing needs storage only: no key, no passphrase.
        var list = await CliRun.RunAsync(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = storage.ConnectionString }, _dir.FullName, ["tips", "list", "--since", since]);

        Assert.Equal(0, list.Exit);
        var rows = Rows(list.Stdout);
        Assert.Equal(4, rows.Count);
        Assert.Equal(sms.ToString(), rows[0][0]); // newest first
        Assert.Equal(["sms", "urgent", "new", "3", "PAUSED (STOP)"], rows[0][2..^1].Where((_, i) => i != 2).ToArray());

        // Its expiry: inactive for Hotline__Retention__InactiveDays (180 by default) after its last message, just now.
        var received = DateTime.ParseExact(rows[0][1], "yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(received.AddDays(180).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), rows[0][^1]);
        Assert.Contains(rows, r => r[0] == web.ToString() && r[2] == "web" && r[4] == "ar" && r[6] == "1");
        Assert.Contains(rows, r => r[0] == form.ToString());
        Assert.Contains("4 of 4 shown.", list.Stdout, StringComparison.Ordinal);
        Assert.Equal([sms.ToString()], Rows((await Cli("tips", "list", "--channel", "sms", "--since", since)).Stdout).Select(r => r[0]));
        Assert.DoesNotContain(arabic, list.Stdout, StringComparison.Ordinal);

        var shownWeb = await Cli("tips", "show", web.ToString());
        Assert.Equal(0, shownWeb.Exit);
        Assert.Contains("\n| " + arabic + "\n", shownWeb.Stdout, StringComparison.Ordinal);

        Assert.Equal(10_000, longest.Length);
        Assert.Contains("\n| " + longest + "\n", (await Cli("tips", "show", longCase.ToString())).Stdout, StringComparison.Ordinal);

        var shownSms = await Cli("tips", "show", sms.ToString());
        Assert.Contains("\n| " + farsi + "\n", shownSms.Stdout, StringComparison.Ordinal);
        Assert.Contains("CONTACT PAUSED", shownSms.Stdout, StringComparison.Ordinal);
        Assert.Matches("--- message 1 .*\n(.|\n)*--- message 2 .*\n(.|\n)*--- message 3 .* keyword STOP", shownSms.Stdout);
        Assert.DoesNotContain(phone, shownSms.Stdout, StringComparison.Ordinal);
        Assert.Contains($"from: +{phone[1..3]} {phone[3..5]}** *** *{phone[^2..]}", shownSms.Stdout, StringComparison.Ordinal);
        Assert.Contains($"from: {phone}", (await Cli("tips", "show", sms.ToString(), "--show-number")).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tips_ListPaging_WalksEveryCaseOnceNewestFirst()
    {
        // Other tests of this class share the storage account: page through this test's cases only.
        var since = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var receipts = new List<TipId>();
        for (var i = 0; i < 5; i++)
        {
            receipts.Add(await SubmitJsonAsync("We work without pay " + i + " " + Guid.NewGuid(), "en"));
        }

        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await Cli(token is null ? ["tips", "list", "--top", "2", "--since", since] : ["tips", "list", "--top", "2", "--since", since, "--continue", token]);
            Assert.Equal(0, page.Exit);
            seen.AddRange(Rows(page.Stdout).Select(r => r[0]));
            token = NextToken().Match(page.Stdout) is { Success: true } m ? m.Groups[1].Value : null;
        }
        while (token is not null);

        Assert.Equal(receipts.Select(r => r.ToString()).Reverse(), seen);
    }

    [Fact]
    public async Task Tips_StatusNoteAndReply_AreStoredEncryptedAuditedAndReachTheTipster()
    {
        var phone = NewPhone();
        var sms = await TextAsync(phone, "They took our passports at the farm " + Guid.NewGuid());
        var web = await SubmitJsonAsync("I saw children working at night " + Guid.NewGuid(), "en");
        var note = "Called the partner shelter in Subotica " + Guid.NewGuid();
        var reply = "We got your message. Are you safe now? " + Guid.NewGuid();

        Assert.Equal(0, (await Cli("tips", "status", sms.ToString(), "in-progress", "--as", "Amina")).Exit);
        Assert.Equal(0, (await Cli("tips", "note", sms.ToString(), note, "--as", "Amina")).Exit);
        var sent = await Cli("tips", "reply", sms.ToString(), reply, "--as", "Amina");

        Assert.Equal(0, sent.Exit);
        var request = Assert.Single(_twilio.Sms);
        Assert.Equal(phone, request.To);
        Assert.Equal(reply, request.SmsBody);

        // Twilio reports the reply's fate to the app, which deletes Twilio's copy once it is final (TipsReply_StatusCallbacks_...).
        Assert.Equal(PublicBase + "/api/sms/status", request.Form["StatusCallback"]);
        Assert.DoesNotContain("Twilio keeps its copy", sent.Stderr, StringComparison.Ordinal);
        Assert.Contains("in-progress", Rows((await Cli("tips", "list", "--status", "in-progress")).Stdout).Single(r => r[0] == sms.ToString()));
        var shown = (await Cli("tips", "show", sms.ToString())).Stdout;
        Assert.Contains("--- note ", shown, StringComparison.Ordinal);
        Assert.Contains("\n| " + note + "\n", shown, StringComparison.Ordinal);
        Assert.Contains("--- reply sent ", shown, StringComparison.Ordinal);
        Assert.Contains("\n| " + reply, shown, StringComparison.Ordinal);

        // In storage the note and the reply are envelopes like the report: nothing readable.
        var blobs = new BlobContainerClient(storage.ConnectionString, "tips");
        await foreach (var blob in blobs.GetBlobsAsync(new GetBlobsOptions { Prefix = sms.Compact + "/" }, Ct))
        {
            var content = (await blobs.GetBlobClient(blob.Name).DownloadContentAsync(Ct)).Value.Content.ToString();
            Assert.DoesNotContain(note[..20], content, StringComparison.Ordinal);
            Assert.DoesNotContain(reply[..20], content, StringComparison.Ordinal);
        }

        // A web case has no number to answer, and that is what the responder is told, Twilio configured or not
        // (without Twilio it said first that Twilio is not configured).
        // A web case's answer is sent nowhere: it is stored for the tipster, who reads it with the follow-up code.
        Assert.Contains("Stored for the tipster", (await Cli("tips", "reply", web.ToString(), "hello")).Stdout, StringComparison.Ordinal);
        var withoutTwilio = Env().Where(e => !e.Key.StartsWith("Twilio__", StringComparison.Ordinal)).ToDictionary();
        Assert.Contains("Stored for the tipster", (await CliRun.RunAsync(withoutTwilio, _dir.FullName, ["tips", "reply", web.ToString(), "hello"])).Stdout, StringComparison.Ordinal);

        // The audit log: who did what to which case, never what was said or to which number.
        // One log per month: read them all, so a test that runs across midnight on the 1st still finds its lines.
        var logs = new BlobContainerClient(storage.ConnectionString, AuditLog.ContainerName);
        var audit = new List<string>();
        await foreach (var month in logs.GetBlobsAsync(cancellationToken: Ct))
        {
            audit.AddRange((await logs.GetBlobClient(month.Name).DownloadContentAsync(Ct)).Value.Content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }

        Assert.Contains(audit, l => l.EndsWith($"\tAmina\tstatus in-progress\t{sms}", StringComparison.Ordinal));
        Assert.Contains(audit, l => l.EndsWith($"\tAmina\tnote\t{sms}", StringComparison.Ordinal));
        Assert.Contains(audit, l => l.EndsWith($"\tAmina\treply\t{sms}", StringComparison.Ordinal));
        Assert.All(audit, l => Assert.DoesNotContain(phone[3..], l, StringComparison.Ordinal));
        Assert.All(audit, l => Assert.DoesNotContain(reply[..20], l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TipsReply_AfterStop_IsRefusedAndForceNeedsTheReceiptTyped()
    {
        var phone = NewPhone();
        var sms = await TextAsync(phone, "They locked us in " + Guid.NewGuid());
        await TextAsync(phone, "STOP");

        Assert.Contains("texted STOP", (await Cli("tips", "reply", sms.ToString(), "Are you safe?")).OneErrorLine(), StringComparison.Ordinal);
        Assert.Contains("needs a confirmation", (await Cli("tips", "reply", sms.ToString(), "Are you safe?", "--force")).OneErrorLine(), StringComparison.Ordinal);
        var wrong = await CliRun.RunAsync(Env(), _dir.FullName, ["tips", "reply", sms.ToString(), "Are you safe?", "--force"], (_, _) => "yes");
        Assert.Contains("not confirmed", wrong.OneErrorLine(), StringComparison.Ordinal);
        Assert.Empty(_twilio.Sms);

        var typed = await CliRun.RunAsync(Env(), _dir.FullName, ["tips", "reply", sms.ToString(), "Are you safe?", "--force"], (_, secret) => secret ? Passphrase : sms.ToString());
        Assert.Equal(0, typed.Exit);
        Assert.Single(_twilio.Sms);
    }

    [Fact]
    public async Task TipsExportAndPurge_ExportIsOwnerOnlyAndPurgeLeavesNoBlobOfTheCase()
    {
        var text = "A man in Kumanovo keeps our documents " + Guid.NewGuid();
        var id = await SubmitJsonAsync(text, "en");
        var keep = await SubmitJsonAsync("Another case " + Guid.NewGuid(), "en");
        await Cli("tips", "note", id.ToString(), "referral to the police liaison");
        var file = Path.Combine(_dir.FullName, "referral.json");

        var export = await Cli("tips", "export", id.ToString(), "--out", file);

        Assert.Equal(0, export.Exit);
        Assert.Contains("plaintext", export.Stderr, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        using (var json = JsonDocument.Parse(await File.ReadAllTextAsync(file, Ct)))
        {
            Assert.Equal(text, json.RootElement.GetProperty("messages")[0].GetProperty("message").GetString());
            Assert.Equal("referral to the police liaison", json.RootElement.GetProperty("entries")[0].GetProperty("text").GetString());
        }

        Assert.Contains("needs a confirmation", (await Cli("tips", "purge", id.ToString())).OneErrorLine(), StringComparison.Ordinal);
        var purge = await Cli("tips", "purge", id.ToString(), "--yes");

        Assert.Equal(0, purge.Exit);
        Assert.Empty(await BlobsNamingAsync(id));
        Assert.NotEmpty(await BlobsNamingAsync(keep));
        Assert.Equal($"hotline: no case {id}.", (await Cli("tips", "show", id.ToString())).OneErrorLine());
        Assert.DoesNotContain(id.ToString(), (await Cli("tips", "list", "--top", "100000")).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TipsPurge_ClosedBefore_DeletesOnlyClosedCasesAndCountsThemInTheConfirmation()
    {
        var closed = new[] { await SubmitJsonAsync("Closed one " + Guid.NewGuid(), "en"), await SubmitJsonAsync("Closed two " + Guid.NewGuid(), "en") };
        var open = await SubmitJsonAsync("Still open " + Guid.NewGuid(), "en");
        foreach (var id in closed)
        {
            Assert.Equal(0, (await Cli("tips", "status", id.ToString(), "closed")).Exit);
        }

        var tomorrow = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var asked = new List<string>();
        var purge = await CliRun.RunAsync(Env(), _dir.FullName, ["tips", "purge", "--closed-before", tomorrow], (question, _) =>
        {
            asked.Add(question);
            return question.Contains("Type '", StringComparison.Ordinal) ? Regex.Match(question, "Type '([0-9]+)'").Groups[1].Value : null;
        });

        Assert.Equal(0, purge.Exit);
        Assert.Contains("closed cases for good", Assert.Single(asked), StringComparison.Ordinal);
        Assert.Contains("Purged 2 cases:", purge.Stdout, StringComparison.Ordinal);
        foreach (var id in closed)
        {
            Assert.Empty(await BlobsNamingAsync(id));
        }

        Assert.NotEmpty(await BlobsNamingAsync(open));
    }

    [Fact]
    public async Task KeysRotate_OldReportsStayReadableAndNewOnesUseTheNewKey()
    {
        var before = await SubmitJsonAsync("Before the rotation " + Guid.NewGuid(), "en");

        var rotate = await Cli("keys", "rotate", "--dir", KeyDir);
        Assert.Equal(0, rotate.Exit);
        await _app.DisposeAsync();
        _app = await StartAppAsync(await File.ReadAllTextAsync(Path.Combine(KeyDir, "hotline-public.pem"), Ct));
        var after = await SubmitJsonAsync("After the rotation " + Guid.NewGuid(), "en");

        Assert.Contains("Before the rotation", (await Cli("tips", "show", before.ToString())).Stdout, StringComparison.Ordinal);
        Assert.Contains("After the rotation", (await Cli("tips", "show", after.ToString())).Stdout, StringComparison.Ordinal);

        // Only the new key opens the new report: the old one alone cannot.
        var retired = Directory.GetFiles(KeyDir, "hotline-private-*.pem").Single();
        var oldOnly = Path.Combine(_dir.FullName, "old");
        Directory.CreateDirectory(oldOnly);
        File.Copy(retired, Path.Combine(oldOnly, "hotline-private.pem"));
        Assert.Contains("not among yours", (await Cli("tips", "show", after.ToString(), "--key", Path.Combine(oldOnly, "hotline-private.pem"))).OneErrorLine(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TipsShow_WrongPassphraseTamperedBlobOrUnknownReceipt_OneLineEach()
    {
        var id = await SubmitJsonAsync("Tampering target " + Guid.NewGuid(), "en");

        var wrong = await CliRun.RunAsync(new Dictionary<string, string?>(Env()) { ["HOTLINE_KEY_PASSPHRASE"] = "not the passphrase" }, _dir.FullName, ["tips", "show", id.ToString()]);
        Assert.Contains("wrong passphrase", wrong.OneErrorLine(), StringComparison.Ordinal);

        Assert.Equal("hotline: no case K7QF-2M9X-4TJD.", (await Cli("tips", "show", "K7QF-2M9X-4TJD")).OneErrorLine());
        Assert.Contains("is not a receipt", (await Cli("tips", "show", "../../etc")).OneErrorLine(), StringComparison.Ordinal);

        // Flip one byte of the ciphertext, keeping the encryption metadata.
        var blob = new BlobContainerClient(storage.ConnectionString, "tips").GetBlobClient(ReportStore.ReportBlobName(id));
        var properties = (await blob.GetPropertiesAsync(cancellationToken: Ct)).Value;
        var bytes = (await blob.DownloadContentAsync(Ct)).Value.Content.ToArray();
        bytes[100] ^= 0x55;
        await blob.UploadAsync(BinaryData.FromBytes(bytes), new BlobUploadOptions { Metadata = properties.Metadata }, Ct);

        Assert.Contains("does not decrypt", (await Cli("tips", "show", id.ToString())).OneErrorLine(), StringComparison.Ordinal);
        Assert.Contains("storage", (await CliRun.RunAsync(new Dictionary<string, string?>(Env()) { ["AzureWebJobsStorage"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;" }, _dir.FullName, ["tips", "list"])).OneErrorLine(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TipsShow_TextWithEscapesAndBidiOverrides_PrintsInert()
    {
        // The web API refuses control characters; an SMS body is whatever the phone sent.
        var hostile = "Pay \u001b[31mnow\u001b[0m to \u202Eevil\u202C \u2066x\u2069 \u0007\u009b2J done " + Guid.NewGuid();
        var id = await TextAsync(NewPhone(), hostile);

        var shown = (await Cli("tips", "show", id.ToString())).Stdout;

        foreach (var c in new[] { '\u001b', '\u202E', '\u202C', '\u2066', '\u2069', '\u0007', '\u009b' })
        {
            Assert.DoesNotContain(c, shown);
        }

        Assert.Contains("Pay \uFFFD[31mnow\uFFFD[0m to \uFFFDevil\uFFFD \uFFFDx\uFFFD \uFFFD\uFFFD2J done", shown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TipsReply_NoWebhookBase_SendsAndWarnsThatTwilioKeepsTheCopy()
    {
        var sms = await TextAsync(NewPhone(), "We are kept in a flat above the shop " + Guid.NewGuid());
        var environment = Env();
        environment.Remove("Twilio__WebhookBaseUrl");

        var sent = await CliRun.RunAsync(environment, _dir.FullName, ["tips", "reply", sms.ToString(), "Are you safe?"]);

        Assert.Equal(0, sent.Exit);
        Assert.Contains("warning: Twilio keeps its copy of this reply", sent.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("StatusCallback", _twilio.Sms[^1].Form.Keys);
    }

    [Fact]
    public async Task TipsReply_StatusCallbacks_TheAppDeletesTheReplysCopyAndNothingTheToolDidNotSend()
    {
        // Hardening 2 (issue 26, item 8): the app acts on a status callback only for a message recorded as sent. The
        // tool holds no pepper: it records its replies under a key from the Twilio auth token, with nothing in them.
        var sms = await TextAsync(NewPhone(), "We are kept in a flat above the shop " + Guid.NewGuid());
        var deletions = new Azure.Storage.Queues.QueueClient(storage.ConnectionString, "twilio-delete", new Azure.Storage.Queues.QueueClientOptions { MessageEncoding = Azure.Storage.Queues.QueueMessageEncoding.Base64 });
        await deletions.ClearMessagesAsync(Ct);
        var sent = await Cli("tips", "reply", sms.ToString(), "Are you safe now?");
        Assert.Equal(0, sent.Exit);
        Assert.DoesNotContain("warning", sent.Stderr, StringComparison.Ordinal);
        var sid = _twilio.Sms[^1].Sid!;
        var records = await SentRecordsAsync();
        Assert.All(records, r => Assert.Matches("^sent/[0-9a-f]{64}$", r.Name));
        Assert.All(records, r => Assert.Equal(string.Empty, r.Content));

        using (var other = await _app.Http.SendAsync((await TwilioStub.StatusCallbackAsync(PublicBase, TwilioStub.NewMessageSid(), "delivered"))(), Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, other.StatusCode);
        }

        Assert.Empty((await deletions.PeekMessagesAsync(cancellationToken: Ct)).Value);
        using var delivered = await _app.Http.SendAsync((await TwilioStub.StatusCallbackAsync(PublicBase, sid, "delivered"))(), Ct);

        Assert.Equal(HttpStatusCode.NoContent, delivered.StatusCode);
        var queued = Assert.Single((await deletions.PeekMessagesAsync(cancellationToken: Ct)).Value);
        Assert.Equal(sid, IntakeSecrets.FromPepper(TestKeys.PhonePepper).Open("twilio-delete", BinaryData.FromString(queued.MessageText)).ToString());
        Assert.Equal(records.Count - 1, (await SentRecordsAsync()).Count);
        await deletions.ClearMessagesAsync(Ct);
    }

    private async Task<List<(string Name, string Content)>> SentRecordsAsync()
    {
        var intake = new BlobContainerClient(storage.ConnectionString, "intake");
        var records = new List<(string Name, string Content)>();
        await foreach (var blob in intake.GetBlobsAsync(BlobTraits.None, BlobStates.None, "sent/", Ct))
        {
            records.Add((blob.Name, (await intake.GetBlobClient(blob.Name).DownloadContentAsync(Ct)).Value.Content.ToString()));
        }

        return records;
    }

    [GeneratedRegex(@"--continue (\S+)")]
    private static partial Regex NextToken();

    private Dictionary<string, string?> Env() => new()
    {
        ["AzureWebJobsStorage"] = storage.ConnectionString,
        ["Hotline__PrivateKeyPath"] = Path.Combine(KeyDir, "hotline-private.pem"),
        ["HOTLINE_KEY_PASSPHRASE"] = Passphrase,
        ["Twilio__AccountSid"] = TwilioStub.AccountSid,
        ["Twilio__AuthToken"] = TwilioStub.AuthToken,
        ["Twilio__PhoneNumber"] = TwilioStub.FromNumber,
        ["Twilio__ApiBaseUrl"] = _twilio.BaseAddress.ToString(),
        ["Twilio__WebhookBaseUrl"] = PublicBase,
        ["USER"] = "night-desk",
    };

    private Task<CliRun> Cli(params string[] args) => CliRun.RunAsync(Env(), _dir.FullName, args);

    /// <summary>The table's data rows, as cells (Spectre's simple border: columns split by runs of two spaces or more).</summary>
    private static List<string[]> Rows(string stdout) =>
        stdout.Split('\n')
            .Select(l => l.Trim())
            .Where(l => Regex.IsMatch(l, "^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4} "))
            .Select(l => Regex.Split(l, @"\s{2,}"))
            .ToList();

    private async Task<TestApp> StartAppAsync(string publicKeyPem)
    {
        var settings = TestApp.BaseSettings(storage.ConnectionString);
        settings["Hotline:PublicKeyPem"] = publicKeyPem;
        foreach (var (key, value) in _twilio.AppSettings(PublicBase))
        {
            settings[key] = value;
        }

        settings["Responders:0:Name"] = "On call";
        settings["Responders:0:Phone"] = "+447700900999";

        // Deletions of Twilio's copies are queued visible at once (nothing here takes them), so a test can read them.
        settings["Hotline:Twilio:DeleteAfter"] = "00:00:00";
        return await TestApp.StartAsync(settings, cancellationToken: Ct);
    }

    private async Task<TipId> SubmitJsonAsync(string message, string language)
    {
        using var response = await _app.Http.PostAsJsonAsync("/api/tips", new { message, language }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return ReceiptIn((await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("receipt").GetString());
    }

    private async Task<TipId> SubmitFormAsync(string message)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["message"] = message, ["language"] = "en" });
        using var response = await _app.Http.PostAsync(new Uri("/api/tips", UriKind.Relative), form, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return ReceiptIn(await response.Content.ReadAsStringAsync(Ct));
    }

    private async Task<TipId> TextAsync(string phone, string body)
    {
        using var request = (await TwilioStub.InboundSmsAsync(PublicBase, phone, body))();
        using var response = await _app.Http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = await response.Content.ReadAsStringAsync(Ct);
        return body == "STOP" ? default : ReceiptIn(reply);
    }

    private async Task<List<string>> BlobsNamingAsync(TipId id)
    {
        var found = new List<string>();
        var service = new BlobServiceClient(storage.ConnectionString);
        await foreach (var container in service.GetBlobContainersAsync(cancellationToken: Ct))
        {
            await foreach (var blob in service.GetBlobContainerClient(container.Name).GetBlobsAsync(cancellationToken: Ct))
            {
                if (blob.Name.Contains(id.Compact, StringComparison.Ordinal) || blob.Name.Contains(id.ToString(), StringComparison.Ordinal))
                {
                    found.Add($"{container.Name}/{blob.Name}");
                }
            }
        }

        return found;
    }
}
