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
public sealed class CodeKeys : IDisposable
{
    private readonly byte[] _passwordKey;
    private readonly byte[] _salt;
    private readonly PasswordBasedKeyDerivationAlgorithm _argon2;

    // At most one derivation per core at a time: each holds its memory (19 MiB by default) for its whole run, so a
    // burst of look-ups queues here instead of taking a gigabyte and every core away from intake.
    private readonly SemaphoreSlim _gate = new(Environment.ProcessorCount, Environment.ProcessorCount);

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

    /// <summary><see cref="Derive"/> off the caller's thread, at most one per core at once.</summary>
    public async Task<(string LookupName, byte[] WrapKey)> DeriveAsync(string digits, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => Derive(digits), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
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

    public void Dispose() => _gate.Dispose();
}
