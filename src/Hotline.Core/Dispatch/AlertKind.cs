namespace Hotline.Dispatch;

public enum AlertKind
{
    /// <summary>A new case (or a case whose urgency rose or whose contact was paused).</summary>
    Alert,

    /// <summary>An alert that could not be delivered and ended in <c>triage-poison</c>.</summary>
    Undelivered,

    /// <summary>Under a surge, the alerts gathered since the last digest, in one message (<see cref="DigestSummary"/>).</summary>
    Digest,

    /// <summary>Media an MMS brought could not be stored (it is still at Twilio): a responder should look at the case.</summary>
    MediaNotStored,

    /// <summary>Someone acknowledged an alert that waited for it: the others learn who, and that escalation stopped.</summary>
    Acknowledged,

    /// <summary>Retention's daily warning: the cases that expire (are deleted) within 72 hours, by receipt.</summary>
    Expiring,
}
