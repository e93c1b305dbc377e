namespace Hotline.Sms;

/// <summary>What happened to a media item (<see cref="MediaItem.State"/>).</summary>
public static class MediaStates
{
    /// <summary>In the envelope: the message brought it, and it is being fetched from Twilio.</summary>
    public const string Expected = "expected";

    /// <summary>Fetched, encrypted and stored in the case under <see cref="MediaItem.Blob"/>.</summary>
    public const string Stored = "stored";

    /// <summary>Not fetched: a type outside the allow-list, or larger than the limit (type and size say which).</summary>
    public const string Refused = "refused";

    /// <summary>Fetching kept failing; the item is still at Twilio (the message was not deleted there).</summary>
    public const string Failed = "failed";
}
