using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Hotline.Functions.TipForm;

/// <summary>
/// The web form's pages, rendered on the server: plain HTML that works with JavaScript off, on a
/// small phone and in Tor Browser's safest mode; one same-origin stylesheet and one optional script.
/// </summary>
internal static class FormPages
{
    public const string FormPath = "/api/tips/form";
    public const string StylePath = FormPath + "/style.css";
    public const string ScriptPath = FormPath + "/quick-exit.js";

    /// <summary>A neutral page to jump to: news-free weather, nothing that hints at a hotline.</summary>
    public const string QuickExitUrl = "https://www.bbc.com/weather";

    // Keep Arabic, Persian and Cyrillic readable in the source; still escapes <, >, &, quotes.
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    public static string Form(FormTexts t)
    {
        var body = new StringBuilder();
        body.Append("<h1>").Append(E(t.Title)).Append("</h1>\n");
        body.Append("<p>").Append(E(t.Intro)).Append("</p>\n");
        body.Append("<p class=\"emergency\" role=\"note\">").Append(E(t.Emergency)).Append("</p>\n");
        body.Append("<form method=\"post\" action=\"/api/tips\" accept-charset=\"utf-8\">\n");
        body.Append("<input type=\"hidden\" name=\"language\" value=\"").Append(E(t.Language)).Append("\">\n");
        body.Append("<input type=\"hidden\" name=\"idempotencyKey\" value=\"").Append(NewIdempotencyKey()).Append("\">\n");
        body.Append("<label for=\"message\">").Append(E(t.MessageLabel)).Append("</label>\n");
        body.Append("<p class=\"hint\" id=\"message-hint\">").Append(E(t.MessageHint)).Append("</p>\n");
        body.Append("<textarea id=\"message\" name=\"message\" rows=\"8\" maxlength=\"10000\" required dir=\"auto\" autocomplete=\"off\" aria-describedby=\"message-hint\"></textarea>\n");
        body.Append("<label for=\"location\">").Append(E(t.LocationLabel)).Append("</label>\n");
        body.Append("<input id=\"location\" name=\"location\" type=\"text\" maxlength=\"500\" dir=\"auto\" autocomplete=\"off\">\n");
        body.Append("<label for=\"contact\">").Append(E(t.ContactLabel)).Append("</label>\n");
        body.Append("<p class=\"hint\" id=\"contact-hint\">").Append(E(t.ContactHint)).Append("</p>\n");
        body.Append("<input id=\"contact\" name=\"contact\" type=\"text\" maxlength=\"200\" dir=\"auto\" autocomplete=\"off\" aria-describedby=\"contact-hint\">\n");
        body.Append("<button type=\"submit\">").Append(E(t.Submit)).Append("</button>\n");
        body.Append("</form>\n");
        body.Append("<p class=\"privacy\">").Append(E(t.WhatHappens)).Append("</p>\n");
        return Page(t, t.Title, body.ToString());
    }

    public static string ThankYou(FormTexts t, string receipt)
    {
        var body = new StringBuilder();
        body.Append("<h1>").Append(E(t.ThankYouTitle)).Append("</h1>\n");
        body.Append("<p>").Append(E(t.ReceiptIntro)).Append("</p>\n");
        body.Append("<p class=\"receipt\" dir=\"ltr\" lang=\"en\" id=\"receipt\">").Append(E(receipt)).Append("</p>\n");
        body.Append("<p>").Append(E(t.ReceiptKeep)).Append("</p>\n");
        body.Append("<p class=\"emergency\" role=\"note\">").Append(E(t.Emergency)).Append("</p>\n");
        return Page(t, t.ThankYouTitle, body.ToString());
    }

    public static string Error(FormTexts t, string message)
    {
        var body = new StringBuilder();
        body.Append("<h1>").Append(E(t.ErrorTitle)).Append("</h1>\n");
        body.Append("<p class=\"error\" role=\"alert\">").Append(E(message)).Append("</p>\n");
        body.Append("<p><a href=\"").Append(FormPath).Append("?lang=").Append(E(t.Language)).Append("\">").Append(E(t.ErrorBack)).Append("</a></p>\n");
        body.Append("<p class=\"emergency\" role=\"note\">").Append(E(t.Emergency)).Append("</p>\n");
        return Page(t, t.ErrorTitle, body.ToString());
    }

    private static string Page(FormTexts t, string title, string main)
    {
        var sb = new StringBuilder(4096);
        sb.Append("<!doctype html>\n<html lang=\"").Append(E(t.Language)).Append("\" dir=\"").Append(t.Direction).Append("\">\n<head>\n");
        sb.Append("<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        sb.Append("<meta name=\"referrer\" content=\"no-referrer\">\n<meta name=\"robots\" content=\"noindex, nofollow\">\n");
        sb.Append("<title>").Append(E(title)).Append("</title>\n");
        sb.Append("<link rel=\"stylesheet\" href=\"").Append(StylePath).Append("\">\n</head>\n<body>\n");
        sb.Append("<header>\n<div class=\"exit\">\n<a class=\"quick-exit\" id=\"quick-exit\" href=\"").Append(QuickExitUrl).Append("\" rel=\"noreferrer noopener\">").Append(E(t.QuickExit)).Append("</a>\n");
        // The shortcut needs the script: the script shows the hint.
        sb.Append("<span class=\"hint\" id=\"quick-exit-hint\" hidden>").Append(E(t.QuickExitHint)).Append("</span>\n</div>\n");
        sb.Append("<nav class=\"languages\" aria-label=\"Language\">\n<ul>\n");
        foreach (var other in FormTexts.All)
        {
            sb.Append("<li><a href=\"").Append(FormPath).Append("?lang=").Append(other.Language).Append("\" lang=\"").Append(other.Language)
                .Append("\" hreflang=\"").Append(other.Language).Append("\" dir=\"").Append(other.Direction).Append('"')
                .Append(other.Language == t.Language ? " aria-current=\"page\"" : string.Empty).Append('>').Append(E(other.NativeName)).Append("</a></li>\n");
        }

        sb.Append("</ul>\n</nav>\n</header>\n<main>\n").Append(main).Append("</main>\n");
        sb.Append("<script src=\"").Append(ScriptPath).Append("\"></script>\n</body>\n</html>\n");
        return sb.ToString();
    }

    private static string E(string text) => Html.Encode(text);

    private static string NewIdempotencyKey() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public const string Style = """
        *{box-sizing:border-box}
        html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Arabic",Tahoma,sans-serif;font-size:18px;line-height:1.5;color:#1b1b1b;background:#fff}
        body{margin:0 auto;max-width:40rem;padding:0 1rem 2rem}
        header{position:sticky;top:0;z-index:1;background:#fff;display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;justify-content:space-between;padding:.5rem 0;border-bottom:1px solid #ddd}
        .quick-exit{display:inline-block;padding:.6rem 1rem;background:#b00020;color:#fff;font-weight:700;text-decoration:none;border-radius:.4rem;box-shadow:0 2px 6px rgba(0,0,0,.3)}
        .quick-exit:focus,.quick-exit:hover{background:#7a0016;outline:3px solid #000}
        .exit{display:flex;flex-direction:column;align-items:flex-start;gap:.15rem}
        .exit .hint{margin:0;font-size:.8rem}
        .languages ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem .75rem}
        .languages a{color:#0b4f9c}
        .languages a[aria-current]{font-weight:700;color:#1b1b1b;text-decoration:none}
        h1{font-size:1.5rem;line-height:1.25;margin:1rem 0 .5rem}
        .emergency{padding:.6rem .8rem;background:#fff4e5;border-inline-start:.4rem solid #e65100;font-weight:600}
        label{display:block;font-weight:600;margin-top:1rem}
        .hint{margin:.1rem 0 .3rem;color:#555;font-size:.9rem}
        textarea,input[type=text]{display:block;width:100%;font:inherit;padding:.5rem;border:2px solid #555;border-radius:.3rem;margin-top:.25rem}
        textarea:focus,input:focus{outline:3px solid #0b4f9c;outline-offset:1px}
        button{margin-top:1.25rem;width:100%;padding:.8rem;font:inherit;font-weight:700;background:#0b4f9c;color:#fff;border:0;border-radius:.4rem;cursor:pointer}
        button:focus,button:hover{background:#073a73;outline:3px solid #000}
        .privacy{margin-top:1.5rem;color:#444;font-size:.9rem}
        .receipt{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:1.6rem;white-space:nowrap;letter-spacing:.1em;font-weight:700;text-align:center;padding:.75rem;border:2px dashed #0b4f9c;border-radius:.4rem}
        .error{color:#b00020;font-weight:600}
        """;

    // Optional: with JavaScript on, the quick exit also removes this page from the tab's history,
    // and Shift pressed three times within 5 seconds leaves too (GOV.UK's "Exit this page"). Not
    // Escape: it also dismisses autocomplete and keyboard pop-ups while typing, and a draft must not
    // be lost to that. Shift held to type a letter does not count. With JavaScript off, the link still leaves.
    public const string Script = """
        (function () {
          var exit = document.getElementById('quick-exit');
          if (!exit) { return; }
          var hint = document.getElementById('quick-exit-hint');
          if (hint) { hint.hidden = false; }
          function leave(e) { if (e) { e.preventDefault(); } window.location.replace(exit.href); }
          exit.addEventListener('click', leave);
          var presses = 0, chord = false, timer = null;
          function reset() { presses = 0; if (timer) { clearTimeout(timer); timer = null; } }
          document.addEventListener('keydown', function (e) {
            if (e.key === 'Shift') { if (!e.repeat) { chord = false; } return; }
            chord = true;
            reset();
          });
          document.addEventListener('keyup', function (e) {
            if (e.key !== 'Shift' || chord) { return; }
            presses += 1;
            if (presses >= 3) { reset(); leave(); return; }
            if (!timer) { timer = setTimeout(reset, 5000); }
          });
        })();
        """;
}
