using System.Security.Cryptography;

namespace Hotline.Twilio;

/// <summary>One media item as Twilio served it; <see cref="Reason"/> says why it was refused, in words.</summary>
public sealed record MediaDownload(MediaDownloadOutcome Outcome, string? ContentType, long? Size, ReadOnlyMemory<byte> Content, string? Reason)
{
    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Content.Span));
}
