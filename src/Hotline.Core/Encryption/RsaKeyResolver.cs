using Azure.Core.Cryptography;

namespace Hotline.Encryption;

/// <summary>Finds the private key a blob's <c>encryptiondata</c> names, among the responder's keys (old and new during rotation).</summary>
public sealed class RsaKeyResolver : IKeyEncryptionKeyResolver
{
    private readonly Dictionary<string, RsaKeyEncryptionKey> _keys;

    public RsaKeyResolver(IEnumerable<RsaKeyEncryptionKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = keys.ToDictionary(k => k.KeyId, StringComparer.Ordinal);
    }

    public IKeyEncryptionKey Resolve(string keyId, CancellationToken cancellationToken = default) =>
        _keys.TryGetValue(keyId, out var key)
            ? key
            : throw new KeyNotFoundException($"No private key with id {keyId} is loaded.");

    public Task<IKeyEncryptionKey> ResolveAsync(string keyId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Resolve(keyId, cancellationToken));
}
