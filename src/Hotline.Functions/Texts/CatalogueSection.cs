using System.Text.Json.Serialization;

namespace Hotline.Functions.Texts;

/// <summary>
/// What a section of a catalogue file knows of its language once loaded (none of it is in the file). Public only
/// because <see cref="FormTexts"/> is: Razor components are public classes, and the pages take the texts as a parameter.
/// </summary>
public abstract record CatalogueSection
{
    /// <summary>The catalogue's tag (<c>ar</c>, <c>sr-Latn</c>, <c>prs</c>): the page's <c>lang</c> and <c>?lang=</c>.</summary>
    [JsonIgnore]
    public string Language { get; init; } = string.Empty;

    /// <summary>The language's name in itself, from CLDR.</summary>
    [JsonIgnore]
    public string NativeName { get; init; } = string.Empty;

    /// <summary>Read right to left: pages are <c>dir=rtl</c>, and a case number in an SMS is isolated.</summary>
    [JsonIgnore]
    public bool RightToLeft { get; init; }
}
