namespace Hotline.Functions.Intake;

/// <summary>
/// The limits the form's fields (<c>maxlength</c>) and the intake agree on. Lengths are counted as a browser
/// counts <c>maxlength</c>: UTF-16 code units, a line break as one (the browser submits it as CR LF), before
/// normalisation: what the textarea lets a tipster type is exactly what is accepted.
/// </summary>
internal static class TipLimits
{
    public const int MessageLength = 10_000;
    public const int LocationLength = 500;
    public const int ContactLength = 200;
    public const int CategoryLength = 64;

    /// <summary>
    /// The largest body the form can send, and then some. The costliest code unit urlencoded is a BMP character
    /// outside Latin, three UTF-8 bytes, nine as <c>%E1%8A%A0</c> (Ge'ez, CJK); the three fields' limits at nine
    /// bytes each come to 96,300 bytes, plus the language and the idempotency key. JSON costs at most six per
    /// code unit (<c>\uXXXX</c>).
    /// </summary>
    public const int MaxBodyBytes = 128 * 1024;

    /// <summary>The length a browser's <c>maxlength</c> sees: CR LF counts as one.</summary>
    public static int Length(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var length = value.Length;
        for (var i = value.IndexOf("\r\n", StringComparison.Ordinal); i >= 0; i = value.IndexOf("\r\n", i + 2, StringComparison.Ordinal))
        {
            length--;
        }

        return length;
    }
}
