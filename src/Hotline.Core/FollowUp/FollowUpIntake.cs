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
public sealed partial class FollowUpIntake(FollowUpVault vault, FollowUpToken tokens, LookupLimiter limiter, TipIntake intake, CaseStore cases, HotlineStorage storage, TimeProvider time, ILogger<FollowUpIntake> logger)
{
    private const int MaxPlaceDraws = 5;

    /// <param name="clientAddress">The client's address, counted (hashed, in memory) when the code opens nothing.</param>
    public async Task<(LookupOutcome Outcome, FollowUpConversation? Conversation, TimeSpan? RetryAfter)> LookUpAsync(string? typed, string? clientAddress, CancellationToken cancellationToken = default)
    {
        if (limiter.RetryAfter(clientAddress) is { } wait)
        {
            HotlineMetrics.FollowUpLookupFailed("limited");
            Log.Limited(logger);
            return (LookupOutcome.Limited, null, wait);
        }

        var session = await vault.OpenAsync(typed, cancellationToken).ConfigureAwait(false);
        if (session is null)
        {
            limiter.CountFailure(clientAddress);
            HotlineMetrics.FollowUpLookupFailed("wrong");
            Log.NotFound(logger);
            return (LookupOutcome.NotFound, null, null);
        }

        return (LookupOutcome.Opened, await ConversationAsync(session, cancellationToken).ConfigureAwait(false), null);
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
        Log.Opened(logger, session.TipId.ToString());
        return new FollowUpConversation(session.TipId, await items.ConfigureAwait(false), status, tokens.Issue(session));
    }

    /// <summary>Stores a message the tipster added, files it in the case and pages when it raises the urgency.</summary>
    /// <exception cref="IntakeUnavailableException">Storage did not take it: the tipster is asked to retry.</exception>
    public async Task AddAsync(FollowUpSession session, string text, string? pageLanguage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var record = await cases.GetAsync(session.TipId, cancellationToken).ConfigureAwait(false);
        var assessment = UrgencyClassifier.Assess(text);
        var detected = LanguageDetector.Detect(text);
        var language = detected != LanguageDetector.Undetermined ? detected : pageLanguage ?? record?.Language ?? LanguageDetector.Undetermined;
        var now = time.GetUtcNow();
        var sequence = (record?.Messages ?? 1) + 1;
        for (var draw = 1; ; draw++, sequence++)
        {
            var envelope = new TipReport
            {
                TipId = session.TipId.ToString(),
                Channel = Channel.Web,
                ReceivedAt = now,
                Language = language,
                Urgency = assessment.Urgency,
                Message = text,
            };
            if (await intake.TryStoreAsync(ReportStore.MessageBlobName(session.TipId, sequence), envelope, writer: null, cancellationToken).ConfigureAwait(false) is CreateOutcome.Created or CreateOutcome.AlreadyStored)
            {
                break;
            }

            if (draw == MaxPlaceDraws)
            {
                throw new IntakeUnavailableException("The case kept changing; try again.");
            }
        }

        try
        {
            await Conversations.WriteAsync(storage, session.TipId, session.Key, new ConversationItem(ConversationItem.Tipster, now, text), cancellationToken).ConfigureAwait(false);
        }
        catch (Azure.RequestFailedException ex)
        {
            throw new IntakeUnavailableException("Storage did not accept the tipster's copy.", ex);
        }

        var urgency = record is not null && record.Urgency > assessment.Urgency ? record.Urgency : assessment.Urgency;
        var raises = record is null || assessment.Urgency > record.Urgency;
        await intake.FileAsync(
            new CaseMessage(session.TipId, Channel.Web, urgency, language, now, sequence, null),
            raises ? new TriageMessage(session.TipId.ToString(), Channel.Web, assessment.Urgency, now, language, null, assessment.LanguageRead ? null : true) : null,
            cancellationToken).ConfigureAwait(false);
        HotlineMetrics.ReportAccepted(Channel.Web);
        Log.Added(logger, session.TipId.ToString(), sequence, raises);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "A follow-up code opened the conversation of case {TipId}.")]
        public static partial void Opened(ILogger logger, string tipId);

        [LoggerMessage(2, LogLevel.Information, "A follow-up look-up opened nothing (a wrong, unknown or malformed code).")]
        public static partial void NotFound(ILogger logger);

        [LoggerMessage(3, LogLevel.Warning, "A follow-up look-up was refused: too many failed look-ups from the client's address or network.")]
        public static partial void Limited(ILogger logger);

        [LoggerMessage(4, LogLevel.Information, "The tipster added message {Sequence} to case {TipId} (responders paged: {Alert}).")]
        public static partial void Added(ILogger logger, string tipId, int sequence, bool alert);
    }
}
