namespace Hotline.Functions.TipForm;

/// <summary>The web form's words, per language. Right-to-left languages set <see cref="RightToLeft"/>.</summary>
internal sealed record FormTexts(
    string Language,
    string NativeName,
    bool RightToLeft,
    string Title,
    string Intro,
    string Emergency,
    string WhatHappens,
    string MessageLabel,
    string MessageHint,
    string LocationLabel,
    string ContactLabel,
    string ContactHint,
    string Submit,
    string QuickExit,
    string QuickExitHint,
    string ThankYouTitle,
    string ReceiptIntro,
    string ReceiptKeep,
    string ErrorTitle,
    string ErrorBack,
    string ErrorMessageMissing,
    string ErrorMessageTooLong,
    string ErrorInvalid,
    string ErrorTooLarge,
    string ErrorTooMany,
    string ErrorUnavailable,
    string PageTitle,
    string PrivateNote,
    string Sending,
    string LanguageMenu,
    string NextSteps,
    string TextUs,
    string ErrorSummary)
{
    public string Direction => RightToLeft ? "rtl" : "ltr";

    public static IReadOnlyList<FormTexts> All { get; } =
    [
        new("en", "English", false,
            "Report human trafficking — safely and anonymously",
            "Tell us what you saw or what is happening to you or someone else. You do not need an account or your name.",
            "In immediate danger? Call 112 (emergency number in Europe).",
            "Your report is encrypted as soon as it arrives. Only the hotline's responders can read it. We do not store your IP address and this page sets no cookies.",
            "What is happening? Where, who, since when?",
            "Write in any language.",
            "Place (town, street, border crossing) — optional",
            "How can we reach you safely? — optional",
            "Only if it is safe. Leave empty to stay anonymous.",
            "Send report",
            "Leave this site quickly",
            "or press Shift 3 times",
            "Thank you. Your report is safe with us.",
            "Your case number:",
            "Write it down or remember it. Quote it if you contact us again. It does not reveal who you are.",
            "Your report was not sent",
            "Back to the form. If your text is no longer there, please write it again.",
            "Please write your report before sending.",
            "Your report is too long (at most 10,000 characters).",
            "Something in the form could not be read. Please check it and send again.",
            "The report is too large to send.",
            "Too many reports from this connection. Please wait a minute and try again.",
            "Your report may not have reached us. Please send it again. If the first one did arrive, we may get it twice, and that is fine.",
            "Contact form",
            "Tip: use a private or incognito tab, or clear your browser history afterwards.",
            "Sending…",
            "Language",
            "What happens next: a trained responder of the hotline reads your report. Nobody else can read it. It is not passed to police or immigration automatically: a responder decides what help to seek. If you left a way to reach you, a responder may contact you; otherwise nobody will.",
            "You can also text the hotline at {0}. Quote your case number.",
            "Please check the form:"),
        new("ar", "العربية", true,
            "أبلغ عن الاتجار بالبشر — بأمان ودون الكشف عن هويتك",
            "أخبرنا بما رأيته أو بما يحدث لك أو لشخص آخر. لا تحتاج إلى حساب ولا إلى ذكر اسمك.",
            "في خطر مباشر؟ اتصل بالرقم 112 (رقم الطوارئ في أوروبا).",
            "يُشفَّر بلاغك فور وصوله، ولا يستطيع قراءته إلا فريق الاستجابة في الخط الساخن. لا نحفظ عنوان IP الخاص بك ولا تضع هذه الصفحة أي ملفات تعريف ارتباط.",
            "ماذا يحدث؟ أين، ومن، ومنذ متى؟",
            "اكتب بأي لغة.",
            "المكان (المدينة، الشارع، المعبر الحدودي) — اختياري",
            "كيف يمكننا التواصل معك بأمان؟ — اختياري",
            "فقط إذا كان ذلك آمنًا. اتركه فارغًا لتبقى مجهول الهوية.",
            "أرسل البلاغ",
            "غادر هذا الموقع بسرعة",
            "أو اضغط مفتاح Shift ثلاث مرات",
            "شكرًا لك. بلاغك في أمان لدينا.",
            "رقم قضيتك:",
            "اكتبه أو احفظه. اذكره إذا تواصلت معنا مرة أخرى. لا يكشف هويتك.",
            "لم يُرسَل بلاغك",
            "العودة إلى النموذج. إذا لم يعد نصّك موجودًا، يرجى كتابته مرة أخرى.",
            "يرجى كتابة بلاغك قبل الإرسال.",
            "بلاغك طويل جدًا (10000 حرف كحد أقصى).",
            "تعذّرت قراءة شيء في النموذج. يرجى التحقق منه والإرسال مرة أخرى.",
            "البلاغ أكبر من أن يُرسَل.",
            "بلاغات كثيرة من هذا الاتصال. يرجى الانتظار دقيقة ثم المحاولة مرة أخرى.",
            "ربما لم يصلنا بلاغك. يرجى إرساله مرة أخرى. إذا كان الأول قد وصل، فقد يصلنا مرتين، ولا بأس في ذلك.",
            "نموذج تواصل",
            "نصيحة: استخدم نافذة تصفح خاصة، أو امسح سجل المتصفح بعد ذلك.",
            "جارٍ الإرسال…",
            "اللغة",
            "ماذا يحدث بعد ذلك: يقرأ بلاغك أحد المستجيبين المدرَّبين في الخط الساخن، ولا يستطيع أحد غيرهم قراءته. لا يُرسَل تلقائيًا إلى الشرطة أو سلطات الهجرة: يقرر المستجيب نوع المساعدة المطلوبة. إذا تركت وسيلة للتواصل معك فقد يتواصل معك أحد المستجيبين، وإلا فلن يتواصل معك أحد.",
            "يمكنك أيضًا مراسلة الخط الساخن برسالة نصية على {0}. اذكر رقم قضيتك.",
            "يرجى التحقق من النموذج:"),
        new("fa", "فارسی", true,
            "گزارش قاچاق انسان — امن و بدون نام",
            "به ما بگویید چه دیده‌اید یا چه اتفاقی برای شما یا کس دیگری می‌افتد. به حساب کاربری یا نام خود نیازی ندارید.",
            "در خطر فوری هستید؟ با ۱۱۲ تماس بگیرید (شماره اضطراری در اروپا).",
            "گزارش شما به محض رسیدن رمزگذاری می‌شود و فقط پاسخ‌دهندگان خط کمک می‌توانند آن را بخوانند. ما نشانی IP شما را ذخیره نمی‌کنیم و این صفحه هیچ کوکی‌ای نمی‌گذارد.",
            "چه اتفاقی می‌افتد؟ کجا، چه کسی، از چه زمانی؟",
            "به هر زبانی بنویسید.",
            "مکان (شهر، خیابان، گذرگاه مرزی) — اختیاری",
            "چگونه می‌توانیم به‌طور امن با شما تماس بگیریم؟ — اختیاری",
            "فقط اگر امن است. برای ناشناس ماندن خالی بگذارید.",
            "ارسال گزارش",
            "سریع از این سایت خارج شوید",
            "یا سه بار کلید Shift را بزنید",
            "سپاسگزاریم. گزارش شما نزد ما امن است.",
            "شماره پرونده شما:",
            "آن را یادداشت کنید یا به خاطر بسپارید. اگر دوباره با ما تماس گرفتید آن را بگویید. این شماره هویت شما را فاش نمی‌کند.",
            "گزارش شما ارسال نشد",
            "بازگشت به فرم. اگر متن شما دیگر آنجا نیست، لطفاً دوباره آن را بنویسید.",
            "لطفاً پیش از ارسال، گزارش خود را بنویسید.",
            "گزارش شما بیش از حد طولانی است (حداکثر ۱۰٬۰۰۰ نویسه).",
            "بخشی از فرم خوانده نشد. لطفاً آن را بررسی کنید و دوباره بفرستید.",
            "گزارش برای ارسال بیش از حد بزرگ است.",
            "گزارش‌های زیادی از این اتصال. لطفاً یک دقیقه صبر کنید و دوباره تلاش کنید.",
            "ممکن است گزارش شما به ما نرسیده باشد. لطفاً آن را دوباره بفرستید. اگر اولی رسیده باشد، شاید آن را دو بار دریافت کنیم و این اشکالی ندارد.",
            "فرم تماس",
            "نکته: از زبانه خصوصی (ناشناس) استفاده کنید، یا پس از آن تاریخچه مرورگر را پاک کنید.",
            "در حال ارسال…",
            "زبان",
            "پس از این چه می‌شود: یکی از پاسخ‌دهندگان آموزش‌دیده خط کمک گزارش شما را می‌خواند و هیچ کس دیگری نمی‌تواند آن را بخواند. گزارش به‌طور خودکار به پلیس یا اداره مهاجرت فرستاده نمی‌شود: پاسخ‌دهنده تصمیم می‌گیرد چه کمکی بخواهد. اگر راهی برای تماس گذاشته باشید، ممکن است با شما تماس بگیرند؛ وگرنه کسی تماس نمی‌گیرد.",
            "می‌توانید به شماره {0} نیز پیامک بفرستید. شماره پرونده خود را بنویسید.",
            "لطفاً فرم را بررسی کنید:"),
        new("uk", "Українська", false,
            "Повідомте про торгівлю людьми — безпечно й анонімно",
            "Розкажіть, що ви бачили або що відбувається з вами чи з кимось іншим. Обліковий запис чи ваше ім'я не потрібні.",
            "У безпосередній небезпеці? Телефонуйте 112 (екстрений номер у Європі).",
            "Ваше повідомлення шифрується одразу після надходження. Прочитати його можуть лише працівники гарячої лінії. Ми не зберігаємо вашу IP-адресу, а ця сторінка не встановлює файлів cookie.",
            "Що відбувається? Де, хто, відколи?",
            "Пишіть будь-якою мовою.",
            "Місце (місто, вулиця, пункт пропуску) — необов'язково",
            "Як безпечно з вами зв'язатися? — необов'язково",
            "Лише якщо це безпечно. Залиште порожнім, щоб лишатися анонімним.",
            "Надіслати повідомлення",
            "Швидко залишити сайт",
            "або натисніть Shift тричі",
            "Дякуємо. Ваше повідомлення в безпеці.",
            "Номер вашої справи:",
            "Запишіть або запам'ятайте його. Назвіть його, якщо зв'яжетеся з нами знову. Він не розкриває, хто ви.",
            "Ваше повідомлення не надіслано",
            "Повернутися до форми. Якщо вашого тексту там уже немає, напишіть його ще раз.",
            "Будь ласка, напишіть повідомлення перед надсиланням.",
            "Повідомлення задовге (щонайбільше 10 000 символів).",
            "Не вдалося прочитати частину форми. Перевірте її та надішліть знову.",
            "Повідомлення завелике для надсилання.",
            "Забагато повідомлень з цього з'єднання. Зачекайте хвилину й спробуйте ще раз.",
            "Можливо, ваше повідомлення до нас не дійшло. Будь ласка, надішліть його ще раз. Якщо перше все ж дійшло, ми можемо отримати його двічі, і це нічого.",
            "Контактна форма",
            "Порада: відкрийте приватну вкладку або очистіть історію браузера після цього.",
            "Надсилання…",
            "Мова",
            "Що буде далі: ваше повідомлення прочитає підготовлений працівник гарячої лінії. Ніхто інший прочитати його не може. Його не передають автоматично поліції чи міграційній службі: працівник вирішує, яку допомогу шукати. Якщо ви залишили спосіб зв'язку, з вами можуть зв'язатися; інакше ніхто не зв'яжеться.",
            "Ви також можете надіслати SMS на {0}. Вкажіть номер справи.",
            "Перевірте форму:"),
        new("fr", "Français", false,
            "Signaler la traite des êtres humains — en sécurité et anonymement",
            "Dites-nous ce que vous avez vu ou ce qui vous arrive, à vous ou à quelqu'un d'autre. Pas besoin de compte ni de votre nom.",
            "En danger immédiat ? Appelez le 112 (numéro d'urgence en Europe).",
            "Votre signalement est chiffré dès son arrivée. Seuls les intervenants de la ligne peuvent le lire. Nous ne conservons pas votre adresse IP et cette page ne dépose aucun cookie.",
            "Que se passe-t-il ? Où, qui, depuis quand ?",
            "Écrivez dans n'importe quelle langue.",
            "Lieu (ville, rue, poste-frontière) — facultatif",
            "Comment vous joindre en sécurité ? — facultatif",
            "Seulement si c'est sans danger. Laissez vide pour rester anonyme.",
            "Envoyer le signalement",
            "Quitter ce site rapidement",
            "ou appuyez 3 fois sur Maj (Shift)",
            "Merci. Votre signalement est en sécurité chez nous.",
            "Votre numéro de dossier :",
            "Notez-le ou retenez-le. Citez-le si vous nous recontactez. Il ne révèle pas qui vous êtes.",
            "Votre signalement n'a pas été envoyé",
            "Retour au formulaire. Si votre texte n'y est plus, veuillez l'écrire à nouveau.",
            "Veuillez écrire votre signalement avant de l'envoyer.",
            "Votre signalement est trop long (10 000 caractères au maximum).",
            "Une partie du formulaire n'a pas pu être lue. Vérifiez-le et renvoyez-le.",
            "Le signalement est trop volumineux pour être envoyé.",
            "Trop de signalements depuis cette connexion. Attendez une minute et réessayez.",
            "Votre signalement ne nous est peut-être pas parvenu. Veuillez le renvoyer. Si le premier est bien arrivé, nous le recevrons peut-être deux fois, ce n'est pas grave.",
            "Formulaire de contact",
            "Conseil : utilisez un onglet de navigation privée, ou effacez l'historique du navigateur ensuite.",
            "Envoi…",
            "Langue",
            "Et ensuite : un intervenant formé de la ligne lit votre signalement. Personne d'autre ne peut le lire. Il n'est pas transmis automatiquement à la police ni aux services d'immigration : l'intervenant décide de l'aide à chercher. Si vous avez laissé un moyen de vous joindre, un intervenant pourra vous contacter ; sinon, personne ne le fera.",
            "Vous pouvez aussi écrire par SMS au {0}. Indiquez votre numéro de dossier.",
            "Veuillez vérifier le formulaire :"),
    ];

    public static FormTexts English => All[0];

    /// <summary>
    /// "You can write in your language", in the scripts of the route's languages the form does not have yet
    /// (Pashto, Urdu, Sorani and Kurmanji Kurdish, Tigrinya, Russian): shown on the English page, which is
    /// where a reader of one of them lands. Machine-made: see the README's language table.
    /// </summary>
    public static IReadOnlyList<(string Language, string Direction, string Text)> WriteInYourLanguage { get; } =
    [
        ("ps", "rtl", "په خپله ژبه لیکلی شئ."),
        ("ur", "rtl", "آپ اپنی زبان میں لکھ سکتے ہیں۔"),
        ("ckb", "rtl", "دەتوانن بە زمانی خۆتان بنووسن."),
        ("kmr", "ltr", "Hûn dikarin bi zimanê xwe binivîsin."),
        ("ti", "ltr", "ብቋንቋኹም ክትጽሕፉ ትኽእሉ ኢኹም።"),
        ("ru", "ltr", "Можно писать на своём языке."),
    ];

    /// <summary>The texts for a requested language (<c>ar</c>, <c>fa-IR</c>, ...), English when there are none.</summary>
    public static FormTexts For(string? language) => Find(language) ?? English;

    /// <summary>
    /// The supported language an Accept-Language header prefers most (q-values honoured, <c>q=0</c> refused),
    /// if any. Dari (<c>prs</c>, <c>fa-AF</c>) reads the Farsi page.
    /// </summary>
    public static FormTexts? FromAcceptLanguage(string? header)
    {
        if (string.IsNullOrWhiteSpace(header) || !Microsoft.Net.Http.Headers.StringWithQualityHeaderValue.TryParseList(header.Split(','), out var parsed))
        {
            return null;
        }

        return parsed
            .Select((value, order) => (Tag: value.Value.ToString(), Quality: value.Quality ?? 1, Order: order))
            .Where(v => v.Quality > 0)
            .OrderByDescending(v => v.Quality).ThenBy(v => v.Order)
            .Select(v => Find(v.Tag))
            .FirstOrDefault(t => t is not null);
    }

    private static FormTexts? Find(string? language)
    {
        if (string.IsNullOrWhiteSpace(language))
        {
            return null;
        }

        var primary = language.Trim().Split('-', 2)[0];
        if (string.Equals(primary, "prs", StringComparison.OrdinalIgnoreCase))
        {
            primary = "fa";
        }

        return All.FirstOrDefault(t => string.Equals(t.Language, primary, StringComparison.OrdinalIgnoreCase));
    }
}
