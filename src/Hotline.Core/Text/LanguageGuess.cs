namespace Hotline.Text;

/// <summary>What <see cref="LanguageDetector.Guess"/> made of a text.</summary>
/// <param name="Language">BCP-47 tag, <c>und</c> when it could not be told.</param>
/// <param name="Recognised">
/// False when the text is in a language no rules read, as far as can be told: a script no rules cover, or enough
/// words without one of any language with rules.
/// </param>
public readonly record struct LanguageGuess(string Language, bool Recognised);
