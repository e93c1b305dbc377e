using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace Hotline.Functions.Http;

/// <summary>
/// Under the Functions host: applies <see cref="HttpPolicies"/> as worker middleware, the supported hook
/// (ASP.NET Core middleware does not run there). It runs inside the ASP.NET Core integration's own
/// middleware, which writes whatever the invocation's result is: an answer from the policies replaces
/// the function's. Functions without an HTTP trigger pass straight through.
/// </summary>
internal sealed class WorkerHttpMiddleware(HttpPolicies policies) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.GetHttpContext() is not { } http)
        {
            await next(context);
            return;
        }

        if (await policies.RunAsync(http, context.FunctionDefinition.Name, () => next(context)) is { } answer)
        {
            context.GetInvocationResult().Value = answer;
        }
    }
}
