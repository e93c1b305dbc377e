namespace Hotline.Sms;

/// <summary>
/// How many SMS segments a text takes (GSM 03.38 / 3GPP TS 23.038): 160 characters of the GSM-7 alphabet in one
/// segment, 153 per segment when concatenated; any other character makes the whole text UCS-2, 70 UTF-16 units
/// in one segment, 67 when concatenated. Written here because no served .NET library counts segments (Twilio's
/// segment calculator is JavaScript), and replies and alerts are sized by it.
/// </summary>
public static class SmsSegments
{
    // GSM 03.38 basic character set; the extension table's characters count double.
    private const string Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    private const string Extension = "^{}\\[~]|€\f";

    /// <summary>True when every character is in GSM-7's basic set (no escapes): the text is sent as GSM-7.</summary>
    public static bool IsGsm7(string text) => text.All(c => Basic.Contains(c, StringComparison.Ordinal));

    /// <summary>The number of segments <paramref name="text"/> is sent in.</summary>
    public static int Count(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.All(c => Basic.Contains(c, StringComparison.Ordinal) || Extension.Contains(c, StringComparison.Ordinal)))
        {
            var septets = text.Sum(c => Extension.Contains(c, StringComparison.Ordinal) ? 2 : 1);
            return septets <= 160 ? 1 : (septets + 152) / 153;
        }

        return text.Length <= 70 ? 1 : (text.Length + 66) / 67;
    }
}
