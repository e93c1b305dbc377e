using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using Hotline.Functions.Intake;
using Hotline.Functions.Texts;

namespace Hotline.Functions.TipForm;

/// <summary>
/// The web form's pages, rendered on the server: plain HTML that works with JavaScript off, on a
/// small phone and in Tor Browser's safest mode; one same-origin stylesheet and one optional script.
/// </summary>
internal static partial class FormPages
{
    public const string FormPath = "/api/tips/form";
    public const string StylePath = FormPath + "/style.css";
    public const string ScriptPath = FormPath + "/quick-exit.js";

    /// <summary>The form page's favicon: an empty answer, so browsers stop asking (and logging a 404).</summary>
    public const string IconPath = FormPath + "/favicon.ico";

    /// <summary>
    /// Where the quick exit goes: a weather search in the page's language (<see cref="FormTexts.ExitSearch"/>) on a
    /// site that is neither news nor blocked along the routes (BBC is blocked in Iran and Russia). The query word
    /// is neutral in a history list.
    /// </summary>
    public static string QuickExitUrl(FormTexts texts) => "https://www.google.com/search?q=" + Uri.EscapeDataString(texts.ExitSearch);

    // Keep Arabic, Persian and Cyrillic readable in the source; still escapes <, >, &, quotes.
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    /// <summary>
    /// The form: empty, or with the tipster's draft and the idempotency key it was sent with, and an error tied
    /// to its field, after a refusal (a draft typed for twenty minutes must survive a rejection, and its retry
    /// must not file a second report).
    /// </summary>
    public static string Form(FormTexts t, FormDraft? draft = null, FormError? error = null)
    {
        var body = new StringBuilder();
        body.Append("<h1>").Append(E(t.Title)).Append("</h1>\n");
        if (error is not null)
        {
            body.Append("<div class=\"error-summary\" role=\"alert\" id=\"error-summary\" tabindex=\"-1\"><p>").Append(E(t.ErrorSummary)).Append("</p>\n<p class=\"error\">");
            body.Append(error.Field is { } field ? $"<a href=\"#{field}\">{E(error.Text)}</a>" : E(error.Text)).Append("</p></div>\n");
        }
        else
        {
            body.Append("<p>").Append(E(t.Intro)).Append("</p>\n");
        }

        body.Append("<p class=\"emergency\" role=\"note\">").Append(Emergency(t)).Append("</p>\n");
        body.Append("<form method=\"post\" action=\"/api/tips?lang=").Append(E(t.Language)).Append("\" accept-charset=\"utf-8\" id=\"tip-form\" data-offline=\"").Append(E(t.ErrorUnavailable)).Append("\">\n");
        body.Append("<input type=\"hidden\" name=\"language\" value=\"").Append(E(t.Language)).Append("\">\n");
        body.Append("<input type=\"hidden\" name=\"idempotencyKey\" value=\"").Append(E(draft?.IdempotencyKey ?? NewIdempotencyKey())).Append("\">\n");
        body.Append("<label for=\"message\">").Append(E(t.MessageLabel)).Append("</label>\n");
        body.Append("<p class=\"hint\" id=\"message-hint\">").Append(E(t.MessageHint)).Append("</p>\n");
        FieldError(body, error, "message");

        // A right-to-left page writes right to left: dir=auto would turn an Arabic report that starts with a
        // case number (Latin letters) left to right. A left-to-right page may still be written in Arabic.
        var direction = t.RightToLeft ? "rtl" : "auto";

        // The line break after <textarea> is eaten by the HTML parser, so a draft that starts with one keeps it.
        body.Append("<textarea id=\"message\" name=\"message\" rows=\"8\" maxlength=\"").Append(TipLimits.MessageLength).Append("\" required dir=\"").Append(direction)
            .Append("\" autocomplete=\"off\" aria-describedby=\"").Append(Described(error, "message", "message-hint")).Append('"').Append(Invalid(error, "message")).Append(">\n")
            .Append(E(draft?.Message ?? string.Empty)).Append("</textarea>\n");
        body.Append("<label for=\"location\">").Append(E(t.LocationLabel)).Append("</label>\n");
        FieldError(body, error, "location");
        body.Append("<input id=\"location\" name=\"location\" type=\"text\" maxlength=\"").Append(TipLimits.LocationLength).Append("\" dir=\"").Append(direction).Append("\" autocomplete=\"off\"")
            .Append(error?.Field == "location" ? " aria-describedby=\"location-error\" aria-invalid=\"true\"" : string.Empty).Append(" value=\"").Append(E(draft?.Location ?? string.Empty)).Append("\">\n");
        body.Append("<label for=\"contact\">").Append(E(t.ContactLabel)).Append("</label>\n");
        body.Append("<p class=\"hint\" id=\"contact-hint\">").Append(E(t.ContactHint)).Append("</p>\n");
        FieldError(body, error, "contact");
        body.Append("<input id=\"contact\" name=\"contact\" type=\"text\" maxlength=\"").Append(TipLimits.ContactLength).Append("\" dir=\"").Append(direction).Append("\" autocomplete=\"off\" aria-describedby=\"")
            .Append(Described(error, "contact", "contact-hint")).Append('"').Append(Invalid(error, "contact")).Append(" value=\"").Append(E(draft?.Contact ?? string.Empty)).Append("\">\n");
        body.Append("<button type=\"submit\" data-sending=\"").Append(E(t.Sending)).Append("\">").Append(E(t.Submit)).Append("</button>\n");
        body.Append("</form>\n");
        body.Append("<p class=\"privacy\">").Append(E(t.WhatHappens)).Append("</p>\n");
        return Page(t, body.ToString(), draftable: true);
    }

    /// <summary>The thank-you page: the case number, what happens next, and how to reach the hotline again.</summary>
    public static string ThankYou(FormTexts t, string receipt, string? hotlineNumber)
    {
        var body = new StringBuilder();
        body.Append("<h1>").Append(E(t.ThankYouTitle)).Append("</h1>\n");
        body.Append("<p>").Append(E(t.ReceiptIntro)).Append("</p>\n");
        body.Append("<p class=\"receipt\" dir=\"ltr\" lang=\"en\" id=\"receipt\">").Append(E(receipt)).Append("</p>\n");
        body.Append("<p>").Append(E(t.ReceiptKeep)).Append("</p>\n");
        body.Append("<p id=\"next-steps\">").Append(E(t.NextSteps)).Append("</p>\n");
        if (!string.IsNullOrWhiteSpace(hotlineNumber))
        {
            var number = $"<a href=\"sms:{E(hotlineNumber)}\" dir=\"ltr\" class=\"number\">{E(hotlineNumber)}</a>";
            body.Append("<p id=\"text-us\">").Append(E(t.TextUs).Replace("{0}", number, StringComparison.Ordinal)).Append("</p>\n");
        }

        body.Append("<p class=\"emergency\" role=\"note\">").Append(Emergency(t)).Append("</p>\n");
        return Page(t, body.ToString());
    }

    /// <summary>A refusal with no draft to give back (the request was not read: too large, too many).</summary>
    public static string Error(FormTexts t, string message)
    {
        var body = new StringBuilder();
        body.Append("<h1>").Append(E(t.ErrorTitle)).Append("</h1>\n");
        body.Append("<p class=\"error\" role=\"alert\">").Append(E(message)).Append("</p>\n");
        body.Append("<p><a href=\"").Append(FormPath).Append("?lang=").Append(E(t.Language)).Append("\">").Append(E(t.ErrorBack)).Append("</a></p>\n");
        body.Append("<p class=\"emergency\" role=\"note\">").Append(Emergency(t)).Append("</p>\n");
        return Page(t, body.ToString());
    }

    private static void FieldError(StringBuilder body, FormError? error, string field)
    {
        if (error?.Field == field)
        {
            body.Append("<p class=\"error field-error\" id=\"").Append(field).Append("-error\">").Append(E(error.Text)).Append("</p>\n");
        }
    }

    private static string Described(FormError? error, string field, string hint) => error?.Field == field ? $"{field}-error {hint}" : hint;

    private static string Invalid(FormError? error, string field) => error?.Field == field ? " aria-invalid=\"true\"" : string.Empty;

    /// <summary>The emergency line, its number a link a phone can dial, in whichever digits the language writes 112.</summary>
    private static string Emergency(FormTexts t)
    {
        var text = E(t.Emergency);
        var number = EmergencyNumber().Matches(text).FirstOrDefault(m => m.Value.Select(char.GetNumericValue).SequenceEqual([1d, 1d, 2d]));
        return number is null ? text : text[..number.Index] + "<a href=\"tel:112\">" + number.Value + "</a>" + text[(number.Index + number.Length)..];
    }

    // \d is every script's decimal digits (١١٢, ۱۱۲, ১১২), which the catalogue's languages write 112 in.
    [GeneratedRegex(@"(?<!\d)\d{3}(?!\d)", RegexOptions.CultureInvariant)]
    private static partial Regex EmergencyNumber();

    /// <summary>
    /// Every page has the same neutral title in its language: titles stay in the browser's history and
    /// tab list, and "Report human trafficking" there is a danger to whoever sees it.
    /// </summary>
    /// <param name="draftable">A form page: its language switch posts the draft (buttons of the form), so switching keeps it.</param>
    private static string Page(FormTexts t, string main, bool draftable = false)
    {
        var sb = new StringBuilder(4096);
        sb.Append("<!doctype html>\n<html lang=\"").Append(E(t.Language)).Append("\" dir=\"").Append(t.Direction).Append("\">\n<head>\n");
        sb.Append("<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        sb.Append("<meta name=\"referrer\" content=\"no-referrer\">\n<meta name=\"robots\" content=\"noindex, nofollow\">\n");
        sb.Append("<title>").Append(E(t.PageTitle)).Append("</title>\n");
        sb.Append("<link rel=\"icon\" href=\"").Append(IconPath).Append("\">\n");
        sb.Append("<link rel=\"stylesheet\" href=\"").Append(StylePath).Append("\">\n</head>\n<body>\n");
        sb.Append("<header>\n<div class=\"exit\">\n<a class=\"quick-exit\" id=\"quick-exit\" role=\"button\" href=\"").Append(E(QuickExitUrl(t))).Append("\" rel=\"noreferrer noopener\">").Append(E(t.QuickExit)).Append("</a>\n");
        // The shortcut needs the script and a keyboard: the script shows the hint where both are.
        sb.Append("<span class=\"hint\" id=\"quick-exit-hint\" hidden>").Append(E(t.QuickExitHint)).Append("</span>\n</div>\n</header>\n");

        // The switch is outside the header: 23 names wrap to several lines at 320 px, too tall to stay on screen.
        sb.Append("<nav class=\"languages\" aria-label=\"").Append(E(t.LanguageMenu)).Append("\">\n<ul>\n");
        foreach (var other in TextCatalogue.All.Select(l => l.Form))
        {
            if (other.Language == t.Language)
            {
                sb.Append("<li><span aria-current=\"page\" lang=\"").Append(other.Language).Append("\" dir=\"").Append(other.Direction).Append("\">").Append(E(other.NativeName)).Append("</span></li>\n");
            }
            else if (draftable)
            {
                sb.Append("<li><button type=\"submit\" class=\"language\" form=\"tip-form\" formmethod=\"post\" formnovalidate formaction=\"").Append(FormPath).Append("?lang=").Append(other.Language)
                    .Append("\" lang=\"").Append(other.Language).Append("\" dir=\"").Append(other.Direction).Append("\">").Append(E(other.NativeName)).Append("</button></li>\n");
            }
            else
            {
                sb.Append("<li><a href=\"").Append(FormPath).Append("?lang=").Append(other.Language).Append("\" lang=\"").Append(other.Language)
                    .Append("\" hreflang=\"").Append(other.Language).Append("\" dir=\"").Append(other.Direction).Append("\">").Append(E(other.NativeName)).Append("</a></li>\n");
            }
        }

        sb.Append("</ul>\n</nav>\n<main id=\"main\">\n").Append(main);
        sb.Append("<p class=\"private-note\">").Append(E(t.PrivateNote)).Append("</p>\n</main>\n");
        sb.Append("<script src=\"").Append(ScriptPath).Append("\"></script>\n</body>\n</html>\n");
        return sb.ToString();
    }

    private static string E(string text) => Html.Encode(text);

    private static string NewIdempotencyKey() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    // The header (the exit) stays in view only where there is room: on a short or zoomed screen a sticky header
    // would cover the field being typed in (WCAG 2.4.11). Language links are inline blocks with margins, not flex
    // gaps, so old engines (KaiOS, Opera Mini) do not run them together.
    public const string Style = """
        *{box-sizing:border-box}
        html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Arabic","Noto Sans Ethiopic","Noto Sans Bengali",Tahoma,sans-serif;font-size:18px;line-height:1.5;color:#1b1b1b;background:#fff}
        body{margin:0 auto;max-width:40rem;padding:0 1rem 2rem}
        header{background:#fff;padding:.5rem 0;overflow:hidden}
        @media (min-height:34rem){header{position:sticky;top:0;z-index:1}html{scroll-padding-top:6rem}}
        .quick-exit{display:inline-block;padding:.6rem 1rem;background:#b00020;color:#fff;font-weight:700;text-decoration:none;border-radius:.4rem;box-shadow:0 2px 6px rgba(0,0,0,.3)}
        .quick-exit:focus,.quick-exit:hover{background:#7a0016;outline:3px solid #000}
        .exit{display:block;margin-bottom:.35rem}
        .exit .hint{display:block;margin:.15rem 0 0;font-size:.8rem}
        .exit .hint[hidden]{display:none}
        .languages{padding:0 0 .4rem;border-bottom:1px solid #ddd;font-size:.9rem}
        .languages ul{list-style:none;margin:0;padding:0}
        .languages li{display:inline-block;margin:0 .9rem .2rem 0}
        [dir=rtl] .languages li{margin:0 0 .2rem .9rem}
        .languages a,.languages button.language{color:#0b4f9c;text-decoration:underline;background:none;border:0;padding:0;margin:0;width:auto;font:inherit;font-weight:400;cursor:pointer}
        .languages button.language:focus,.languages button.language:hover{background:none;outline:2px solid #0b4f9c}
        .languages [aria-current]{font-weight:700;color:#1b1b1b}
        h1{font-size:1.5rem;line-height:1.25;margin:1rem 0 .5rem}
        .emergency{padding:.6rem .8rem;background:#fff4e5;border-inline-start:.4rem solid #e65100;font-weight:600}
        .emergency a{color:inherit}
        label{display:block;font-weight:600;margin-top:1rem}
        .hint{margin:.1rem 0 .3rem;color:#555;font-size:.9rem}
        textarea,input[type=text]{display:block;width:100%;font:inherit;padding:.5rem;border:2px solid #555;border-radius:.3rem;margin-top:.25rem}
        textarea:focus,input:focus{outline:3px solid #0b4f9c;outline-offset:1px}
        [aria-invalid=true]{border-color:#b00020}
        button{margin-top:1.25rem;width:100%;padding:.8rem;font:inherit;font-weight:700;background:#0b4f9c;color:#fff;border:0;border-radius:.4rem;cursor:pointer}
        button:focus,button:hover{background:#073a73;outline:3px solid #000}
        button[disabled]{background:#555;cursor:progress}
        .privacy,.private-note{margin-top:1.5rem;color:#444;font-size:.9rem}
        .receipt{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:1.6rem;white-space:nowrap;letter-spacing:.05em;font-weight:700;text-align:center;padding:.75rem .25rem;border:2px dashed #0b4f9c;border-radius:.4rem}
        @media (max-width:24rem){.receipt{font-size:1.25rem;letter-spacing:0}}
        .number{white-space:nowrap;font-weight:700}
        .error{color:#b00020;font-weight:600}
        .error-summary{border:3px solid #b00020;padding:.5rem .8rem;margin:1rem 0}
        .error-summary p{margin:.25rem 0}
        """;

    // Optional: with JavaScript on,
    // - the whole visit is one history entry: the report is sent with fetch and the language switched with
    //   fetch, the answer replacing the page in place (a rejection comes back as the form with the draft);
    // - the quick exit blanks the page at once, then replaces this history entry with the neutral site,
    //   so Back does not return and nothing stays on screen while a slow or blocked exit site loads;
    // - Space on the exit button leaves too, as on any button; and Shift pressed three times within
    //   5 seconds leaves (GOV.UK's "Exit this page"), its hint shown only where there is a keyboard.
    //   Not Escape: it also dismisses autocomplete and keyboard pop-ups while typing, and a draft must not
    //   be lost to that. Shift held to type a letter does not count.
    // With JavaScript off, every link and button still works as a plain page's would.
    public const string Script = """
        (function () {
          var exit = document.getElementById('quick-exit');
          if (!exit) { return; }
          var target = exit.href;
          var hint = document.getElementById('quick-exit-hint');
          // Only where there is a keyboard to press Shift on: a fine pointer and no touch screen.
          if (hint && window.matchMedia && window.matchMedia('(pointer: fine)').matches && !(navigator.maxTouchPoints > 0) && !('ontouchstart' in window)) { hint.hidden = false; }
          function leave(e) {
            if (e) { e.preventDefault(); }
            document.title = '';
            document.body.innerHTML = '';
            window.location.replace(target);
          }
          document.addEventListener('click', function (e) {
            if (e.target && e.target.closest && e.target.closest('#quick-exit')) { leave(e); }
          });
          document.addEventListener('keydown', function (e) {
            if ((e.key === ' ' || e.key === 'Spacebar') && e.target && e.target.id === 'quick-exit') { leave(e); }
          });
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
          if (!window.fetch || !window.DOMParser || !window.URLSearchParams || !window.FormData) { return; }
          function show(html) {
            var next = new DOMParser().parseFromString(html, 'text/html');
            document.title = next.title;
            document.documentElement.lang = next.documentElement.lang;
            document.documentElement.dir = next.documentElement.dir;
            document.body.innerHTML = next.body.innerHTML;
            var focus = document.getElementById('error-summary') || document.querySelector('h1');
            if (focus) { focus.setAttribute('tabindex', '-1'); focus.focus(); }
            var help = document.getElementById('quick-exit-hint');
            if (help && hint && !hint.hidden) { help.hidden = false; }
          }
          function keep(form, text) {
            // A refusal that could not give the draft back (too many, too large, no answer): the page stays as it is.
            var old = document.getElementById('error-summary');
            if (old) { old.parentNode.removeChild(old); }
            var box = document.createElement('div');
            box.id = 'error-summary'; box.className = 'error-summary'; box.setAttribute('role', 'alert'); box.setAttribute('tabindex', '-1');
            box.textContent = text || form.getAttribute('data-offline') || '';
            form.parentNode.insertBefore(box, form);
            box.focus();
          }
          document.addEventListener('submit', function (e) {
            var form = e.target;
            // Without SubmitEvent.submitter a language button cannot be told from Send: the browser does it natively.
            if (!form || form.id !== 'tip-form' || !('submitter' in e)) { return; }
            var via = e.submitter;
            var action = via && via.getAttribute('formaction') ? via.getAttribute('formaction') : form.getAttribute('action');
            e.preventDefault();
            var send = form.querySelector('button[data-sending]');
            var label = send ? send.textContent : '';
            if (send && via === send) { send.disabled = true; send.textContent = send.getAttribute('data-sending'); }
            fetch(action, {
              method: 'POST',
              body: new URLSearchParams(new FormData(form)),
              headers: { 'Accept': 'text/html' },
              credentials: 'omit',
              cache: 'no-store'
            }).then(function (response) {
              return response.text().then(function (html) {
                var next = new DOMParser().parseFromString(html, 'text/html');
                if (response.ok || next.getElementById('tip-form')) { show(html); return; }
                if (send) { send.disabled = false; send.textContent = label; }
                var said = next.querySelector('.error');
                keep(form, said ? said.textContent : '');
              });
            }, function () {
              if (send) { send.disabled = false; send.textContent = label; }
              keep(form, '');
            });
          });
        })();
        """;
}
