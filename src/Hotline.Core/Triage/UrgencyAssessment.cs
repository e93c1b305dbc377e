namespace Hotline.Triage;

/// <summary>What triage made of a message: its urgency, the language it was read as, and whether rules read it.</summary>
/// <param name="Urgency">The verdict; at least <see cref="Urgency.High"/> when <paramref name="LanguageRead"/> is false.</param>
/// <param name="Language">The detected language (BCP-47), <c>und</c> when it could not be told.</param>
/// <param name="LanguageRead">
/// False when the message is in a language no rules read (or one that could not be told): the rules may have
/// missed danger written in it, so the alert says so.
/// </param>
public sealed record UrgencyAssessment(Urgency Urgency, string Language, bool LanguageRead);
