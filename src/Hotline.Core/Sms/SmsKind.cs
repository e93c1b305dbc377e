namespace Hotline.Sms;

/// <summary>What an SMS does to its case.</summary>
public enum SmsKind
{
    /// <summary>A report or a further message of one.</summary>
    Message,

    /// <summary>STOP and Twilio's other opt-out words: pause contact (the phone may not be the tipster's any more).</summary>
    Stop,

    /// <summary>START and Twilio's other opt-in words: contact may resume.</summary>
    Start,

    /// <summary>
    /// LANG, LANG with a choice, or an answer to the menu: kept in the number's open case, where it may be part of
    /// the report, paging no one; with no open case, nothing is stored.
    /// </summary>
    Lang,
}
