using Hotline.Sms;
using Hotline.Tips;

namespace Hotline.Cases;

/// <summary>
/// A case decrypted: its record, every message in order, the responders' notes and replies in time order, and
/// the media records of messages that brought media (what was stored, refused or not fetched; not the bytes).
/// </summary>
public sealed record CaseFile(string Receipt, CaseRecord? Record, IReadOnlyList<TipReport> Messages, IReadOnlyList<CaseEntry> Entries, IReadOnlyList<MediaRecord> Media)
{
    /// <summary>What became of item <paramref name="index"/> of message <paramref name="sequence"/>: the settled item, else null (still being fetched).</summary>
    public MediaItem? SettledMedia(int sequence, int index) =>
        Media.FirstOrDefault(r => r.Sequence == sequence)?.Items.FirstOrDefault(i => i.Index == index);
}
