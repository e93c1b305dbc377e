using System.IO.Compression;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace Hotline.Functions.Http;

/// <summary>
/// A text answer, Brotli- or gzip-compressed when the client accepts it: the form's pages go to phones on 2G.
/// Compressed here, in the answer, because the Functions worker runs no ASP.NET Core middleware (so no
/// ResponseCompression) and Azure's front end does not compress a Function App's answers.
/// </summary>
internal sealed class CompressedText(string text, string contentType, int statusCode) : IResult
{
    /// <summary>Below this, compression costs more than it saves.</summary>
    private const int MinBytes = 512;

    public string Text => text;

    public int StatusCode => statusCode;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        var body = Encoding.UTF8.GetBytes(text);
        response.StatusCode = statusCode;
        response.ContentType = contentType;
        response.Headers.Vary = "Accept-Encoding";
        var encoding = body.Length < MinBytes ? null : Choose(httpContext.Request.Headers.AcceptEncoding.ToString());
        if (encoding is null)
        {
            response.ContentLength = body.Length;
            await response.Body.WriteAsync(body, httpContext.RequestAborted);
            return;
        }

        using var compressed = new MemoryStream();
        await using (Stream encoder = encoding == "br" ? new BrotliStream(compressed, CompressionLevel.Optimal, leaveOpen: true) : new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            await encoder.WriteAsync(body, httpContext.RequestAborted);
        }

        response.Headers.ContentEncoding = encoding;
        response.ContentLength = compressed.Length;
        await response.Body.WriteAsync(compressed.GetBuffer().AsMemory(0, (int)compressed.Length), httpContext.RequestAborted);
    }

    /// <summary>Brotli, else gzip, if the client accepts it (a q=0 refuses), else none.</summary>
    internal static string? Choose(string acceptEncoding)
    {
        if (string.IsNullOrWhiteSpace(acceptEncoding) || !StringWithQualityHeaderValue.TryParseList(acceptEncoding.Split(','), out var values))
        {
            return null;
        }

        bool Accepts(string name) => values.Any(v => (v.Value.Equals(name, StringComparison.OrdinalIgnoreCase) || v.Value.Equals("*", StringComparison.Ordinal)) && (v.Quality ?? 1) > 0)
            && !values.Any(v => v.Value.Equals(name, StringComparison.OrdinalIgnoreCase) && v.Quality == 0);
        return Accepts("br") ? "br" : Accepts("gzip") ? "gzip" : null;
    }
}
