using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using NSec.Cryptography;

namespace Hotline.FollowUp;

/// <summary>
/// What a follow-up code opens: the name of its look-up blob and the key that wraps the case's private key, both
/// from one Argon2id derivation over the code keyed with the pepper. Memory-hard, so a stolen storage account cannot
/// be searched code by code; keyed, so without the pepper it cannot be searched at all. The name comes from the
/// same derivation as the key: finding a code's blob costs as much as trying the code.
/// </summary>
public sealed class CodeKeys
{
    private readonly byte[] _passwordKey;
    private readonly byte[] _salt;
    private readonly PasswordBasedKeyDerivationAlgorithm _argon2;

    public CodeKeys(string pepper, IOptions<FollowUpOptions> options)
    {
        ArgumentException.ThrowIfNullOrEmpty(pepper);
        ArgumentNullException.ThrowIfNull(options);
        var secret = Encoding.UTF8.GetBytes(pepper);
        _passwordKey = HMACSHA256.HashData(secret, "hotline/followup-code/v1"u8);

        // One salt for the site: the look-up must find the blob from the code alone. 10^16 codes are never
        // enumerable at an Argon2id each, and the pepper keeps a precomputed table from serving another site.
        _salt = HMACSHA256.HashData(secret, "hotline/followup-salt/v1"u8).AsSpan(0, 16).ToArray();
        _argon2 = PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters
        {
            DegreeOfParallelism = 1,
            MemorySize = options.Value.Argon2MemoryKiB,
            NumberOfPasses = options.Value.Argon2Passes,
        });
    }

    /// <param name="digits">The code as 16 ASCII digits (<see cref="FollowUpCode.TryNormalize"/>).</param>
    public (string LookupName, byte[] WrapKey) Derive(string digits)
    {
        ArgumentNullException.ThrowIfNull(digits);
        var password = HMACSHA256.HashData(_passwordKey, Encoding.ASCII.GetBytes(digits));
        var stretched = _argon2.DeriveBytes(password, _salt, 64);
        CryptographicOperations.ZeroMemory(password);
        var name = Convert.ToHexStringLower(stretched.AsSpan(0, 32));
        var key = stretched.AsSpan(32, 32).ToArray();
        CryptographicOperations.ZeroMemory(stretched);
        return (name, key);
    }
}
