using System.Text;

namespace Hotline.Functions.Http.Pages;

/// <summary>
/// The pages' stylesheet and script: files beside this one (<c>style.css</c>, <c>quick-exit.js</c>), embedded in the
/// assembly and served same-origin (the CSP allows <c>'self'</c> and nothing inline), at the form's paths where
/// tipsters' browsers and the tests have always found them.
/// </summary>
/// <remarks>
/// <para>
/// <c>style.css</c>: the header (the exit) stays in view only where there is room: on a short or zoomed screen a
/// sticky header would cover the field being typed in (WCAG 2.4.11). Language links are inline blocks with margins,
/// not flex gaps, so old engines (KaiOS, Opera Mini) do not run them together.
/// </para>
/// <para>
/// <c>quick-exit.js</c> is optional. With JavaScript on, the whole visit is one history entry: the report is sent and
/// the language switched with fetch, the answer replacing the page in place (a rejection comes back as the form with
/// the draft). The same goes for the follow-up's forms (the code, the added message) and for the pages' own links
/// between the form and the follow-up: a tipster who comes back leaves one history entry too. The quick exit blanks the page at once, then replaces this history entry with the neutral site, so
/// Back does not return and nothing stays on screen while a slow or blocked exit site loads. Space on the exit
/// button leaves too, as on any button; and Shift pressed three times within 5 seconds leaves (GOV.UK's "Exit this
/// page"), its hint shown only where there is a keyboard. Not Escape: it also dismisses autocomplete and keyboard
/// pop-ups while typing, and a draft must not be lost to that. Shift held to type a letter does not count. With
/// JavaScript off, every link and button still works as a plain page's would.
/// </para>
/// <para>The comments live here, not in the files: every visit downloads both again (<c>Cache-Control: no-store</c>).</para>
/// </remarks>
internal static class PageAssets
{
    public const string StylePath = "/api/tips/form/style.css";
    public const string ScriptPath = "/api/tips/form/quick-exit.js";

    /// <summary>The pages' favicon: an empty answer, so browsers stop asking (and logging a 404).</summary>
    public const string IconPath = "/api/tips/form/favicon.ico";

    public static string Style { get; } = Read("style.css");

    public static string Script { get; } = Read("quick-exit.js");

    private static string Read(string file)
    {
        using var stream = typeof(PageAssets).Assembly.GetManifestResourceStream("Hotline.Functions.Http.Pages." + file)
            ?? throw new InvalidDataException($"Http/Pages/{file} is not embedded in the assembly.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
