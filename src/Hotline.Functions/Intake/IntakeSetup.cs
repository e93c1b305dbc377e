using Hotline.Cases;
using Hotline.Encryption;
using Hotline.Sms;
using Hotline.Tips;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Hotline.Functions.Intake;

/// <summary>Registers the intake pipeline shared by the web and SMS channels.</summary>
internal static class IntakeSetup
{
    public static IServiceCollection AddIntake(this IServiceCollection services)
    {
        services.AddOptions<HotlineOptions>()
            .BindConfiguration(HotlineOptions.SectionName)
            .ValidateOnStartWith<HotlineOptions, HotlineOptionsValidator>();
        // The clock (TimeProvider.System) is registered once, with Twilio's services (AddTwilioSms), which every host adds.

        // The intake holds the public key only: it can encrypt reports and never read them back.
        services.AddSingleton(sp => RsaKeyEncryptionKey.FromPublicKeyPem(sp.GetRequiredService<IOptions<HotlineOptions>>().Value.ReadPublicKeyPem()));
        services.AddSingleton(sp => new ReportStore(sp.GetRequiredService<Hotline.Storage.HotlineStorage>(), sp.GetRequiredService<RsaKeyEncryptionKey>()));
        services.AddSingleton(sp => IntakeSecrets.FromPepper(sp.GetRequiredService<IOptions<HotlineOptions>>().Value.PhonePepper!));
        services.AddSingleton<IntakeState>();
        services.AddSingleton<TriageSender>();
        // TryAdd: a test may supply its own sequence of ids (to force a collision); nothing else does.
        services.TryAddSingleton<ITipIdSource, RandomTipIdSource>();
        services.AddSingleton<CaseStore>();
        services.AddSingleton<UntriagedAlerts>();
        services.AddSingleton<TipIntake>();
        services.AddSingleton(sp => new PhonePseudonym(sp.GetRequiredService<IOptions<HotlineOptions>>().Value.PhonePepper!));
        services.AddSingleton<MediaJobs>();
        services.AddSingleton<SmsIntake>();
        services.AddSingleton<Http.IntakeRateLimiter>();
        services.AddSingleton<Http.HttpPolicies>();
        return services;
    }
}
