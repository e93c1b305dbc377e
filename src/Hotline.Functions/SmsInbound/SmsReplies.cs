using System.Globalization;

namespace Hotline.Functions.SmsInbound;

/// <summary>
/// What the hotline texts back, per language. Short on purpose: one SMS segment where it fits
/// (70 characters in Arabic script or Cyrillic, 160 in plain Latin), the case number always intact.
/// </summary>
internal sealed record SmsReplies(
    string Language,
    string MenuName,
    string Received,
    string Added,
    string Danger,
    string Help,
    string Empty,
    string LanguageSet)
{
    /// <summary>Replies read right to left (Arabic, Farsi): the case number in them is isolated.</summary>
    public bool RightToLeft => CultureInfo.GetCultureInfo(Language).TextInfo.IsRightToLeft;

    public static IReadOnlyList<SmsReplies> All { get; } =
    [
        new("en", "English", "Received, case {0}. Text more anytime. HELP for info.", "Added to case {0}.", " Danger now? Call 112.", "Anonymous trafficking hotline. Text what happened and where. LANG: language. STOP: no replies. Danger: 112.", "Empty message. Text us what happened.", "Language: English."),
        new("ar", "العربية", "وصلنا. رقم القضية {0}", "أُضيف إلى القضية {0}", " خطر الآن؟ اتصل 112", "خط سري ضد الاتجار بالبشر. اكتب ماذا حدث وأين. خطر: 112", "رسالة فارغة. اكتب ماذا حدث.", "اللغة: العربية"),
        new("fa", "فارسی", "دریافت شد. شماره پرونده {0}", "به پرونده {0} افزوده شد", " خطر فوری؟ ۱۱۲", "خط ناشناس ضد قاچاق انسان. بنویسید چه شد و کجا. خطر: ۱۱۲", "پیام خالی است. بنویسید چه شده.", "زبان: فارسی"),
        new("uk", "Українська", "Отримано. Справа {0}", "Додано до справи {0}", " Небезпека? 112", "Анонімна лінія проти торгівлі людьми. Напишіть, що і де. 112", "Порожнє повідомлення. Напишіть, що сталося.", "Мова: українська"),
        new("ru", "Русский", "Получено. Дело {0}", "Добавлено к делу {0}", " Опасность? 112", "Анонимная линия против торговли людьми. Напишите, что и где. 112", "Пустое сообщение. Напишите, что случилось.", "Язык: русский"),
        new("fr", "Francais", "Recu, dossier {0}. Ecrivez-nous a tout moment. HELP: infos.", "Ajoute au dossier {0}.", " Danger? Appelez le 112.", "Ligne anonyme contre la traite. Ecrivez ce qui se passe et ou. LANG: langue. STOP: plus de reponses. Danger: 112.", "Message vide. Ecrivez-nous ce qui se passe.", "Langue: francais."),
        new("sq", "Shqip", "U mor, rasti {0}. Shkruani kur te doni. HELP: info.", "U shtua te rasti {0}.", " Rrezik? Telefononi 112.", "Linje anonime kunder trafikimit. Shkruani cfare ndodhi dhe ku. LANG: gjuha. STOP: pa pergjigje. Rrezik: 112.", "Mesazh bosh. Na shkruani cfare ndodhi.", "Gjuha: shqip."),
        new("es", "Espanol", "Recibido, caso {0}. Escribanos cuando quiera. HELP: info.", "Agregado al caso {0}.", " Peligro? Llame al 112.", "Linea anonima contra la trata. Escriba que paso y donde. LANG: idioma. STOP: sin respuestas. Peligro: 112.", "Mensaje vacio. Escribanos que paso.", "Idioma: espanol."),
    ];

    public static SmsReplies English => All[0];

    /// <summary>The numbered language menu (LANG): every language names itself.</summary>
    public static string Menu { get; } = "LANG + " + string.Join(", ", All.Select((r, i) => $"{i + 1} {r.MenuName}"));

    public static SmsReplies For(string? language) =>
        All.FirstOrDefault(r => language is not null && string.Equals(r.Language, language.Split('-', 2)[0], StringComparison.OrdinalIgnoreCase)) ?? English;

    /// <summary>Reads a LANG choice: a menu number, a code (<c>AR</c>) or a language's own name.</summary>
    public static SmsReplies? Choose(string choice)
    {
        var c = choice.Trim();

        // Any script's digits: Arabic-Indic (٢) and Persian (۲) keypads send their own.
        if (c.Length > 0 && c.All(char.IsDigit))
        {
            var n = c.Aggregate(0L, (total, digit) => Math.Min((total * 10) + (long)char.GetNumericValue(digit), int.MaxValue));
            return n >= 1 && n <= All.Count ? All[(int)n - 1] : null;
        }

        return All.FirstOrDefault(r => string.Equals(r.Language, c, StringComparison.OrdinalIgnoreCase) || string.Equals(r.MenuName, c, StringComparison.OrdinalIgnoreCase));
    }
}
