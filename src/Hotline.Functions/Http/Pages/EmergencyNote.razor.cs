using System.Text.RegularExpressions;
using Hotline.Functions.Texts;
using Microsoft.AspNetCore.Components;

namespace Hotline.Functions.Http.Pages;

/// <summary>The emergency line, its number a link a phone can dial, in whichever digits the language writes 112.</summary>
public sealed partial class EmergencyNote
{
    [Parameter, EditorRequired]
    public required FormTexts Texts { get; set; }

    private string Before { get; set; } = string.Empty;

    private string? Number { get; set; }

    private string After { get; set; } = string.Empty;

    protected override void OnParametersSet()
    {
        var text = Texts.Emergency;
        var number = EmergencyNumber().Matches(text).FirstOrDefault(m => m.Value.Select(char.GetNumericValue).SequenceEqual([1d, 1d, 2d]));
        (Before, Number, After) = number is null
            ? (text, null, string.Empty)
            : (text[..number.Index], number.Value, text[(number.Index + number.Length)..]);
    }

    // \d is every script's decimal digits (١١٢, ۱۱۲, ১১২), which the catalogue's languages write 112 in.
    [GeneratedRegex(@"(?<!\d)\d{3}(?!\d)", RegexOptions.CultureInvariant)]
    private static partial Regex EmergencyNumber();
}
