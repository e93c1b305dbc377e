using System.Text.RegularExpressions;
using Hotline.Tips;

namespace Hotline.Tests.Infrastructure;

/// <summary>What many tests need of a tip: the case number a reply names, and a tipster's number of its own.</summary>
internal static partial class TestTips
{
    /// <summary>The case number (K7QF-2M9X-4TJD) a reply, a page or a receipt names; the test fails when it names none.</summary>
    public static TipId ReceiptIn(string? text) =>
        TipId.TryParse(CaseNumber().Match(text ?? string.Empty).Value, out var id) ? id.Value : throw new InvalidOperationException("no receipt in: " + text);

    /// <summary>A UK mobile number with ten random digits: two tests sharing a number would share a case.</summary>
    public static string NewPhone() => "+447" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex("[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")]
    private static partial Regex CaseNumber();
}
