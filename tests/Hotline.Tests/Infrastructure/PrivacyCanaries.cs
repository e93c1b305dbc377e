using System.Collections.Concurrent;

namespace Hotline.Tests.Infrastructure;

/// <summary>
/// Tip texts, phone numbers and other values that must never appear in a log. Tests register what
/// they submit; at the end of the run the whole-run log capture is scanned for every one of them.
/// </summary>
public static class PrivacyCanaries
{
    private static readonly ConcurrentDictionary<string, byte> Values = new();

    public static string Register(string value)
    {
        Values.TryAdd(value, 0);
        return value;
    }

    public static IReadOnlyCollection<string> All => (IReadOnlyCollection<string>)Values.Keys;

    /// <summary>The canaries found in <paramref name="text"/>.</summary>
    public static IEnumerable<string> FoundIn(string text) => Values.Keys.Where(v => text.Contains(v, StringComparison.Ordinal));
}
