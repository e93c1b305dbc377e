using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hotline.Functions.Http.Pages;

/// <summary>
/// Renders a Razor component to an HTML string with the shared framework's <see cref="HtmlRenderer"/>: the same
/// code under the Functions worker and standalone, and in any other host (the responder console) since it needs
/// neither ASP.NET Core's pipeline nor the app's container. Every value a component writes is HTML-encoded.
/// </summary>
internal static class PageRenderer
{
    /// <summary>
    /// The renderer encodes with this: it still escapes <c>&lt; &gt; &amp;</c> and quotes, but leaves Arabic, Persian
    /// and Cyrillic as they are (the default encoder writes every non-ASCII letter as an entity, which would make a
    /// Tigrinya page several times larger on a 2G phone).
    /// </summary>
    public static HtmlEncoder Encoder { get; } = HtmlEncoder.Create(UnicodeRanges.All);

    private static readonly ServiceProvider Services = new ServiceCollection().AddSingleton(Encoder).BuildServiceProvider();

    /// <summary>
    /// The component's HTML. A renderer per page: an <see cref="HtmlRenderer"/> keeps every root component it rendered
    /// until it is disposed, so a shared one would grow with every visit.
    /// </summary>
    public static async Task<string> RenderAsync<TComponent>(Dictionary<string, object?> parameters)
        where TComponent : IComponent
    {
        await using var renderer = new HtmlRenderer(Services, NullLoggerFactory.Instance);
        return await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var page = await renderer.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(parameters));
            return AsHtml(page.ToHtmlString());
        });
    }

    /// <summary>
    /// HtmlRenderer closes void elements the XHTML way (<c>&lt;input ... /&gt;</c>); the pages are HTML and have
    /// always been sent as <c>&lt;input ...&gt;</c> (what the tests and the size budget hold). Only tag syntax can
    /// contain <c>/&gt;</c>: every value a template writes is encoded (<c>&gt;</c> becomes <c>&amp;gt;</c>) and no
    /// template writes raw markup, so the replacement cannot touch what a tipster typed.
    /// </summary>
    private static string AsHtml(string xhtml) => xhtml.Replace(" />", ">", StringComparison.Ordinal);
}
