using Hotline.Dispatch;
using Hotline.Sms;
using Microsoft.Extensions.Options;

namespace Hotline.Escalation;

/// <summary>
/// Recognises a roster phone by its keyed pseudonym (<see cref="PhonePseudonym"/>, the hash intake threads cases by),
/// computed in memory from the roster at first use: no number is written anywhere new.
/// </summary>
public sealed class RosterPhones(IOptions<RosterOptions> roster, PhonePseudonym pseudonyms)
{
    private readonly Lazy<Dictionary<string, Responder>> _byPseudonym = new(() =>
    {
        var map = new Dictionary<string, Responder>(StringComparer.Ordinal);
        foreach (var responder in roster.Value.Responders)
        {
            if (responder.Phone is { } phone)
            {
                map.TryAdd(pseudonyms.Of(phone), responder);
            }
        }

        return map;
    });

    /// <summary>The responder whose phone sent an SMS from <paramref name="from"/>; null for everyone else (a tipster).</summary>
    public Responder? Find(string from)
    {
        ArgumentNullException.ThrowIfNull(from);
        return _byPseudonym.Value.GetValueOrDefault(pseudonyms.Of(from));
    }
}
