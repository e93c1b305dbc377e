using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace Hotline.Functions.TipForm;

/// <summary>
/// The web form, in the tipster's language: <c>GET /api/tips/form</c> with its stylesheet and script
/// (<c>style.css</c>, <c>quick-exit.js</c>), and <c>GET /</c>, the address a tipster is given.
/// </summary>
internal static class TipFormFunction
{
    public const string Name = "TipForm";
    public const string HomeName = "TipFormHome";

    // The asset is read from the path, not from route values, so both hosts see the same thing.
    [Function(Name)]
    public static IResult Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/tips/form/{asset?}")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = request.Path.Value?.TrimEnd('/').ToLowerInvariant();
        return path switch
        {
            FormPages.FormPath => ShowForm(request),
            FormPages.StylePath => TypedResults.Text(FormPages.Style, "text/css; charset=utf-8"),
            FormPages.ScriptPath => TypedResults.Text(FormPages.Script, "text/javascript; charset=utf-8"),
            _ => TypedResults.NotFound(),
        };
    }

    // The site root needs host.json routePrefix "" and, under the Functions host, AzureWebJobsDisableHomepage=true
    // (the host's own home page answers "/" otherwise).
    [Function(HomeName)]
    public static IResult Home(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "/")] HttpRequest request) => ShowForm(request);

    internal static ContentHttpResult ShowForm(HttpRequest request)
    {
        var texts = request.Query.TryGetValue("lang", out var lang) && !string.IsNullOrWhiteSpace(lang)
            ? FormTexts.For(lang)
            : FormTexts.FromAcceptLanguage(request.Headers.AcceptLanguage) ?? FormTexts.English;
        return TypedResults.Text(FormPages.Form(texts), "text/html; charset=utf-8");
    }
}
