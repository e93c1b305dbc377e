using System.Collections.Immutable;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Core.FunctionMetadata;
using Microsoft.Extensions.Options;

namespace Hotline.Functions.Hosting;

/// <summary>
/// <c>--verify-worker</c>: what this machine can check of worker mode without a Functions host. The worker
/// host is built as the real host's launch builds it (service provider validation on), the settings are
/// validated as on a real start, every function the worker would report to the host is listed from its
/// metadata provider, and each function class is created through the worker's own activator, as for an
/// invocation. Nothing connects to the host and no HTTP server starts. Prints one line per function.
/// </summary>
internal static class WorkerVerification
{
    public static async Task<int> RunAsync(IHost worker, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(output);
        var services = worker.Services;

        // The options a real start validates (ValidateOnStart): a bad setting fails here with the same one line.
        services.GetService<IStartupValidator>()?.Validate();

        var metadata = services.GetRequiredService<IFunctionMetadataProvider>();
        var functions = await metadata.GetFunctionMetadataAsync(AppContext.BaseDirectory);
        var activator = services.GetRequiredService<IFunctionActivator>();
        var assembly = typeof(WorkerVerification).Assembly;
        await output.WriteLineAsync($"worker host built ({metadata.GetType().Name}); {functions.Length} functions");
        foreach (var function in functions.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            var entryPoint = function.EntryPoint ?? throw new InvalidOperationException($"{function.Name} has no entry point.");
            var dot = entryPoint.LastIndexOf('.');
            var type = assembly.GetType(entryPoint[..dot], throwOnError: true)!;
            var method = type.GetMethod(entryPoint[(dot + 1)..])
                ?? throw new InvalidOperationException($"{function.Name}: {type.FullName} has no public method {entryPoint[(dot + 1)..]}.");
            var triggers = string.Join(",", (function.RawBindings ?? ImmutableArray<string>.Empty).Select(TriggerType).Where(t => t is not null));
            string activated;
            if (method.IsStatic)
            {
                // The worker calls a static function without an instance: nothing to activate.
                activated = "static";
            }
            else
            {
                await using var scope = services.CreateAsyncScope();
                var instance = activator.CreateInstance(type, new ActivationContext(scope.ServiceProvider))
                    ?? throw new InvalidOperationException($"{function.Name}: the activator made no instance of {type.FullName}.");
                activated = "activated " + instance.GetType().FullName;
            }

            await output.WriteLineAsync($"function {function.Name} {entryPoint} [{triggers}] {activated}");
        }

        await output.WriteLineAsync("worker mode verified: no host connection was made and no HTTP server was started");
        return 0;
    }

    private static string? TriggerType(string rawBinding)
    {
        using var binding = System.Text.Json.JsonDocument.Parse(rawBinding);
        var type = binding.RootElement.GetProperty("type").GetString();
        return type?.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase) == true ? type : null;
    }

    /// <summary>The one thing the worker's activator reads from an invocation: its scoped services.</summary>
    private sealed class ActivationContext(IServiceProvider services) : FunctionContext
    {
        public override string InvocationId => "verify";

        public override string FunctionId => "verify";

        public override TraceContext TraceContext => throw new NotSupportedException();

        public override BindingContext BindingContext => throw new NotSupportedException();

        public override RetryContext RetryContext => throw new NotSupportedException();

        public override IServiceProvider InstanceServices { get; set; } = services;

        public override FunctionDefinition FunctionDefinition => throw new NotSupportedException();

        public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

        public override IInvocationFeatures Features => throw new NotSupportedException();
    }
}
