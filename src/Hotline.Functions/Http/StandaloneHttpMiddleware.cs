namespace Hotline.Functions.Http;

/// <summary>
/// Standalone: applies <see cref="HttpPolicies"/> in the ASP.NET Core pipeline, after routing so the
/// function (the endpoint's name) is known.
/// </summary>
internal static class StandaloneHttpMiddleware
{
    public static IApplicationBuilder UseHttpPolicies(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use(async (http, next) =>
        {
            var policies = http.RequestServices.GetRequiredService<HttpPolicies>();
            var functionName = http.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
            if (await policies.RunAsync(http, functionName, () => next(http)) is { } answer)
            {
                await answer.ExecuteAsync(http);
            }
        });
    }
}
