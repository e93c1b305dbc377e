using System.Text;
using Hotline.Sms;
using Hotline.Tips;
using Hotline.Triage;

namespace Hotline.Tests.Contracts;

/// <summary>
/// The queue message and the report envelope are a stored contract: these pin their exact bytes
/// (names, casing, enums as strings, nulls left out), whatever serializer produces them.
/// </summary>
public sealed class WireFormatTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 1, 12, 30, 5, 123, TimeSpan.Zero);

    [Fact]
    public void TriageMessage_Json_IsTheQueueContract()
    {
        Assert.Equal(
            """{"tipId":"K7QF-2M9X-4TJD","channel":"web","urgency":"urgent","receivedAt":"2026-03-01T12:30:05.123+00:00","language":"ar"}""",
            new TriageMessage("K7QF-2M9X-4TJD", Channel.Web, Urgency.Urgent, At, "ar").ToJson());
        Assert.Equal(
            """{"tipId":"K7QF-2M9X-4TJD","channel":"sms","urgency":"high","receivedAt":"2026-03-01T12:30:05.123+00:00","language":"und","contactPaused":true}""",
            new TriageMessage("K7QF-2M9X-4TJD", Channel.Sms, Urgency.High, At, "und", true).ToJson());
    }

    [Fact]
    public void TriageMessage_Parse_ReadsAnyCasingAndRejectsNonMessages()
    {
        var parsed = TriageMessage.Parse("""{"TIPID":"K7QF-2M9X-4TJD","Channel":"sms","urgency":"normal","receivedAt":"2026-03-01T12:30:05.123Z","language":"fa","contactPaused":false}""");

        Assert.Equal(new TriageMessage("K7QF-2M9X-4TJD", Channel.Sms, Urgency.Normal, At, "fa", false), parsed);
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => TriageMessage.Parse("""{"tipId":"K7QF-2M9X-4TJD"}"""));
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => TriageMessage.Parse("""{"tipId":"K7QF-2M9X-4TJD","channel":"fax","urgency":"normal","receivedAt":"2026-03-01T12:30:05Z","language":"fa"}"""));
    }

    [Fact]
    public void TipReport_Json_IsTheEnvelopeContract()
    {
        var web = new TipReport
        {
            TipId = "K7QF-2M9X-4TJD", Channel = Channel.Web, ReceivedAt = At, Language = "ar", Urgency = Urgency.High, Message = "أخذوا \"جوازات\" <سفرنا>",
        };
        Assert.Equal(
            """{"schemaVersion":1,"tipId":"K7QF-2M9X-4TJD","channel":"web","receivedAt":"2026-03-01T12:30:05.123+00:00","language":"ar","urgency":"high","message":"\u0623\u062E\u0630\u0648\u0627 \u0022\u062C\u0648\u0627\u0632\u0627\u062A\u0022 \u003C\u0633\u0641\u0631\u0646\u0627\u003E"}""",
            Encoding.UTF8.GetString(web.ToUtf8Json()));

        var sms = web with
        {
            Channel = Channel.Sms, Message = "help", Location = "Idlib", Contact = "c", Category = "labour",
            Sender = new SmsSender("+15005550006", "pseudo"),
            Sms = new SmsDetails { MessageSid = "SM1", Sequence = 2, MediaUrls = ["https://m/1"], ContactPaused = true, Keyword = "STOP" },
        };
        var json = Encoding.UTF8.GetString(sms.ToUtf8Json());
        Assert.Equal(
            """{"schemaVersion":1,"tipId":"K7QF-2M9X-4TJD","channel":"sms","receivedAt":"2026-03-01T12:30:05.123+00:00","language":"ar","urgency":"high","message":"help","location":"Idlib","contact":"c","category":"labour","sender":{"phone":"\u002B15005550006","pseudonym":"pseudo"},"sms":{"messageSid":"SM1","sequence":2,"mediaUrls":["https://m/1"],"contactPaused":true,"keyword":"STOP"}}""",
            json);

        var back = TipReport.FromUtf8Json(Encoding.UTF8.GetBytes(json));
        Assert.Equal(sms.Sms.MediaUrls, back.Sms!.MediaUrls);
        Assert.Equal(sms with { Sms = null }, back with { Sms = null });

        // Since Hotline fetches media itself: the expected items, never a URL.
        var mms = sms with { Sms = new SmsDetails { MessageSid = "MM1", Sequence = 1, Media = [new MediaItem { Index = 1, State = MediaStates.Expected, ContentType = "image/jpeg", Blob = "K7QF2M9X4TJD/media-0001-1" }] } };
        var mmsJson = Encoding.UTF8.GetString(mms.ToUtf8Json());
        Assert.Contains(""","sms":{"messageSid":"MM1","sequence":1,"media":[{"index":1,"state":"expected","contentType":"image/jpeg","blob":"K7QF2M9X4TJD/media-0001-1"}]}}""", mmsJson, StringComparison.Ordinal);
        Assert.Equal(mms.Sms.Media, TipReport.FromUtf8Json(Encoding.UTF8.GetBytes(mmsJson)).Sms!.Media);
    }
}
