using System.Diagnostics;
using Azure;
using Hotline.Functions.Intake;
using Hotline.Tips;

namespace Hotline.Functions.Http;

/// <summary>
/// What every HTTP request gets, whichever host runs the app, written once: the security headers, the
/// intake rate limit, and an exception turned into a clean answer (503 with <c>Retry-After</c> when
/// storage failed, 500 otherwise; ProblemDetails for API clients, a readable page for the form), never
/// a hang, an empty 500 or a stack trace. ASP.NET Core's middleware pipeline does not run under the
/// Functions worker, so <see cref="WorkerHttpMiddleware"/> (worker middleware) and
/// <see cref="StandaloneHttpMiddleware"/> (ASP.NET Core) both call this.
/// </summary>
internal sealed partial class HttpPolicies(IntakeRateLimiter limiter, ILogger<HttpPolicies> logger)
{
    /// <summary>
    /// Runs <paramref name="next"/> under the policies. Returns null when the request was handled as it
    /// should be, or the answer to send instead (a refusal, or the clean form of a failure).
    /// </summary>
    public async Task<IResult?> RunAsync(HttpContext http, string? functionName, Func<Task> next)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(next);
        SecurityHeaders.Apply(http.Response);
        if (!limiter.TryAcquire(http, functionName))
        {
            return await IntakeResponses.TooManyRequestsAsync(http, http.RequestAborted);
        }

        try
        {
            await next();
            return null;
        }
        catch (Exception ex) when (!http.RequestAborted.IsCancellationRequested)
        {
            // The type and where, never the message: an exception's message can quote input or a secret address.
            Log.Failed(logger, functionName ?? "(no function)", ex.GetType().FullName ?? ex.GetType().Name, new StackTrace(ex).ToString());
            if (http.Response.HasStarted)
            {
                // Half an answer cannot be taken back: end the connection so the client sees a failure, not a short body.
                http.Abort();
                return null;
            }

            http.Response.Clear();
            return await IntakeResponses.FailedAsync(http.Request, transient: IsTransient(ex));
        }
    }

    /// <summary>Storage (or a deadline on it) failed: worth retrying, and nothing was acknowledged.</summary>
    private static bool IsTransient(Exception ex) =>
        ex is IntakeUnavailableException or RequestFailedException or TimeoutException or HttpRequestException
        || (ex is AggregateException aggregate && aggregate.InnerExceptions.All(IsTransient));

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "{FunctionName} failed with {ExceptionType}; the client got a clean error answer.\n{StackTrace}")]
        public static partial void Failed(ILogger logger, string functionName, string exceptionType, string stackTrace);
    }
}
