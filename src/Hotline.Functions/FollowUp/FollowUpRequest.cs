using Hotline.Functions.Intake;
using Hotline.Functions.SubmitTip;

namespace Hotline.Functions.FollowUp;

/// <summary>A follow-up request's fields: <c>code</c>, or <c>case</c> + <c>token</c> (+ <c>message</c>), and the page's <c>language</c>.</summary>
internal sealed record FollowUpFields(string? Code, string? Case, string? Token, string? Message, string? Language, bool FromForm, string? Nonce = null)
{
    private static readonly string[] JsonFields = ["code", "receipt", "case", "token", "message", "language", "nonce"];

    /// <summary>Reads a form or JSON body as the tip form's is read (bounded, UTF-8, same-site); null when it cannot be read.</summary>
    public static async Task<FollowUpFields?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var form = TipRequestReader.IsForm(request);
        if (TipRequestReader.IsCrossSite(request) || request.Headers.ContentType.Count > 1 || (!form && !TipRequestReader.IsJson(request)) || request.ContentLength > TipLimits.MaxBodyBytes)
        {
            return null;
        }

        var bytes = await RequestBody.ReadAsync(request.Body, TipLimits.MaxBodyBytes, cancellationToken);
        if (bytes is null || RequestBody.DecodeUtf8(bytes) is not { } text)
        {
            return null;
        }

        var values = form ? RequestBody.ParseForm(text) : TipRequestReader.ParseJson(text, JsonFields).Item1;
        if (values is null)
        {
            return null;
        }

        string? Get(string name) => values.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;
        return new FollowUpFields(Get("code"), Get("case") ?? Get("receipt"), Get("token"), Get("message"), Get("language"), form, Get("nonce") is { Length: <= 64 } nonce && nonce.All(char.IsAsciiLetterOrDigit) ? nonce : null);
    }

    /// <summary>Why a message cannot be added: null when it can.</summary>
    public string? MessageProblem(Hotline.Functions.Texts.FormTexts texts) =>
        string.IsNullOrWhiteSpace(Message) ? texts.ErrorMessageMissing
        : Message.Length > TipLimits.MessageLength ? texts.ErrorMessageTooLong
        : TipRequestReader.HasControlCharacters(Message) ? texts.ErrorInvalid
        : null;
}
