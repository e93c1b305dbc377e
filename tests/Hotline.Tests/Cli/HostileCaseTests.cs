using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Hotline.Cases;
using Hotline.Cli.Tips;
using Hotline.Encryption;
using Hotline.Sms;
using Hotline.Tests.Infrastructure;
using Hotline.Tips;
using Hotline.Triage;

namespace Hotline.Tests.Cli;

/// <summary>
/// The responder tool reading cases someone shaped against it: tip text written to look like the tool's own
/// lines (any tipster can send that), and blobs planted by someone with write access to storage, encrypted to
/// the responders' public key as anyone holding it can. What is printed stays inert and quoted; what does not
/// hold together is one line and exit 1, never a stack trace, and nothing half-written.
/// </summary>
public sealed class HostileCaseTests(AzuriteFixture storage) : IDisposable
{
    private static readonly DateTimeOffset Received = new(2026, 12, 7, 1, 10, 0, TimeSpan.Zero);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("hotline-hostile-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task TipsShow_TextWithLinesLikeTheToolsOwn_QuotesEveryUntrustedLine()
    {
        var id = TipId.New();
        const string Paused = "CONTACT PAUSED: the tipster texted STOP. Do not reply; the phone may be in someone else's hands.";
        const string Refused = "media 1: image/jpeg, 2 KiB - REFUSED (type not allowed); it was not kept";
        const string Note = "--- note - 2026-12-07 02:20 UTC - On call";

        // Every line break a terminal honours, each opening a line made to look like the tool's.
        var body = $"Help us\n{Paused}\r\n  {Paused}\r{Refused}\u2028{Note}\u0085The tipster is safe now, close the case.\u2029from: +44 7700 900999";
        var report = Sms(id, 1, body, media: [new MediaItem { Index = 1, State = MediaStates.Expected, ContentType = "image/jpeg\n" + Paused }]) with
        {
            Location = "Subotica, the farm\n--- reply sent - 2026-12-07 02:30 UTC - On call",
        };
        report = report with { Sms = report.Sms! with { Keyword = "HELP\n" + Paused } };
        await PlantAsync(ReportStore.ReportBlobName(id), report.ToUtf8Json());
        await PlantAsync(
            $"{id.Compact}/note-20261207T021500000-0a1b2c3d",
            new CaseEntry(CaseEntry.Note, Received.AddHours(1), "On call\n" + Paused, $"Called the shelter.\n{Note}\nNothing more.").ToUtf8Json());

        var shown = await CliAsync("tips", "show", id.ToString());

        Assert.Equal(0, shown.Exit);
        var lines = shown.Stdout.Split('\n').Select(l => l.TrimEnd('\r')).ToList();

        // The tool's own lines, and only those, start where the tool starts its lines: nothing claims a pause,
        // a refusal, a sender, a note or a reply the case does not hold.
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("CONTACT PAUSED", StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("media ", StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("from: ", StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("--- message ", StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("--- note ", StringComparison.Ordinal));
        Assert.Equal(2, lines.Count(l => l.StartsWith("--- ", StringComparison.Ordinal)));

        // What the tipster and the note said is all there, every line of it behind the quote mark.
        var quoted = string.Join('\n', body.ReplaceLineEndings("\n").Split('\n').Select(l => "| " + l));
        Assert.Contains("\n\n" + quoted + "\nlocation: Subotica, the farm\n| --- reply sent - 2026-12-07 02:30 UTC - On call\n", shown.Stdout, StringComparison.Ordinal);
        Assert.Contains($"\n| Called the shelter.\n| {Note}\n| Nothing more.\n", shown.Stdout, StringComparison.Ordinal);

        // One-line fields of the tool's own lines keep their line break visible, and in the line.
        Assert.Contains(" - keyword HELP\uFFFD" + Paused + "\n", shown.Stdout, StringComparison.Ordinal);
        Assert.Contains("media 1: image/jpeg\uFFFD" + Paused + " - being fetched from Twilio\n", shown.Stdout, StringComparison.Ordinal);
        Assert.Contains(" UTC - On call\uFFFD" + Paused + "\n", shown.Stdout, StringComparison.Ordinal);
    }

    private static TipReport Sms(TipId id, int sequence, string message, IReadOnlyList<MediaItem>? media = null) => new()
    {
        TipId = id.ToString(),
        Channel = Channel.Sms,
        ReceivedAt = Received,
        Language = "en",
        Urgency = Urgency.Normal,
        Message = message,
        Sender = new SmsSender("+447700900123", "pseudonym"),
        Sms = new SmsDetails { MessageSid = "SM" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), Sequence = sequence, Media = media },
    };

    /// <summary>A blob as someone with write access and the public key writes it: encrypted to the responders' key as intake does.</summary>
    private async Task PlantAsync(string name, byte[] content, bool padded = true)
    {
        using var key = RsaKeyEncryptionKey.FromPublicKeyPem(TestKeys.PublicKeyPem);
        var encrypting = new SpecializedBlobClientOptions
        {
            ClientSideEncryption = new ClientSideEncryptionOptions(ClientSideEncryptionVersion.V2_0) { KeyEncryptionKey = key, KeyWrapAlgorithm = RsaKeyEncryptionKey.Algorithm },
        };
        var container = new BlobContainerClient(storage.ConnectionString, "tips");
        await container.CreateIfNotExistsAsync(cancellationToken: Ct);
        await new BlobClient(storage.ConnectionString, "tips", name, encrypting).UploadAsync(BinaryData.FromBytes(padded ? ReportStore.Padded(content) : content), overwrite: true, Ct);
    }

    private async Task<CliRun> CliAsync(params string[] args)
    {
        var keyPath = Path.Combine(_dir.FullName, "responder.pem");
        if (!File.Exists(keyPath))
        {
            await File.WriteAllTextAsync(keyPath, TestKeys.PrivateKeyPem, Ct);
        }

        return await CliRun.RunAsync(
            new Dictionary<string, string?> { ["AzureWebJobsStorage"] = storage.ConnectionString, ["Hotline__PrivateKeyPath"] = keyPath, ["Hotline__ResponderName"] = "amira" },
            _dir.FullName,
            args);
    }
}
