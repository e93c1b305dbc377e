using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Hotline.Twilio;

public static class TwilioServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="TwilioSmsClient"/> (Twilio's library over our HttpClient), its validated options (section <c>Twilio</c>), the
    /// process-wide <see cref="SendPacer"/> and an HttpClient with the alert resilience pipeline,
    /// paced. The factory's request logging is removed: its scope carries the full request URL
    /// whatever the log level, and scopes reach Application Insights (for webhooks the URL is the secret).
    /// </summary>
    public static IServiceCollection AddTwilioSms(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<TwilioOptions>().Bind(configuration.GetSection(TwilioOptions.SectionName)).ValidateOnStartWith<TwilioOptions, TwilioOptionsValidator>();
        services.AddHttpDeliveryOptions(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new SendPacer(sp.GetRequiredService<IOptions<TwilioOptions>>().Value.MessagesPerSecond, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<TwilioSmsClient>();
        services.TryAddSingleton<TwilioMediaClient>();
        services.TryAddTransient<TwilioApiBaseHandler>();
        AddTwilioHttpClient(services, TwilioSmsClient.HttpClientName, "twilio", paced: true);

        // Housekeeping (deleting Twilio's copies) must never take an alert's place in the SMS pacer.
        AddTwilioHttpClient(services, TwilioSmsClient.UnpacedHttpClientName, "twilio-housekeeping", paced: false);
        return services;

        static void AddTwilioHttpClient(IServiceCollection services, string name, string pipelineName, bool paced) =>
            services.AddHttpClient(name)
                .RemoveAllLoggers()
                .ConfigurePrimaryHttpMessageHandler(static () => new SocketsHttpHandler { AllowAutoRedirect = false })
                .AddAlertResilience(pipelineName, paced)
                .AddHttpMessageHandler<TwilioApiBaseHandler>();
    }

    /// <summary>
    /// Deleting Twilio's copies (<see cref="ProviderCopies"/>: what intake, the media fetcher and the status callback
    /// schedule, and what the host's <c>DeleteProviderCopy</c> function runs), with its settings (<c>Hotline:Twilio</c>)
    /// validated at start-up. It deletes through <see cref="TwilioSmsClient"/>: <see cref="AddTwilioSms"/> registers it.
    /// </summary>
    public static IServiceCollection AddProviderCopies(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ProviderCopyOptions>().Bind(configuration.GetSection(ProviderCopyOptions.SectionName)).ValidateOnStartWith<ProviderCopyOptions, ProviderCopyOptionsValidator>();
        services.TryAddSingleton<ProviderCopies>();
        return services;
    }

    /// <summary>Binds and validates <see cref="HttpDeliveryOptions"/> (section <c>Hotline:Dispatch:Http</c>).</summary>
    public static IServiceCollection AddHttpDeliveryOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<HttpDeliveryOptions>().Bind(configuration.GetSection(HttpDeliveryOptions.SectionName)).ValidateOnStartWith<HttpDeliveryOptions, HttpDeliveryOptionsValidator>();
        return services;
    }

    /// <summary>
    /// The pipeline every alert request goes through, outermost first: retries with jittered
    /// exponential back-off on transient answers only (408, 429, 5xx, network errors, attempt
    /// timeouts; never on other 4xx such as Twilio's 21211/21610, which would fail again and could
    /// page someone twice), a <c>Retry-After</c> honoured up to <see cref="HttpDeliveryOptions.MaxRetryAfter"/>;
    /// then, for each attempt, the wait for a pacer slot (<paramref name="paced"/>); then the attempt's
    /// timeout. No retry starts once attempts and back-off used <see cref="HttpDeliveryOptions.TotalTimeout"/>,
    /// pacing waits not counted. The pipeline owns every timeout, so HttpClient's own (100 s by
    /// default, which would also run through the pacing wait) is off.
    /// </summary>
    public static IHttpClientBuilder AddAlertResilience(this IHttpClientBuilder builder, string pipelineName, bool paced)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureHttpClient(static http => http.Timeout = Timeout.InfiniteTimeSpan);
        builder.AddResilienceHandler(pipelineName, (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<HttpDeliveryOptions>>().Value;
            var time = context.ServiceProvider.GetRequiredService<TimeProvider>();
            if (options.MaxRetries > 0)
            {
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = options.MaxRetries,
                    Delay = options.RetryBaseDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    ShouldHandle = args => ValueTask.FromResult(
                        !args.Context.CancellationToken.IsCancellationRequested
                        && HttpClientResiliencePredicates.IsTransient(args.Outcome)
                        && PacedAttemptStrategy.ActiveTime(args.Context, time) < options.TotalTimeout),

                    // Before DelayGenerator: setting it replaces the generator with the uncapped one.
                    ShouldRetryAfterHeader = false,
                    DelayGenerator = args => ValueTask.FromResult(CappedRetryAfter(args.Outcome.Result, options.MaxRetryAfter, time)),
                });
            }

            var pacer = paced ? context.ServiceProvider.GetRequiredService<SendPacer>() : null;
            pipeline.AddStrategy(_ => new PacedAttemptStrategy(pacer, time));
            pipeline.AddTimeout(options.AttemptTimeout);
        });
        return builder;
    }

    /// <summary>
    /// The server's <c>Retry-After</c>, at most <paramref name="max"/>, plus up to a fifth as jitter so
    /// that sends refused together do not come back together; null (the exponential back-off) without one.
    /// </summary>
    internal static TimeSpan? CappedRetryAfter(HttpResponseMessage? response, TimeSpan max, TimeProvider time)
    {
        var header = response?.Headers.RetryAfter;
        var wanted = header?.Delta ?? (header?.Date is { } date ? date - time.GetUtcNow() : null);
        if (wanted is not { } delay)
        {
            return null;
        }

        delay = delay < TimeSpan.Zero ? TimeSpan.Zero : delay > max ? max : delay;
        return delay + (delay * (Random.Shared.NextDouble() / 5));
    }
}
