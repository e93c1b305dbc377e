using Hotline.Cases;
using Hotline.Diagnostics;
using Hotline.Storage;
using Hotline.Text;
using Hotline.Tips;
using Hotline.Triage;
using Microsoft.Extensions.Logging;

namespace Hotline.FollowUp;

/// <summary>The neutral state a tipster is told: nothing of what responders did, only where the case stands.</summary>
public enum FollowUpStatus
{
    Received,
    BeingHandled,
    Closed,
}

/// <summary>A conversation as its tipster sees it, with the token its page carries to add a message.</summary>
public sealed record FollowUpConversation(TipId TipId, IReadOnlyList<ConversationItem> Items, FollowUpStatus Status, string Token);

/// <summary>What became of a look-up.</summary>
public enum LookupOutcome
{
    Opened,

    /// <summary>Wrong, unknown or malformed: alike.</summary>
    NotFound,

    /// <summary>Too many failures from this client's address or network: not tried.</summary>
    Limited,
}

/// <summary>
/// The web tipster's way back: a code (or a page's token) opens the conversation; a message added is a message of
/// the case like an SMS follow-up (encrypted to the responders' key, triaged, filed; it pages again only when it
/// raises the case's urgency), and the tipster's own copy goes to the case key.
/// </summary>
public sealed partial class FollowUpIntake(FollowUpVault vault, FollowUpToken tokens, LookupLimiter limiter, TipIntake intake, CaseStore cases, IntakeState state, HotlineStorage storage, TimeProvider time, ILogger<FollowUpIntake> logger)
{
    private const int MaxPlaceDraws = 5;

    /// <param name="clientAddress">The client's address, counted (hashed, in memory) when the code opens nothing.</param>
    /// <remarks>
    /// A client over its limit is still tried: the limit refuses wrong codes, never the right one (a tipster behind
    /// a busy network's address must get in). So every look-up costs one Argon2id whatever the code or the limit,
    /// and a limited client learns only what the right code shows it; 10^16 codes stay out of reach at 10 an hour.
    /// </remarks>
    public async Task<(LookupOutcome Outcome, FollowUpConversation? Conversation, TimeSpan? RetryAfter)> LookUpAsync(string? typed, string? clientAddress, CancellationToken cancellationToken = default)
    {
        var wait = limiter.RetryAfter(clientAddress);
        var session = await vault.OpenAsync(typed, cancellationToken).ConfigureAwait(false);
        if (session is not null)
        {
            return (LookupOutcome.Opened, await ConversationAsync(session, cancellationToken).ConfigureAwait(false), null);
        }

        if (wait is not null)
        {
            HotlineMetrics.FollowUpLookupFailed("limited");
            Log.Limited(logger);
            return (LookupOutcome.Limited, null, wait);
        }

        limiter.CountFailure(clientAddress);
        HotlineMetrics.FollowUpLookupFailed("wrong");
        Log.NotFound(logger);
        return (LookupOutcome.NotFound, null, null);
    }

    /// <summary>The session a page's token carries for <paramref name="receipt"/>; null when expired, altered or another case's.</summary>
    public FollowUpSession? Resume(string? receipt, string? token) =>
        TipId.TryParse(receipt, out var id) ? tokens.Open(token, id.Value) : null;

    /// <summary>The conversation, with a fresh token; notes for the responders that the tipster read it.</summary>
    public async Task<FollowUpConversation> ConversationAsync(FollowUpSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var items = Conversations.ReadAsync(storage, session.TipId, session.Key, cancellationToken);
        var record = await cases.GetAsync(session.TipId, cancellationToken).ConfigureAwait(false);
        await cases.MarkTipsterReadAsync(session.TipId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        var status = record?.Status switch
        {
            CaseStatus.Closed => FollowUpStatus.Closed,
            CaseStatus.InProgress or CaseStatus.Referred => FollowUpStatus.BeingHandled,
            _ => FollowUpStatus.Received,
        };
        Log.Opened(logger);
        return new FollowUpConversation(session.TipId, await items.ConfigureAwait(false), status, tokens.Issue(session));
    }

    /// <summary>
    /// Stores a message the tipster added, files it in the case and pages when it raises the urgency. Idempotent per
    /// <paramref name="nonce"/> (the page's, one per rendered form and kept with a refused draft) and text: a form sent
    /// twice (a double tap, a retry after "send it again") stores one message, files it once and pages at most once.
    /// </summary>
    /// <exception cref="IntakeUnavailableException">Storage did not take it: the tipster is asked to retry.</exception>
    public async Task AddAsync(FollowUpSession session, string text, string? pageLanguage, string? nonce, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var record = await cases.GetAsync(session.TipId, cancellationToken).ConfigureAwait(false);
        var assessment = UrgencyClassifier.Assess(text);
        var detected = LanguageDetector.Detect(text);
        var language = detected != LanguageDetector.Undetermined ? detected : pageLanguage ?? record?.Language ?? LanguageDetector.Undetermined;

        // The claim names this message by the page's nonce and a keyed hash of its text (both inside a keyed hash:
        // the name says nothing), and holds its place and time: a retry finds them and writes the same blobs again.
        var writer = "followup\n" + session.TipId + "\n" + (nonce ?? Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16))) + "\n" + state.Hash(text);
        var claimName = "followup-add/" + state.Hash(writer);
        // Whether it pages is decided once, by the first request: a retry after a failure part-way through filing
        // finds the raised urgency already recorded, and must still send the alert (dispatch pages once per alert).
        var (claim, claimed) = await Stored(() => state.ClaimRecordAsync(claimName, AddClaim.Write((record?.Messages ?? 1) + 1, time.GetUtcNow(), record is null || assessment.Urgency > record.Urgency), cancellationToken)).ConfigureAwait(false);
        var (sequence, at, raises) = AddClaim.Read(claim);
        for (var draw = 1; ; draw++)
        {
            var envelope = new TipReport
            {
                TipId = session.TipId.ToString(),
                Channel = Channel.Web,
                ReceivedAt = at,
                Language = language,
                Urgency = assessment.Urgency,
                Message = text,
            };
            if (await intake.TryStoreAsync(ReportStore.MessageBlobName(session.TipId, sequence), envelope, writer, cancellationToken).ConfigureAwait(false) is CreateOutcome.Created or CreateOutcome.AlreadyStored)
            {
                break;
            }

            // Another message took the place (two tabs at once): the next one, and the claim follows it.
            if (draw == MaxPlaceDraws)
            {
                throw new IntakeUnavailableException("The case kept changing; try again.");
            }

            var (current, etag) = await Stored(() => state.GetAsync(claimName, cancellationToken)).ConfigureAwait(false);
            var next = Math.Max(sequence, (await cases.GetAsync(session.TipId, cancellationToken).ConfigureAwait(false))?.Messages ?? sequence) + 1;
            if (current is null || AddClaim.Read(current).Sequence != sequence || !await Stored(() => state.TrySaveAsync(claimName, AddClaim.Write(next, at, raises), etag, cancellationToken)).ConfigureAwait(false))
            {
                throw new IntakeUnavailableException("The message's claim changed under it; try again.");
            }

            sequence = next;
        }

        try
        {
            await Conversations.WriteAsync(storage, session.TipId, session.Key, new ConversationItem(ConversationItem.Tipster, at, text), state.Hash("conv\n" + writer)[..16], cancellationToken).ConfigureAwait(false);
        }
        catch (Azure.RequestFailedException ex)
        {
            throw new IntakeUnavailableException("Storage did not accept the tipster's copy.", ex);
        }

        var urgency = record is not null && record.Urgency > assessment.Urgency ? record.Urgency : assessment.Urgency;
        await intake.FileAsync(
            new CaseMessage(session.TipId, Channel.Web, urgency, language, at, sequence, null),
            raises ? new TriageMessage(session.TipId.ToString(), Channel.Web, assessment.Urgency, at, language, null, assessment.LanguageRead ? null : true) { FollowUp = true } : null,
            cancellationToken).ConfigureAwait(false);
        if (claimed)
        {
            HotlineMetrics.ReportAccepted(Channel.Web);
        }

        Log.Added(logger);
    }

    private static async Task<T> Stored<T>(Func<Task<T>> step)
    {
        try
        {
            return await step().ConfigureAwait(false);
        }
        catch (Azure.RequestFailedException ex)
        {
            throw new IntakeUnavailableException("Storage did not answer.", ex);
        }
    }

    /// <summary>An added message's claim: its place in the case, its time and whether it pages (sealed like every intake record).</summary>
    private static class AddClaim
    {
        public static BinaryData Write(int sequence, DateTimeOffset at, bool raises) =>
            BinaryData.FromString(string.Join(' ', sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), at.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture), raises ? "alert" : "quiet"));

        public static (int Sequence, DateTimeOffset At, bool Raises) Read(BinaryData data)
        {
            var parts = data.ToString().Split(' ');
            return parts.Length == 3 && int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var sequence) && sequence > 1
                && long.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ticks)
                && parts[2] is "alert" or "quiet"
                ? (sequence, new DateTimeOffset(ticks, TimeSpan.Zero), parts[2] == "alert")
                : throw new IntakeUnavailableException("An added message's claim cannot be read.");
        }
    }

    // Names, never values: a case id, a sequence or a time beside "a code opened" would tie a look-up (and the
    // client that made it) to a case.
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "A follow-up code opened a conversation.")]
        public static partial void Opened(ILogger logger);

        [LoggerMessage(2, LogLevel.Information, "A follow-up look-up opened nothing (a wrong, unknown or malformed code).")]
        public static partial void NotFound(ILogger logger);

        [LoggerMessage(3, LogLevel.Warning, "A follow-up look-up opened nothing from a client over its limit of failed look-ups (address or network).")]
        public static partial void Limited(ILogger logger);

        [LoggerMessage(4, LogLevel.Information, "A web tipster added a message to their case.")]
        public static partial void Added(ILogger logger);
    }
}
