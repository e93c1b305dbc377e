using Hotline.Triage;

namespace Hotline.Tips;

/// <summary>An alert intake queued and dispatch has not yet taken: its record's name, when it was (re)queued, and the message (null if unreadable).</summary>
public sealed record UntriagedAlert(string Name, DateTimeOffset QueuedAt, TriageMessage? Message);
