using Hotline.Cases;
using Hotline.Dispatch;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hotline.Escalation;

public static class EscalationServiceCollectionExtensions
{
    /// <summary>
    /// Acknowledgements and escalation (<c>Hotline:Escalation</c>) on top of dispatch: the store, the opener dispatch calls
    /// after a page, the escalator, and the roster phones' commands. The host adds the functions that call them.
    /// </summary>
    public static IServiceCollection AddEscalation(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<EscalationOptions>().Bind(configuration.GetSection(EscalationOptions.SectionName)).ValidateOnStartWith<EscalationOptions, EscalationOptionsValidator>();
        services.TryAddSingleton<Escalations>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAlertFollowUp, EscalationOpener>());
        services.TryAddSingleton<AuditLog>();
        services.TryAddSingleton<AlertEscalator>();
        services.TryAddSingleton<RosterPhones>();
        services.TryAddSingleton<ResponderCommands>();
        return services;
    }
}
