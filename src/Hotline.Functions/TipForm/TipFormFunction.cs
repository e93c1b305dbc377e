using Hotline.Functions.Http;
using Hotline.Functions.Http.Pages;
using Hotline.Functions.Intake;
using Hotline.Functions.SubmitTip;
using Hotline.Functions.Texts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace Hotline.Functions.TipForm;

/// <summary>
/// The web form, in the tipster's language: <c>GET /api/tips/form</c> with its stylesheet and script
/// (<c>style.css</c>, <c>quick-exit.js</c>), and <c>GET /</c>, the address a tipster is given.
/// <c>POST /api/tips/form?lang=xx</c> is a language switch that keeps the draft: the form's language
/// buttons post what was typed, and the form comes back in the other language, filled in (nothing is stored).
/// </summary>
internal static class TipFormFunction
{
    public const string Name = "TipForm";
    public const string HomeName = "TipFormHome";

    /// <summary>The form's address; its assets (<see cref="PageAssets"/>) are under it.</summary>
    public const string FormPath = "/api/tips/form";

    // The asset is read from the path, not from route values, so both hosts see the same thing.
    [Function(Name)]
    public static async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "api/tips/form/{asset?}")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = request.Path.Value?.TrimEnd('/').ToLowerInvariant();
        if (HttpMethods.IsPost(request.Method))
        {
            return path == FormPath ? await SwitchLanguageAsync(request, cancellationToken) : TypedResults.StatusCode(StatusCodes.Status405MethodNotAllowed);
        }

        return path switch
        {
            FormPath => await ShowFormAsync(request),
            PageAssets.IconPath => TypedResults.NoContent(),
            PageAssets.StylePath => new CompressedText(PageAssets.Style, "text/css; charset=utf-8", StatusCodes.Status200OK),
            PageAssets.ScriptPath => new CompressedText(PageAssets.Script, "text/javascript; charset=utf-8", StatusCodes.Status200OK),
            _ => TypedResults.NotFound(),
        };
    }

    // The site root needs host.json routePrefix "" and, under the Functions host, AzureWebJobsDisableHomepage=true
    // (the host's own home page answers "/" otherwise).
    [Function(HomeName)]
    public static async Task<IResult> Home(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "/")] HttpRequest request) => await ShowFormAsync(request);

    /// <summary>The form in the language the query names, filled with the posted draft (its idempotency key too).</summary>
    private static async Task<IResult> SwitchLanguageAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!TipRequestReader.IsForm(request))
        {
            return TypedResults.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        }

        if (request.ContentLength > TipLimits.MaxBodyBytes)
        {
            return TypedResults.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        var draft = await TipRequestReader.ReadFormDraftAsync(request, cancellationToken);
        return Html(await FormPages.FormAsync(FormTexts.For(request.Query["lang"].ToString()), draft));
    }

    internal static CompressedText Html(string html, int status = StatusCodes.Status200OK) => new(html, "text/html; charset=utf-8", status);

    internal static async Task<CompressedText> ShowFormAsync(HttpRequest request)
    {
        var texts = request.Query.TryGetValue("lang", out var lang) && !string.IsNullOrWhiteSpace(lang)
            ? FormTexts.For(lang)
            : FormTexts.FromAcceptLanguage(request.Headers.AcceptLanguage) ?? FormTexts.English;
        return Html(await FormPages.FormAsync(texts));
    }
}
