namespace Hotline.Dispatch;

/// <summary>The on-call roster: from <c>Responders__N__*</c> settings, or from Key Vault.</summary>
public sealed class RosterOptions
{
    public List<Responder> Responders { get; } = [];

    /// <summary>What is wrong with the roster, each naming its setting; start-up fails on any.</summary>
    public List<string> Errors { get; } = [];

    /// <summary>"settings" or "Key Vault".</summary>
    public string Source { get; set; } = "settings";
}
