using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Hotline.FollowUp;
using Hotline.Tests.Dispatch;
using Hotline.Tests.Infrastructure;
using Hotline.Tips;

namespace Hotline.Tests.Reliability;

/// <summary>One client's work: a JSON tip, a form tip, or an SMS conversation (a report and a follow-up).</summary>
public sealed record TipUnit(string Kind, int Index);

/// <summary>A message the app answered with a 2xx: its case, its place in the case, and exactly what was sent.</summary>
public sealed record AcceptedTip(string Receipt, int Sequence, string Text);

/// <summary>One answer a client got that was not a 2xx: its status (null when the connection failed), how long it took, and whether it said when to retry.</summary>
public sealed record RefusedAttempt(HttpStatusCode? Status, TimeSpan Elapsed, bool RetryAfter);

/// <summary>
/// Tipsters as the reliability tests play them: every channel, retrying what got no 2xx as real clients do
/// (the same idempotency key, Twilio's same MessageSid and signature), and the check that follows: every
/// accepted message is stored once and decrypts to exactly what was sent.
/// </summary>
public static partial class TipTraffic
{
    public const string PublicBase = "https://hotline.example.org";

    /// <summary>The units in a random order, as tipsters arrive.</summary>
    public static List<TipUnit> Units(int json, int form, int smsConversations) =>
        Enumerable.Range(0, json).Select(i => new TipUnit("json", i))
            .Concat(Enumerable.Range(0, form).Select(i => new TipUnit("form", i)))
            .Concat(Enumerable.Range(0, smsConversations).Select(i => new TipUnit("sms", i)))
            .OrderBy(_ => Random.Shared.Next())
            .ToList();

    /// <summary>How many messages the units send (an SMS conversation is two).</summary>
    public static int Messages(IEnumerable<TipUnit> units) => units.Sum(u => u.Kind == "sms" ? 2 : 1);

    public static async Task<List<AcceptedTip>> SendAsync(HttpClient http, TipUnit unit, Action<RefusedAttempt> refused, CancellationToken ct)
    {
        var token = Guid.NewGuid().ToString("N");
        switch (unit.Kind)
        {
            case "json":
            {
                var text = $"They took our passports at the farm, json {unit.Index} {token}";
                var body = await UntilAcceptedAsync(http, () => new HttpRequestMessage(HttpMethod.Post, "/api/tips")
                {
                    Content = JsonContent.Create(new { message = text, language = "en" }),
                    Headers = { { "Idempotency-Key", token } },
                }, refused, ct);
                return [new(JsonDocument.Parse(body).RootElement.GetProperty("receipt").GetString()!, 1, text)];
            }

            case "form":
            {
                var text = $"We work without pay near the border, form {unit.Index} {token}";
                var body = await UntilAcceptedAsync(http, () => new HttpRequestMessage(HttpMethod.Post, "/api/tips")
                {
                    Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["message"] = text, ["language"] = "en", ["idempotencyKey"] = token }),
                }, refused, ct);
                return [new(ReceiptIn(body), 1, text)];
            }

            default:
            {
                var phone = "+4475" + (10_000_000 + unit.Index).ToString(CultureInfo.InvariantCulture) + "1";
                var first = $"They locked us in a house, sms {unit.Index} {token}";

                // Twilio's own retry: the same MessageSid, the same signature.
                var reply = await UntilAcceptedAsync(http, await TwilioStub.InboundSmsAsync(PublicBase, phone, first), refused, ct);
                var followUp = $"thank you {token}";
                await UntilAcceptedAsync(http, await TwilioStub.InboundSmsAsync(PublicBase, phone, followUp), refused, ct);
                return [new(ReceiptIn(reply), 1, first), new(ReceiptIn(reply), 2, followUp)];
            }
        }
    }

    /// <summary>
    /// Every accepted message is stored once and decrypts to exactly what was sent, and no idempotency key
    /// or MessageSid made a second report: the <c>tips</c> container holds exactly the accepted messages' blobs.
    /// </summary>
    public static Task AssertStoredOnceAsync(string connectionString, IReadOnlyCollection<AcceptedTip> accepted, CancellationToken ct) =>
        AssertStoredOnceAsync(connectionString, accepted, [], ct);

    /// <summary>
    /// As <see cref="AssertStoredOnceAsync(string, IReadOnlyCollection{AcceptedTip}, CancellationToken)"/>, on an Azurite
    /// other tests of the class also wrote to: the blobs in <paramref name="before"/> (<see cref="TipsAsync"/> before the
    /// load) are theirs. Without it, another test's tips in the container read as second copies of this load's.
    /// </summary>
    public static async Task AssertStoredOnceAsync(string connectionString, IReadOnlyCollection<AcceptedTip> accepted, IReadOnlyCollection<string> before, CancellationToken ct)
    {
        var expected = new List<string>();
        foreach (var tip in accepted)
        {
            var id = TipId.TryParse(tip.Receipt, out var parsed) ? parsed.Value : throw new InvalidOperationException(tip.Receipt);
            var blob = tip.Sequence == 1 ? ReportStore.ReportBlobName(id) : ReportStore.MessageBlobName(id, tip.Sequence);
            Assert.Equal(tip.Text, (await TestKeys.DecryptReportAsync(connectionString, blob, ct)).Message);
            expected.Add(blob);
        }

        // A web report's follow-up blobs (its key, its code's pointer, the tipster's copy) stand beside its messages, in
        // its case's folder; the messages are what must be stored once each.
        var all = (await TipsAsync(connectionString, ct)).Except(before).ToList();
        var cases = accepted.Select(a => TipId.TryParse(a.Receipt, out var parsed) ? parsed.Value.Compact + "/" : a.Receipt).ToHashSet(StringComparer.Ordinal);
        Assert.All(all.Where(Conversations.IsFollowUpBlob), n => Assert.Contains(n[..(n.IndexOf('/') + 1)], cases));
        var blobs = all.Where(n => !Conversations.IsFollowUpBlob(n)).ToList();
        Assert.Equal(accepted.Count, blobs.Count);
        Assert.Equal(accepted.Count(a => a.Sequence == 1), blobs.Count(b => b.EndsWith("/report", StringComparison.Ordinal)));
        Assert.Equal(expected.Order(StringComparer.Ordinal), blobs.Order(StringComparer.Ordinal));
    }

    /// <summary>The names of every blob in <c>tips</c>.</summary>
    public static async Task<List<string>> TipsAsync(string connectionString, CancellationToken ct)
    {
        var blobs = new List<string>();
        await foreach (var item in new BlobContainerClient(connectionString, "tips").GetBlobsAsync(cancellationToken: ct))
        {
            blobs.Add(item.Name);
        }

        return blobs;
    }

    public static string ReceiptIn(string text) => ReceiptPattern().Match(text).Value is { Length: > 0 } receipt ? receipt : throw new InvalidOperationException("no receipt in: " + text);

    /// <summary>Sends until a 2xx, as a client that did not get one does; every other answer goes to <paramref name="refused"/>.</summary>
    private static async Task<string> UntilAcceptedAsync(HttpClient http, Func<HttpRequestMessage> request, Action<RefusedAttempt> refused, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var elapsed = Stopwatch.StartNew();
            try
            {
                using var message = request();
                using var response = await http.SendAsync(message, ct);
                if ((int)response.StatusCode is >= 200 and < 300)
                {
                    return await response.Content.ReadAsStringAsync(ct);
                }

                refused(new RefusedAttempt(response.StatusCode, elapsed.Elapsed, response.Headers.RetryAfter is not null));
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                refused(new RefusedAttempt(null, elapsed.Elapsed, false));
            }

            Assert.True(attempt < 200, "a request never got a 2xx");
            await Task.Delay(100, ct);
        }
    }

    [GeneratedRegex("[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")]
    private static partial Regex ReceiptPattern();
}
