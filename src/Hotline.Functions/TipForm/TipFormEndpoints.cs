using Microsoft.AspNetCore.Http.HttpResults;

namespace Hotline.Functions.TipForm;

/// <summary><c>GET /</c> and <c>GET /api/tips/form</c>: the web form, in the tipster's language.</summary>
internal static class TipFormEndpoints
{
    public static IEndpointRouteBuilder MapTipForm(this IEndpointRouteBuilder app)
    {
        // "/" doubles as the Functions host's readiness probe.
        app.MapGet("/", ShowForm).ExcludeFromDescription();
        var form = app.MapGroup(FormPages.FormPath).ExcludeFromDescription();
        form.MapGet("/", ShowForm).WithName("TipForm");
        form.MapGet("/style.css", () => TypedResults.Text(FormPages.Style, "text/css; charset=utf-8"));
        form.MapGet("/quick-exit.js", () => TypedResults.Text(FormPages.Script, "text/javascript; charset=utf-8"));
        return app;
    }

    internal static ContentHttpResult ShowForm(HttpRequest request)
    {
        var texts = request.Query.TryGetValue("lang", out var lang) && !string.IsNullOrWhiteSpace(lang)
            ? FormTexts.For(lang)
            : FormTexts.FromAcceptLanguage(request.Headers.AcceptLanguage) ?? FormTexts.English;
        return TypedResults.Text(FormPages.Form(texts), "text/html; charset=utf-8");
    }
}
