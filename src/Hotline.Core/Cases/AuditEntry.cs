using System.Globalization;

namespace Hotline.Cases;

/// <summary>One line of the audit log, as read: where it is (log and line number) and what it says.</summary>
public sealed record AuditEntry(string Log, int Line, string Text)
{
    private readonly string[] _parts = Text.Split('\t');

    /// <summary>A chained line (time, chain, responder, action, receipt) or one written before the chain (no chain).</summary>
    public bool Readable => _parts.Length is 4 or 5 && At is not null && (_parts.Length == 4 || _parts[1].Length == AuditChain.ValueLength);

    public DateTimeOffset? At => DateTimeOffset.TryParseExact(_parts[0], "yyyy-MM-ddTHH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    public string? Chain => _parts.Length == 5 ? _parts[1] : null;

    public string Responder => _parts.Length switch { 5 => _parts[2], 4 => _parts[1], _ => string.Empty };

    public string Action => _parts.Length switch { 5 => _parts[3], 4 => _parts[2], _ => string.Empty };

    public string Receipt => _parts.Length switch { 5 => _parts[4], 4 => _parts[3], _ => string.Empty };

    /// <summary>What the line's chain value covers.</summary>
    public string Fields => AuditLog.Fields(_parts[0], Responder, Action, Receipt);

    public static AuditEntry Parse(string log, int line, string text) => new(log, line, text.TrimEnd('\r'));
}

/// <summary>
/// The outcome of walking the chain: how many lines, how many predate it, the last chain value (the head, to keep
/// somewhere an attacker with write access to storage cannot reach), and the first line that breaks it.
/// </summary>
public sealed record AuditVerification(int Lines, int Unchained, string Head, AuditEntry? FirstBad, string? Problem)
{
    public bool Intact => FirstBad is null;

    /// <summary>Whether a line carries the head kept from before; null when none was given.</summary>
    public bool? KeptHeadFound { get; init; }
}
