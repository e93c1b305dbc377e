using Hotline.Text;

namespace Hotline.Triage;

/// <summary>
/// Rule-based triage: <see cref="Urgency.Urgent"/> when a report points at immediate danger,
/// <see cref="Urgency.High"/> at signs of trafficking, otherwise <see cref="Urgency.Normal"/>.
/// Matching runs on <see cref="TextNormalizer.Fold"/>ed text in every language at once (tipsters
/// mix languages). Latin and Cyrillic terms match at a word start (so stems catch inflections);
/// Arabic-script terms match anywhere, since prefixes (و، ال، ب) attach to the word.
/// Rules err towards paging: a false alarm costs a responder a look, a miss can cost a life.
/// </summary>
public static class UrgencyClassifier
{
    private static readonly (string Language, Urgency Urgency, string[] Terms)[] Rules =
    [
        ("en", Urgency.Urgent, ["help now", "help me now", "help us now", "need help now", "sos", "emergency", "urgent", "locked in", "locked up", "locked us", "locked me", "locked the door", "beaten", "beat me", "beat us", "beating", "hit us", "gun", "knife", "weapon", "kill", "murder", "kidnap", "abduct", "child", "children", "kids", "minor", "underage", "took our passports", "took their passports", "took my passport", "took our documents", "has our passports", "has their passports", "keeps our passports", "keeps their passports", "holds our passports", "passport taken", "passports taken", "taken our passports", "rape", "bleeding", "tortur", "cannot leave", "can't leave", "cant leave", "not allowed to leave", "dying"]),
        ("en", Urgency.High, ["traffick", "smuggl", "forced", "force us", "force me", "debt", "owe ", "not paid", "no pay", "unpaid", "without pay", "threat", "prostitut", "sex work", "exploit", "confiscat", "passport", "documents", "slave", "trapped", "sold", "recruit", "fake job"]),
        ("ar", Urgency.Urgent, ["النجدة", "الحقوني", "الحقونا", "ساعدونا الآن", "ساعدوني الآن", "عاجل", "فورا", "محبوس", "محبوسين", "محتجز", "حبسونا", "قفلوا علينا", "مقفل علينا", "يضربون", "ضربونا", "ضربوني", "سلاح", "مسدس", "سكين", "يقتل", "قتل", "خطف", "اختطاف", "طفل", "أطفال", "قاصر", "قاصرين", "أخذوا جواز", "أخذوا جوازات", "سحبوا جواز", "صادروا جواز", "اغتصاب", "اغتصبوا", "ينزف", "تعذيب"]),
        ("ar", Urgency.High, ["اتجار", "الإتجار", "تهريب", "مهرب", "ديون", "دين علي", "بدون أجر", "لا يدفعون", "بلا راتب", "إجبار", "أجبرونا", "يجبروننا", "تهديد", "يهددون", "دعارة", "استغلال", "جواز", "جوازات", "وثائق", "أوراقنا", "عبودية", "باعونا"]),
        ("fa", Urgency.Urgent, ["فوری", "نجات", "کمک فوری", "زندانی", "حبس", "قفل کردند", "در را قفل", "کتک", "میزنند", "می زنند", "اسلحه", "تفنگ", "چاقو", "میکشند", "می کشند", "کشتن", "آدم ربایی", "ربودند", "ربوده", "کودک", "بچه", "پاسپورت ما را گرفت", "پاسپورتم را گرفت", "گذرنامه ما را گرفت", "تجاوز", "شکنجه"]),
        ("fa", Urgency.High, ["قاچاق", "بدهی", "قرض", "مجبور", "تهدید", "حقوق نمیدهند", "پول نمیدهند", "بهره کشی", "استثمار", "روسپی", "فحشا", "پاسپورت", "گذرنامه", "مدارک", "برده", "فروختند"]),
        ("ps", Urgency.Urgent, ["بیړنی", "مرسته وکړئ", "وهل", "وهي", "وسله", "ټوپک", "چاړه", "وژني", "ماشوم", "تښتول", "تښتولی", "بندي"]),
        ("ps", Urgency.High, ["قاچاق", "ګواښ", "پاسپورټ", "پاسپورت", "مجبور", "اسناد"]),
        ("uk", Urgency.Urgent, ["терміново", "негайно", "рятуйте", "допоможіть негайно", "зачинені", "замкнені", "замкнули", "зачинили", "б'ють", "побили", "зброя", "зброю", "пістолет", "ніж", "вбити", "вб'ють", "уб'ють", "викрали", "викрадення", "дитина", "дитину", "діти", "дітей", "неповнолітн", "забрали паспорт", "паспорти забрали", "забрали документи", "зґвалт", "катують"]),
        ("uk", Urgency.High, ["торгівля людьми", "торгівлі людьми", "контрабанд", "борг", "змушують", "примус", "погрожують", "погроз", "загроз", "не платять", "без оплати", "експлуат", "проститу", "паспорт", "документ", "рабство", "продали"]),
        ("ru", Urgency.Urgent, ["срочно", "немедленно", "спасите", "помогите срочно", "заперли", "заперты", "взаперти", "бьют", "избили", "оружие", "пистолет", "нож", "убить", "убьют", "похитили", "похищ", "ребенок", "ребенка", "дети", "детей", "несовершеннолетн", "забрали паспорт", "паспорта забрали", "отобрали паспорт", "отобрали документы", "изнасил", "пытают"]),
        ("ru", Urgency.High, ["торговля людьми", "торговли людьми", "контрабанд", "долг", "заставляют", "принужд", "угрожают", "угроз", "не платят", "без оплаты", "эксплуат", "проститу", "паспорт", "документ", "рабство", "продали"]),
        ("fr", Urgency.Urgent, ["au secours", "urgent", "urgence", "aidez nous vite", "enfermé", "enfermés", "enfermées", "séquestr", "battu", "battus", "frappé", "nous frappent", "arme", "pistolet", "couteau", "tuer", "enlevé", "enlèvement", "kidnapp", "enfant", "mineur", "pris nos passeports", "pris mon passeport", "passeports confisqués", "passeport confisqué", "viol", "torture", "saigne"]),
        ("fr", Urgency.High, ["traite", "trafic", "passeur", "dette", "forcé", "forcés", "obligé", "menace", "pas payé", "sans salaire", "exploit", "prostitu", "passeport", "papiers", "esclav", "vendu"]),
        ("sq", Urgency.Urgent, ["urgjent", "menjëherë", "shpëtoni", "na kanë mbyllur", "mbyllur brenda", "mbyllur", "rrahin", "rrahur", "na rrahën", "armë", "pistoletë", "thikë", "vrasin", "vrasje", "rrëmbyer", "rrëmbim", "fëmijë", "fëmijët", "i mitur", "na morën pasaportat", "na i morën pasaportat", "morën pasaport", "përdhun", "torturë"]),
        ("sq", Urgency.High, ["trafikim", "trafikant", "kontrabandë", "borxh", "detyrojnë", "detyruar", "kërcënojnë", "kërcënim", "nuk paguajnë", "pa pagesë", "shfrytëz", "prostitu", "pasaport", "dokument", "skllav", "shitën"]),
        ("es", Urgency.Urgent, ["socorro", "auxilio", "urgente", "encerrados", "encerrada", "encerrado", "encerradas", "golpean", "golpearon", "golpes", "arma", "pistola", "cuchillo", "matar", "secuestr", "niño", "niña", "niños", "menor de edad", "menores", "quitaron el pasaporte", "quitaron los pasaportes", "nos quitaron los pasaportes", "violación", "violada", "tortura"]),
        ("es", Urgency.High, ["trata", "tráfico", "contrabando", "deuda", "obligan", "forzad", "amenaz", "no pagan", "sin pago", "sin sueldo", "explot", "prostitu", "pasaporte", "documentos", "esclav", "vendieron"]),
    ];

    private static readonly (string Term, bool AnyPosition, Urgency Urgency, string Language)[] Terms = Rules
        .SelectMany(r => r.Terms.Select(t => (Fold(t), IsArabicScript(t), r.Urgency, r.Language)))
        .ToArray();

    /// <summary>The languages with their own rules.</summary>
    public static IReadOnlySet<string> Languages { get; } = Rules.Select(r => r.Language).ToHashSet(StringComparer.Ordinal);

    public static Urgency Classify(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var folded = TextNormalizer.Fold(message);
        var result = Urgency.Normal;
        foreach (var (term, anyPosition, urgency, _) in Terms)
        {
            if (urgency > result && folded.Contains(anyPosition ? term : ' ' + term, StringComparison.Ordinal))
            {
                result = urgency;
                if (result == Urgency.Urgent)
                {
                    break;
                }
            }
        }

        return result;
    }

    // A term folds like the text, without the padding spaces (a stem may end mid-word).
    private static string Fold(string term) => TextNormalizer.Fold(term).Trim();

    private static bool IsArabicScript(string term) => term.Any(c => c is >= '\u0600' and <= '\u06FF');
}
