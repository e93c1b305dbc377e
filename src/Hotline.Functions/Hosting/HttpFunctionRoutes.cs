using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace Hotline.Functions.Hosting;

/// <summary>One HTTP function as its attributes declare it: what both hosts route by.</summary>
internal sealed record HttpFunction(string Name, Type FunctionType, MethodInfo Method, IReadOnlyList<string> Methods, string Route);

/// <summary>
/// Standalone: serves every <c>[Function]</c> with an <c>[HttpTrigger]</c> at the route the Functions host
/// gives it (host.json <c>extensions.http.routePrefix</c> + the trigger's route), read from the same
/// attributes the SDK writes <c>functions.metadata</c> from, so the two hosts cannot drift apart. The
/// function class is created per request from DI, as the worker's activator does.
/// </summary>
internal static class HttpFunctionRoutes
{
    /// <summary>The Functions host's default route prefix when host.json names none.</summary>
    private const string DefaultRoutePrefix = "api";

    public static IReadOnlyList<HttpFunction> Discover(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var functions = new List<HttpFunction>();
        foreach (var type in assembly.GetTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                if (method.GetCustomAttribute<FunctionAttribute>() is not { } function)
                {
                    continue;
                }

                var trigger = method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).SingleOrDefault(t => t is not null);
                if (trigger is not null)
                {
                    functions.Add(new HttpFunction(function.Name, type, method, trigger.Methods ?? [], trigger.Route ?? function.Name));
                }
            }
        }

        return functions;
    }

    /// <summary>The path the Functions host serves a route at: <c>/{routePrefix}/{route}</c>.</summary>
    public static string Path(string? routePrefix, string route) =>
        "/" + string.Join('/', new[] { routePrefix ?? DefaultRoutePrefix, route }.Select(p => p.Trim('/')).Where(p => p.Length > 0));

    public static IEndpointRouteBuilder MapHttpFunctions(this IEndpointRouteBuilder app, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(configuration);
        var prefix = configuration[$"{FunctionsConfiguration.JobHostPrefix}:extensions:http:routePrefix"];
        foreach (var function in Discover(typeof(HttpFunctionRoutes).Assembly))
        {
            var invoke = Invoker(function);
            app.MapMethods(Path(prefix, function.Route), function.Methods.Select(m => m.ToUpperInvariant()), invoke)
                .WithName(function.Name)
                .ExcludeFromDescription();
        }

        return app;
    }

    /// <summary>
    /// Binds what a function may take standalone, the request and the request's cancellation, and
    /// refuses anything else at start-up: a parameter only the worker can bind would fail on every request.
    /// </summary>
    private static RequestDelegate Invoker(HttpFunction function)
    {
        var parameters = function.Method.GetParameters();
        foreach (var parameter in parameters)
        {
            if (parameter.ParameterType != typeof(HttpRequest) && parameter.ParameterType != typeof(CancellationToken))
            {
                throw new InvalidOperationException($"{function.Name}: parameter '{parameter.Name}' ({parameter.ParameterType.Name}) cannot be bound in standalone mode; HTTP functions take HttpRequest and CancellationToken.");
            }
        }

        var create = function.Method.IsStatic ? null : ActivatorUtilities.CreateFactory(function.FunctionType, Type.EmptyTypes);
        return async http =>
        {
            var instance = create?.Invoke(http.RequestServices, null);
            var args = parameters.Select(p => p.ParameterType == typeof(HttpRequest) ? http.Request : (object)http.RequestAborted).ToArray();
            var returned = function.Method.Invoke(instance, BindingFlags.DoNotWrapExceptions, binder: null, args, culture: null);
            var result = returned switch
            {
                Task<IResult> pending => await pending,
                IResult done => done,
                _ => throw new InvalidOperationException($"{function.Name} returned no IResult."),
            };
            await result.ExecuteAsync(http);
        };
    }
}
