using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Hotline.Tests.Infrastructure;

/// <summary>
/// A <see cref="FunctionContext"/> for driving worker middleware without a Functions host: what the
/// worker gives one invocation (its name, its services, the ASP.NET Core integration's HttpContext under
/// the key the integration uses, trigger metadata) and the worker's own invocation-result feature, so
/// <c>GetHttpContext()</c> and <c>GetInvocationResult()</c> behave as under the host.
/// </summary>
public sealed class WorkerInvocation : FunctionContext
{
    // The key Microsoft.Azure.Functions.Worker.Extensions.Http.AspNetCore stores the request's HttpContext under.
    private const string HttpContextKey = "HttpRequestContext";

    private readonly Definition _definition;
    private readonly Bindings _bindings;

    public WorkerInvocation(string functionName, IServiceProvider services, HttpContext? http = null, IReadOnlyDictionary<string, object?>? triggerMetadata = null)
    {
        _definition = new Definition(functionName);
        _bindings = new Bindings(triggerMetadata ?? new Dictionary<string, object?>());
        InstanceServices = services;
        if (http is not null)
        {
            Items[HttpContextKey] = http;
        }

        Features = new FeatureCollection();
        BindingsFeature.Register(this);
    }

    /// <summary>What the function (or a middleware) left as the invocation's result.</summary>
    public object? Result { get; set; }

    public override string InvocationId { get; } = Guid.NewGuid().ToString();

    public override string FunctionId => _definition.Id;

    public override TraceContext TraceContext => throw new NotSupportedException();

    public override BindingContext BindingContext => _bindings;

    public override RetryContext RetryContext => throw new NotSupportedException();

    public override IServiceProvider InstanceServices { get; set; }

    public override FunctionDefinition FunctionDefinition => _definition;

    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

    public override IInvocationFeatures Features { get; }

    private sealed class Bindings(IReadOnlyDictionary<string, object?> data) : BindingContext
    {
        public override IReadOnlyDictionary<string, object?> BindingData => data;
    }

    private sealed class Definition(string name) : FunctionDefinition
    {
        public override ImmutableArray<FunctionParameter> Parameters => [];

        public override string PathToAssembly => typeof(Hotline.Functions.HotlineApp).Assembly.Location;

        public override string EntryPoint => name;

        public override string Id => name;

        public override string Name => name;

        public override IImmutableDictionary<string, BindingMetadata> InputBindings => ImmutableDictionary<string, BindingMetadata>.Empty;

        public override IImmutableDictionary<string, BindingMetadata> OutputBindings => ImmutableDictionary<string, BindingMetadata>.Empty;
    }

    private sealed class FeatureCollection : IInvocationFeatures
    {
        private readonly Dictionary<Type, object> _features = [];

        public void Set<T>(T instance) => _features[typeof(T)] = instance!;

        public void Set(Type type, object instance) => _features[type] = instance;

        public T Get<T>() => _features.TryGetValue(typeof(T), out var feature) ? (T)feature : default!;

        public IEnumerator<KeyValuePair<Type, object>> GetEnumerator() => _features.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>
    /// The worker keeps an invocation's result in an internal feature (IFunctionBindingsFeature) that
    /// GetInvocationResult() reads and writes; this proxy implements that interface over <see cref="Result"/>.
    /// </summary>
    public class BindingsFeature : DispatchProxy
    {
        private static readonly Type FeatureType = typeof(FunctionContext).Assembly
            .GetType("Microsoft.Azure.Functions.Worker.Context.Features.IFunctionBindingsFeature", throwOnError: true)!;

        private WorkerInvocation _invocation = null!;

        internal static void Register(WorkerInvocation invocation)
        {
            var proxy = (BindingsFeature)Create(FeatureType, typeof(BindingsFeature));
            proxy._invocation = invocation;
            ((FeatureCollection)invocation.Features).Set(FeatureType, proxy);
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod?.Name switch
        {
            "get_InvocationResult" => _invocation.Result,
            "set_InvocationResult" => _invocation.Result = args![0],
            "get_TriggerMetadata" => _invocation._bindings.BindingData,
            "get_InputData" => new Dictionary<string, object?>(),
            "get_OutputBindingData" => new Dictionary<string, object?>(),
            _ => throw new NotSupportedException(targetMethod?.Name),
        };
    }
}
