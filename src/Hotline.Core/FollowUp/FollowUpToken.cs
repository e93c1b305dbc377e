using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Hotline.Tips;
using Microsoft.Extensions.Options;

namespace Hotline.FollowUp;

/// <summary>
/// The short-lived sealed token a follow-up page carries between viewing and adding, never the code: AES-256-GCM
/// under a key of the pepper's, holding the case key and an expiry, bound to its case (a token of one case does not
/// open on another's). Stateless, so any instance reads it; it dies with its expiry or a new pepper.
/// </summary>
public sealed class FollowUpToken
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;
    private readonly TimeProvider _time;
    private readonly TimeSpan _lifetime;

    public FollowUpToken(string pepper, IOptions<FollowUpOptions> options, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(pepper);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _key = HMACSHA256.HashData(Encoding.UTF8.GetBytes(pepper), "hotline/followup-token/v1"u8);
        _time = time;
        _lifetime = options.Value.TokenLifetime;
    }

    public string Issue(FollowUpSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var privateKey = session.Key.PrivateKey ?? throw new ArgumentException("The session's key cannot decrypt.", nameof(session));
        var plain = new byte[8 + privateKey.Length];
        BinaryPrimitives.WriteInt64BigEndian(plain, (_time.GetUtcNow() + _lifetime).UtcTicks);
        privateKey.CopyTo(plain, 8);
        var output = new byte[NonceSize + plain.Length + TagSize];
        RandomNumberGenerator.Fill(output.AsSpan(0, NonceSize));
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(output.AsSpan(0, NonceSize), plain, output.AsSpan(NonceSize, plain.Length), output.AsSpan(NonceSize + plain.Length), Aad(session.TipId));
        CryptographicOperations.ZeroMemory(plain);
        return Convert.ToBase64String(output).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The session a token carries for <paramref name="tipId"/>; null when it is expired, altered, another case's or not a token.</summary>
    public FollowUpSession? Open(string? token, TipId tipId)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 200)
        {
            return null;
        }

        try
        {
            var padded = token.Replace('-', '+').Replace('_', '/');
            var bytes = Convert.FromBase64String(padded + new string('=', (4 - (padded.Length % 4)) % 4));
            if (bytes.Length != NonceSize + 8 + 32 + TagSize)
            {
                return null;
            }

            var plain = new byte[bytes.Length - NonceSize - TagSize];
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(bytes.AsSpan(0, NonceSize), bytes.AsSpan(NonceSize, plain.Length), bytes.AsSpan(NonceSize + plain.Length), plain, Aad(tipId));
            var expires = new DateTimeOffset(BinaryPrimitives.ReadInt64BigEndian(plain), TimeSpan.Zero);
            var session = expires > _time.GetUtcNow() ? new FollowUpSession(tipId, CaseKey.FromPrivateKey(plain.AsSpan(8))) : null;
            CryptographicOperations.ZeroMemory(plain);
            return session;
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static byte[] Aad(TipId tipId) => Encoding.UTF8.GetBytes("hotline/followup-token/v1\n" + tipId);
}
