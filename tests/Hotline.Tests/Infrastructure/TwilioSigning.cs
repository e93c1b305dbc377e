using System.Security.Cryptography;
using System.Text;

namespace Hotline.Tests.Infrastructure;

/// <summary>
/// Signs test webhooks as Twilio does, in process: the URL, then each parameter's name and value in ordinal order of
/// names, HMAC-SHA1 under the auth token, Base64 (Twilio's security docs). Twilio's C# library only checks
/// signatures, and starting Node for each of hundreds of test SMS cost the suite seconds, so this signs them;
/// <see cref="TwilioNode"/> stays the reference it is proven against (<c>TwilioSigning_...</c> in TwilioSignatureTests).
/// Never the code under test: the app checks with Twilio's RequestValidator.
/// </summary>
public static class TwilioSigning
{
    public static string Sign(string authToken, string url, IReadOnlyDictionary<string, string> parameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(authToken);
        ArgumentException.ThrowIfNullOrEmpty(url);
        ArgumentNullException.ThrowIfNull(parameters);
        var data = new StringBuilder(url);
        foreach (var (name, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            data.Append(name).Append(value);
        }

#pragma warning disable CA5350 // Twilio's default webhook scheme is HMAC-SHA1: the test signs as Twilio does.
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
#pragma warning restore CA5350
    }
}
