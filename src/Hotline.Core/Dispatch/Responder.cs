using System.Security.Cryptography;
using System.Text;
using Hotline.Triage;

namespace Hotline.Dispatch;

/// <summary>One responder on call, validated.</summary>
/// <param name="Label">Where the entry came from (<c>Responders__1</c>, <c>Key Vault secret Responders[1]</c>): what logs name, never the phone.</param>
public sealed record Responder(string Label, string Name, string? Phone, Uri? WebhookUrl, IReadOnlyList<string> Languages, Urgency MinUrgency)
{
    /// <summary>
    /// On the escalation list (<c>Responders__N__Escalation=true</c>): not paged first, paged when an alert that waits
    /// for an acknowledgement has none after the re-page (see <see cref="Escalation.AlertEscalator"/>).
    /// </summary>
    public bool Escalation { get; init; }

    /// <summary>
    /// The responder's identity in send records: a hash of the name, so it survives a reordered roster
    /// and holds no phone number. It goes into a record's name only through the ledger's keyed hash.
    /// </summary>
    public string Key { get; } = "r" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Name.Trim().ToUpperInvariant())))[..16];

    /// <summary>Whether the responder reads the report's language (primary subtags match: "ar" reads "ar-SY").</summary>
    public bool Speaks(string language) =>
        Languages.Any(l => string.Equals(Primary(l), Primary(language), StringComparison.OrdinalIgnoreCase));

    // A record's generated ToString would print the phone number into any log that formats it.
    public override string ToString() => Label;

    internal static string Primary(string tag) => tag.Split('-', 2)[0];
}
