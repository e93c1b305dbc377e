using System.Globalization;
using System.Xml.Linq;
using Hotline.Diagnostics;
using Hotline.Escalation;
using Hotline.Functions.Http;
using Hotline.Functions.Intake;
using Hotline.Functions.Texts;
using Hotline.Sms;
using Hotline.Text;
using Hotline.Tips;
using Hotline.Triage;
using Hotline.Twilio;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Twilio.Security;
using Twilio.TwiML;

namespace Hotline.Functions.SmsInbound;

/// <summary>
/// <c>POST /api/sms</c>: Twilio's inbound-SMS webhook. Only requests signed by Twilio are read
/// (<see cref="TwilioWebhookRequest"/>: 403 otherwise, nothing stored). The answer is TwiML:
/// a short reply in the tipster's language with the case number. A roster phone is never a tipster: its texts are
/// responder commands (<see cref="ResponderCommands"/>), never stored as reports, alerted or answered with a receipt.
/// </summary>
internal sealed partial class SmsInboundFunction(
    SmsIntake sms,
    ProviderCopies copies,
    RosterPhones rosterPhones,
    ResponderCommands commands,
    IOptions<TwilioOptions> twilioOptions,
    IntakeRateLimiter limiter,
    ILogger<SmsInboundFunction> logger)
{
    public const string Name = "SmsInbound";

    [Function(Name)]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/sms")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (form, refusal) = await TwilioWebhookRequest.ReadAsync(request, twilioOptions.Value, limiter, logger, cancellationToken);
        if (form is null)
        {
            return refusal!;
        }

        var (inbound, badParameter) = TwilioWebhookForm.Read(form);
        if (inbound is null)
        {
            Log.BadShape(logger, badParameter!);
            return TypedResults.BadRequest();
        }

        using var deadline = IntakeDeadline.Start(cancellationToken);
        try
        {
            if (rosterPhones.Find(inbound.From) is { } responder)
            {
                // Recognised by the keyed pseudonym of the number: a command, and nothing of it is kept but its effect.
                string? reply;
                try
                {
                    reply = await commands.AnswerAsync(responder, inbound.Body, deadline.Token);
                }
                catch (Azure.RequestFailedException ex)
                {
                    // Storage did not take the acknowledgement: a 503, and Twilio's retry acknowledges it again.
                    throw new IntakeUnavailableException("The acknowledgement could not be recorded.", ex);
                }

                await copies.ScheduleAsync(inbound, deadline.Token);
                return reply is null ? TwiML() : TwiML(reply);
            }

            var (command, argument) = SmsKeywords.Parse(inbound.Body);
            if (command == SmsCommand.MenuAnswer && !await sms.IsMenuAnswerAsync(inbound, deadline.Token))
            {
                // Not right after the menu: a lone number is part of a report ("12": how many people).
                command = SmsCommand.None;
            }

            var answer = await AnswerAsync(inbound, command, argument, deadline.Token);

            // Everything the message brought is stored (or there was nothing to store): Twilio's copy can go.
            await copies.ScheduleAsync(inbound, deadline.Token);
            return answer;
        }
        catch (Exception ex) when (ex is IntakeUnavailableException || deadline.Passed(ex))
        {
            // Not stored: a 503 makes Twilio retry (with connection overrides, see docs/intake.md), and the
            // same MessageSid then finishes what this request started.
            HotlineMetrics.IntakeUnavailable(Channel.Sms);
            request.HttpContext.Response.Headers.RetryAfter = IntakeResponses.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return TypedResults.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }
    }

    private async Task<IResult> AnswerAsync(InboundSms inbound, SmsCommand command, string argument, CancellationToken cancellationToken)
    {
        var (from, body, media) = (inbound.From, inbound.Body, inbound.Media);
        switch (command)
        {
            case SmsCommand.Help:
            {
                // Someone texting HELP to a trafficking hotline may be asking for help: it is a report
                // (stored, paged) and it is answered with what the hotline is and how to use it. Two SMS, the
                // receipt on its own, so the case number is whole even where the HELP text is split.
                var helpReceipt = await sms.ReceiveAsync(inbound, SmsKind.Message, cancellationToken);
                return TwiML(SmsReplies.For(helpReceipt!.Language).Help, Acknowledgement(helpReceipt));
            }

            case SmsCommand.Language or SmsCommand.MenuAnswer:
                return await ChooseLanguageAsync(inbound, argument, cancellationToken);
            case SmsCommand.None when body.Length == 0 && media.Count == 0:
                // Nothing to store; say so, so a tipster whose text was lost can send it again.
                return TwiML(SmsReplies.For(await sms.GetLanguageAsync(from, cancellationToken)).Empty);
            case SmsCommand.Stop or SmsCommand.Start:
                // Twilio answers opt-out and opt-in words itself and blocks our replies: record (with what it
                // brought: a photo with no case to join opens one), say nothing.
                await sms.ReceiveAsync(inbound, SmsKeywords.Kind(command), cancellationToken);
                return TwiML();
            default:
                var receipt = await sms.ReceiveAsync(inbound, SmsKind.Message, cancellationToken);
                return TwiML(Acknowledgement(receipt!));
        }
    }

    internal static string Acknowledgement(SmsReceipt receipt)
    {
        var replies = SmsReplies.For(receipt.Language);

        // In a right-to-left reply a case number whose first group is all digits would be reordered by the
        // phone's bidi algorithm (2345-K7QF-4TJD shows as K7QF-4TJD-2345): isolated, it reads as typed.
        var number = replies.RightToLeft ? "\u2066" + receipt.TipId + "\u2069" : receipt.TipId.ToString();
        var text = string.Format(CultureInfo.InvariantCulture, receipt.NewCase ? replies.Received : replies.Added, number);
        return receipt.Urgency == Urgency.Urgent ? text + replies.Danger : text;
    }

    /// <summary>
    /// LANG, LANG with a choice, or an answer to the menu. Stored first when it may be part of a report (in the
    /// number's open case), or when it brought media (always): then the reply adds the receipt, in the language
    /// chosen, so the tipster knows it was kept. A choice the menu does not know shows the menu again.
    /// </summary>
    private async Task<IResult> ChooseLanguageAsync(InboundSms inbound, string argument, CancellationToken cancellationToken)
    {
        var receipt = await sms.ReceiveAsync(inbound, SmsKind.Lang, cancellationToken);
        var chosen = argument.Length == 0 ? null : TextCatalogue.Choose(argument);
        string[] reply;
        if (chosen is null)
        {
            await sms.MenuSentAsync(inbound.From, cancellationToken);
            reply = [.. TextCatalogue.Menu];
        }
        else
        {
            await sms.SetLanguageAsync(inbound, chosen.Tag, cancellationToken);
            reply = [chosen.Sms.LanguageSet];
        }

        return TwiML(receipt is null ? reply : [.. reply, Acknowledgement(receipt with { Language = chosen?.Tag ?? receipt.Language })]);
    }

    /// <summary>
    /// A TwiML answer written by Twilio's library (it escapes the text): each message one SMS, sent in order; none
    /// answers with an empty Response (no reply).
    /// </summary>
    private static Microsoft.AspNetCore.Http.HttpResults.ContentHttpResult TwiML(params string[] messages)
    {
        var response = new MessagingResponse();
        foreach (var message in messages)
        {
            response.Message(message);
        }

        return TypedResults.Text(response.ToString(SaveOptions.DisableFormatting), "application/xml; charset=utf-8");
    }

    private static partial class Log
    {
        [LoggerMessage(5, LogLevel.Warning, "SMS webhook refused: {Parameter} does not have Twilio's shape.")]
        public static partial void BadShape(ILogger logger, string parameter);
    }
}
