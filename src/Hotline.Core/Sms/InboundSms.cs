namespace Hotline.Sms;

/// <summary>One inbound SMS as Twilio posted it, geo fields already dropped.</summary>
public sealed record InboundSms(string MessageSid, string From, string Body, IReadOnlyList<InboundMedia> Media);
