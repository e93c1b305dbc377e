using System.Collections.Concurrent;
using Hotline.Functions.Hosting;

namespace Hotline.Tests.Hosting;

/// <summary>A queue function for hosting tests: records what it is given and fails on demand.</summary>
public sealed class RecordingQueueFunction(RecordingQueueFunction.Behaviour behaviour) : IQueueFunction
{
    public const string FunctionName = "RecordQueue";

    public string Name => FunctionName;

    public string QueueName => behaviour.QueueName;

    public string BindingName => "message";

    public ConcurrentQueue<QueueTriggerMessage> Received { get; } = new();

    public Task RunAsync(QueueTriggerMessage message, CancellationToken cancellationToken)
    {
        Received.Enqueue(message);
        if (behaviour.AlwaysFail || message.Body.Contains("fail", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("the test function was told to fail");
        }

        return Task.CompletedTask;
    }

    public sealed record Behaviour(string QueueName, bool AlwaysFail = false);
}
