using System.Diagnostics;
using System.Text.Json;

namespace Hotline.Tests.Infrastructure;

/// <summary>
/// A client-side encryption v2 reader written from the format alone, in Node.js with nothing but its built-in
/// <c>crypto</c>: no Azure SDK and no Hotline code. What it reads, a responder tool in any language can read. It
/// takes a blob's stored bytes and its <c>encryptiondata</c> and checks what a v2 reader checks (the protocol, the
/// algorithms, the version wrapped with the key, every region's tag).
/// </summary>
public static class NodeDecryptor
{
    private const string Script = """
        const crypto = require('crypto');
        let text = '';
        process.stdin.setEncoding('utf8');
        process.stdin.on('data', chunk => text += chunk);
        process.stdin.on('end', () => {
          try {
            const input = JSON.parse(text);
            const data = JSON.parse(input.encryptiondata);
            if (data.EncryptionMode !== 'FullBlob' || data.EncryptionAgent.Protocol !== '2.0' || data.EncryptionAgent.EncryptionAlgorithm !== 'AES_GCM_256') throw new Error('not client-side encryption v2');
            if (data.WrappedContentKey.Algorithm !== 'RSA-OAEP-256') throw new Error('not RSA-OAEP-256');
            const unwrapped = crypto.privateDecrypt(
              { key: input.privateKeyPem, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
              Buffer.from(data.WrappedContentKey.EncryptedKey, 'base64'));
            if (unwrapped.length !== 40 || unwrapped.subarray(0, 8).toString('latin1') !== '2.0\0\0\0\0\0') throw new Error('the wrapped key does not carry protocol 2.0');
            const key = unwrapped.subarray(8);
            const dataLength = data.EncryptedRegionInfo.DataLength, nonceLength = data.EncryptedRegionInfo.NonceLength, tagLength = 16;
            const blob = Buffer.from(input.ciphertext, 'base64');
            const parts = [];
            for (let at = 0; at < blob.length; ) {
              const region = blob.subarray(at, Math.min(blob.length, at + nonceLength + dataLength + tagLength));
              const decipher = crypto.createDecipheriv('aes-256-gcm', key, region.subarray(0, nonceLength), { authTagLength: tagLength });
              decipher.setAuthTag(region.subarray(region.length - tagLength));
              parts.push(decipher.update(region.subarray(nonceLength, region.length - tagLength)), decipher.final());
              at += region.length;
            }
            process.stdout.write(JSON.stringify({ plaintext: Buffer.concat(parts).toString('base64') }));
          } catch (e) {
            process.stdout.write(JSON.stringify({ error: String(e) }));
          }
        });
        """;

    /// <summary>The plaintext of a blob, from its stored bytes and its <c>encryptiondata</c> metadata.</summary>
    public static async Task<byte[]> DecryptAsync(ReadOnlyMemory<byte> stored, string encryptionData, string privateKeyPem, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = RepoPaths.Root, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-e");
        start.ArgumentList.Add(Script);
        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = node.StandardError.ReadToEndAsync(cancellationToken);
        await node.StandardInput.WriteAsync(JsonSerializer.Serialize(new { encryptiondata = encryptionData, ciphertext = Convert.ToBase64String(stored.Span), privateKeyPem }));
        node.StandardInput.Close();
        await node.WaitForExitAsync(cancellationToken);
        var text = await output;
        if (text.Length == 0)
        {
            throw new InvalidOperationException("The Node decryptor did not answer: " + await errors);
        }

        var answer = JsonDocument.Parse(text).RootElement;
        return answer.TryGetProperty("plaintext", out var plaintext)
            ? Convert.FromBase64String(plaintext.GetString()!)
            : throw new InvalidOperationException("The Node decryptor refused the blob: " + answer.GetProperty("error").GetString());
    }
}
