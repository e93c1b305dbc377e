using Hotline.Diagnostics;
using Hotline.Functions.Intake;
using Hotline.Text;
using Hotline.Tips;
using Hotline.Triage;
using Hotline.Twilio;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Hotline.Functions.SubmitTip;

/// <summary><c>POST /api/tips</c>: a tip from the web form or a JSON client, answered 202 with its receipt once stored.</summary>
internal sealed class SubmitTipFunction(TipIntake intake, IOptions<TwilioOptions> twilio)
{
    public const string Name = "SubmitTip";

    [Function(Name)]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/tips")] HttpRequest request,
        CancellationToken cancellationToken) => SubmitAsync(request, intake, twilio.Value.PhoneNumber, cancellationToken);

    /// <param name="hotlineNumber">The number tipsters can text, shown on the thank-you page; null when there is none.</param>
    internal static async Task<IResult> SubmitAsync(HttpRequest request, TipIntake intake, string? hotlineNumber, CancellationToken cancellationToken)
    {
        var (fields, rejection) = await TipRequestReader.ReadAsync(request, cancellationToken);
        if (fields is null)
        {
            return await IntakeResponses.RejectedAsync(request, rejection);
        }

        var submission = new TipSubmission
        {
            Channel = Channel.Web,
            Message = fields.Message,
            Language = ReportLanguage(fields),
            Location = fields.Location,
            Contact = fields.Contact,
            Category = fields.Category,
        };

        IntakeReceipt receipt;
        using var deadline = IntakeDeadline.Start(cancellationToken);
        try
        {
            receipt = await intake.SubmitAsync(submission, fields.IdempotencyKey, deadline.Token);
        }
        catch (Exception ex) when (ex is IntakeUnavailableException || deadline.Passed(ex))
        {
            HotlineMetrics.IntakeUnavailable(Channel.Web);
            return await IntakeResponses.UnavailableAsync(request, fields.FromForm ? fields.Language : null);
        }
        catch (IdempotencyConflictException)
        {
            return await IntakeResponses.RejectedAsync(request, TipRejection.IdempotencyKeyReused);
        }

        return await IntakeResponses.AcceptedAsync(fields.FromForm, fields.Language, receipt.TipId.ToString(), hotlineNumber, receipt.FollowUpCode);
    }

    /// <summary>
    /// A JSON client's stated language wins. The form's language field is only the page's language,
    /// so there the text itself decides, and the page's language is the fallback.
    /// </summary>
    private static string ReportLanguage(TipFields fields)
    {
        if (!fields.FromForm && fields.Language is not null)
        {
            return fields.Language;
        }

        var detected = LanguageDetector.Detect(fields.Message);
        return detected != LanguageDetector.Undetermined ? detected : fields.Language ?? LanguageDetector.Undetermined;
    }
}
