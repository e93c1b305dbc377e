namespace Hotline.Functions.Texts;

/// <summary>
/// What the hotline texts back in one language (the <c>sms</c> section of its catalogue file). Short on
/// purpose: one SMS segment (70 characters in UCS-2, 160 in GSM-7) with the case number in it; the
/// catalogue tests measure each reply and name the languages whose HELP text needs more.
/// </summary>
internal sealed record SmsReplies : CatalogueSection
{
    /// <summary>A new case: <c>{0}</c> is the case number.</summary>
    public required string Received { get; init; }

    /// <summary>A message added to a case: <c>{0}</c> is the case number.</summary>
    public required string Added { get; init; }

    /// <summary>Appended to the reply to an urgent message; starts with a space.</summary>
    public required string Danger { get; init; }

    public required string Help { get; init; }

    public required string Empty { get; init; }

    public required string LanguageSet { get; init; }

    public static SmsReplies English => TextCatalogue.English.Sms;

    /// <summary>The replies for a language tag (a detected or chosen one), English when there are none.</summary>
    public static SmsReplies For(string? language) => (TextCatalogue.Find(language) ?? TextCatalogue.English).Sms;
}
