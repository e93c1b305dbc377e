namespace Hotline.Dispatch;

/// <summary>
/// The alert wordings by language, English among them: the app builds it from its text catalogue (one file per
/// language a translator edits, the tipsters' words beside the responders'), so dispatch reads no files itself.
/// </summary>
public sealed class AlertWordings
{
    public const string DefaultLanguage = "en";

    private readonly Dictionary<string, AlertWording> _byLanguage;

    public AlertWordings(IEnumerable<AlertWording> wordings)
    {
        ArgumentNullException.ThrowIfNull(wordings);
        _byLanguage = wordings.ToDictionary(w => w.Tag, StringComparer.OrdinalIgnoreCase);
        if (!_byLanguage.ContainsKey(DefaultLanguage))
        {
            throw new ArgumentException($"The alert wordings have no '{DefaultLanguage}' wording: alerts fall back to it.", nameof(wordings));
        }
    }

    /// <summary>The languages that have a wording (catalogue tags).</summary>
    public IReadOnlyCollection<string> Languages => _byLanguage.Keys;

    public AlertWording this[string language] => _byLanguage[language];

    /// <summary>The responder's first listed language that has a wording; English otherwise.</summary>
    public AlertWording For(Responder? responder)
    {
        foreach (var language in responder?.Languages ?? [])
        {
            if (_byLanguage.TryGetValue(Responder.Primary(language), out var wording))
            {
                return wording;
            }
        }

        return _byLanguage[DefaultLanguage];
    }
}
