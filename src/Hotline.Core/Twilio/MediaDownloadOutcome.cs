namespace Hotline.Twilio;

/// <summary>How a media download ended.</summary>
public enum MediaDownloadOutcome
{
    /// <summary>The bytes are in <see cref="MediaDownload.Content"/>.</summary>
    Downloaded,

    /// <summary>Not fetched whole: its type is not allowed, or it is larger than the limit.</summary>
    Refused,

    /// <summary>Twilio has no such media (deleted, or never there): trying again will not help.</summary>
    Gone,
}
