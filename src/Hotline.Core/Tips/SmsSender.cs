using System.Text.Json.Serialization;

namespace Hotline.Tips;

/// <summary>The SMS sender: the number (only ever inside the encrypted envelope) and its pseudonym.</summary>
public sealed record SmsSender(
    [property: JsonPropertyName("phone")] string Phone,
    [property: JsonPropertyName("pseudonym")] string Pseudonym);
