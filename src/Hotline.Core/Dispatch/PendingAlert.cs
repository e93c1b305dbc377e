using Hotline.Triage;

namespace Hotline.Dispatch;

/// <summary>An alert waiting for the digest; <see cref="Triage"/> is null when it could not be read back.</summary>
public sealed record PendingAlert(string Name, string Receipt, TriageMessage? Triage);
