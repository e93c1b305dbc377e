namespace Hotline.Storage;

/// <summary>The fixed names of Hotline's containers and queues (see DESIGN.md, "Storage").</summary>
public static class StorageNames
{
    public const string TipsContainer = "tips";
    public const string TriageQueue = "triage";

    /// <summary>Unencrypted intake pointers (idempotency records, SMS conversation pointers): hashes and tip ids only.</summary>
    public const string IntakeContainer = "intake";
    /// <summary>
    /// The follow-up codes' look-up blobs, each named by a code's stretched hash (64 hex digits), sealed: the case and
    /// its key wrapped under the code. Not in <c>intake</c>: its lifecycle rule deletes after 30 days, and a code must
    /// open its conversation for as long as the case is kept (purging the case deletes it).
    /// </summary>
    public const string FollowUpContainer = "followup";

    /// <summary>One empty blob per case, its record in the metadata: what responders list cases by (no content).</summary>
    public const string CasesContainer = "cases";

    /// <summary>Dispatch's send records, <c>{receipt}/{keyed hash}</c>: which alert went to whom.</summary>
    public const string AlertsContainer = "alerts";

    /// <summary>The surge count and the alerts waiting for a digest (<c>pending/{receipt}/...</c>).</summary>
    public const string AlertDigestContainer = "alert-digest";

    public const string TriagePoisonQueue = TriageQueue + PoisonSuffix;

    /// <summary>The Functions host's convention: a queue's poison messages go to "&lt;queue&gt;-poison".</summary>
    public const string PoisonSuffix = "-poison";

    /// <summary>Inbound messages whose copy at Twilio is to be deleted once they are stored (sealed MessageSids).</summary>
    public const string ProviderCopiesQueue = "twilio-delete";

    /// <summary>Inbound MMS whose media is to be fetched from Twilio and encrypted into the case (sealed jobs).</summary>
    public const string MediaQueue = "sms-media";

    /// <summary>The storage connection setting (the Functions standard): the queue triggers' <c>Connection</c>, and the app's own.</summary>
    public const string ConnectionSetting = "AzureWebJobsStorage";
}
