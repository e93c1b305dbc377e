using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Hotline.Functions.Hosting;

internal static partial class SettingConversionFailures
{
    /// <summary>
    /// Makes a setting whose value cannot be converted to its option's type (<c>PerMinute=abc</c>) a
    /// start-up failure that names the setting, like any other invalid setting.
    /// </summary>
    public static IServiceCollection AddSettingConversionFailures(this IServiceCollection services)
    {
        // Registered after AddOptions' own factory, so this one is resolved for every options type.
        services.AddTransient(typeof(IOptionsFactory<>), typeof(SettingCheckingOptionsFactory<>));
        return services;
    }

    internal static string Expected(string type) => type switch
    {
        "System.Int32" or "System.Int64" => "a whole number",
        "System.TimeSpan" => "a time span such as 00:00:30 or 1.00:00:00",
        "System.Boolean" => "true or false",
        "System.Double" or "System.Decimal" => "a number",
        "System.Uri" => "a URI",
        _ => "a valid " + type[(type.LastIndexOf('.') + 1)..],
    };

    // The binder's message: "Failed to convert configuration value '<value>' at '<path>' to type '<type>'.". Anchored at
    // the end, so nothing in the value can pose as the path.
    [GeneratedRegex(@"^Failed to convert configuration value.* at '(?<path>[^']+)' to type '(?<type>[^']+)'\.$", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    internal static partial Regex ConversionFailure();
}

/// <summary>
/// The configuration binder reports a value it cannot convert with an InvalidOperationException that
/// quotes the value (a setting may be a secret), and start-up validation lets it escape as a crash with
/// a stack trace. This factory turns it into an <see cref="OptionsValidationException"/> that names the
/// setting the way operators set it (<c>Hotline__RateLimit__PerMinute</c>) and drops the exception that
/// holds the value, so it ends in Program's one-line "Hotline cannot start".
/// </summary>
internal sealed class SettingCheckingOptionsFactory<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(
    IEnumerable<IConfigureOptions<TOptions>> setups,
    IEnumerable<IPostConfigureOptions<TOptions>> postConfigures,
    IEnumerable<IValidateOptions<TOptions>> validations,
    IConfiguration configuration) : IOptionsFactory<TOptions>
    where TOptions : class
{
    private readonly OptionsFactory<TOptions> _inner = new(setups, postConfigures, validations);

    public TOptions Create(string name)
    {
        try
        {
            return _inner.Create(name);
        }
        catch (InvalidOperationException ex) when (SettingConversionFailures.ConversionFailure().Match(ex.Message) is { Success: true } failure)
        {
            var path = failure.Groups["path"].Value;

            // Only name what is really a setting: the message is parsed, so check what came out of it.
            var setting = configuration[path] is not null
                ? path.Replace(ConfigurationPath.KeyDelimiter, "__", StringComparison.Ordinal)
                : "a " + typeof(TOptions).Name + " setting";
            throw new OptionsValidationException(name, typeof(TOptions), [$"{setting} is not {SettingConversionFailures.Expected(failure.Groups["type"].Value)}."]);
        }
    }
}
