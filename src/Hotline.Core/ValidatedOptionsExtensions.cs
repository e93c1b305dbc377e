using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Hotline;

public static class ValidatedOptionsExtensions
{
    /// <summary>
    /// Checks the options with <typeparamref name="TValidator"/> when the host starts, so a bad setting stops start-up
    /// with the validator's one line instead of failing on first use. The validator is registered once however often a
    /// feature is added (the hosts and the tool share features). Binding stays at the caller: the configuration binder's
    /// source generator binds only calls it can see with the concrete type.
    /// </summary>
    public static OptionsBuilder<TOptions> ValidateOnStartWith<TOptions, TValidator>(this OptionsBuilder<TOptions> builder)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return builder.ValidateOnStart();
    }
}
