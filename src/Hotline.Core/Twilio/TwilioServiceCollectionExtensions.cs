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
    /// Registers <see cref="TwilioSmsClient"/>, its validated options (section <c>Twilio</c>), the
    /// process-wide <see cref="SendPacer"/> and an HttpClient with the alert resilience pipeline.
    /// The factory's request logging is removed: its scope carries the full request URL whatever
    /// the log level, and scopes reach Application Insights (for webhooks the URL is the secret).
    /// The pacer sits outside the retries: it spaces sends, and waiting for a slot must not eat
    /// into an attempt's timeout; retries are spaced by their own back-off.
    /// </summary>
    public static IServiceCollection AddTwilioSms(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<TwilioOptions>().Bind(configuration.GetSection(TwilioOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TwilioOptions>, TwilioOptionsValidator>());
        services.AddHttpDeliveryOptions(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new SendPacer(sp.GetRequiredService<IOptions<TwilioOptions>>().Value.MessagesPerSecond, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<TwilioSmsClient>();
        services.AddHttpClient(TwilioSmsClient.HttpClientName)
            .RemoveAllLoggers()
            .AddHttpMessageHandler(sp => new PacingHandler(sp.GetRequiredService<SendPacer>()))
            .AddAlertResilience("twilio");
        return services;
    }

    /// <summary>Binds and validates <see cref="HttpDeliveryOptions"/> (section <c>Hotline:Dispatch:Http</c>).</summary>
    public static IServiceCollection AddHttpDeliveryOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<HttpDeliveryOptions>().Bind(configuration.GetSection(HttpDeliveryOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HttpDeliveryOptions>, HttpDeliveryOptionsValidator>());
        return services;
    }

    /// <summary>
    /// The pipeline every alert request goes through, outermost first: a total timeout, retries with
    /// jittered exponential back-off on transient answers only (408, 429, 5xx, network errors,
    /// attempt timeouts; never on other 4xx such as Twilio's 21211/21610, which would fail again
    /// and could page someone twice), and a per-attempt timeout.
    /// </summary>
    public static IHttpClientBuilder AddAlertResilience(this IHttpClientBuilder builder, string pipelineName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddResilienceHandler(pipelineName, static (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<HttpDeliveryOptions>>().Value;
            pipeline.AddTimeout(options.TotalTimeout);
            if (options.MaxRetries > 0)
            {
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = options.MaxRetries,
                    Delay = options.RetryBaseDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                });
            }

            pipeline.AddTimeout(options.AttemptTimeout);
        });
        return builder;
    }
}
