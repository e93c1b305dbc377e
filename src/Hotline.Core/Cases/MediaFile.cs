using Hotline.Sms;

namespace Hotline.Cases;

/// <summary>One stored media item decrypted, its bytes checked against the SHA-256 taken when it was fetched.</summary>
public sealed record MediaFile(int Sequence, MediaItem Item, ReadOnlyMemory<byte> Content);
