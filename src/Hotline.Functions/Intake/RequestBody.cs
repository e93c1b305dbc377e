using System.Globalization;
using System.Text;

namespace Hotline.Functions.Intake;

/// <summary>Strict reading of request bodies for the intake endpoints (web form and Twilio webhook).</summary>
internal static class RequestBody
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads at most <paramref name="maxBytes"/>; null when the body is longer (whatever Content-Length said).</summary>
    public static async Task<byte[]?> ReadAsync(Stream body, int maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>The text, or null when the bytes are not valid UTF-8.</summary>
    public static string? DecodeUtf8(byte[] bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>
    /// application/x-www-form-urlencoded with strict UTF-8 after percent-decoding (the framework's
    /// reader would silently keep malformed escapes). First value of a repeated field wins.
    /// </summary>
    public static Dictionary<string, string?>? ParseForm(string text)
    {
        if (ParseFormPairs(text) is not { } pairs)
        {
            return null;
        }

        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, value) in pairs)
        {
            values.TryAdd(name, value);
        }

        return values;
    }

    /// <summary>Every name-value pair in order, repeated names included (what a signature covers); null when malformed.</summary>
    public static List<KeyValuePair<string, string>>? ParseFormPairs(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var pair in text.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Decode(eq < 0 ? pair : pair[..eq]);
            var value = Decode(eq < 0 ? string.Empty : pair[(eq + 1)..]);
            if (name is null || value is null)
            {
                return null;
            }

            pairs.Add(new(name, value));
        }

        return pairs;
    }

    private static string? Decode(string encoded)
    {
        try
        {
            return DecodeStrict(encoded);
        }
        catch (Exception ex) when (ex is DecoderFallbackException or EncoderFallbackException)
        {
            return null;
        }
    }

    private static string DecodeStrict(string encoded)
    {
        var bytes = new List<byte>(encoded.Length);
        for (var i = 0; i < encoded.Length; i++)
        {
            var c = encoded[i];
            if (c == '+')
            {
                bytes.Add((byte)' ');
            }
            else if (c == '%' && i + 2 < encoded.Length && byte.TryParse(encoded.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b))
            {
                bytes.Add(b);
                i += 2;
            }
            else if (c == '%')
            {
                throw new DecoderFallbackException("A malformed percent escape.");
            }
            else
            {
                // Keep surrogate pairs together: each half alone is not encodable.
                var length = char.IsHighSurrogate(c) && i + 1 < encoded.Length ? 2 : 1;
                bytes.AddRange(StrictUtf8.GetBytes(encoded.Substring(i, length)));
                i += length - 1;
            }
        }

        return StrictUtf8.GetString(bytes.ToArray());
    }
}
