using System.Collections.Concurrent;
using Hotline.Functions.Hosting;

namespace Hotline.Tests.Hosting;

/// <summary>A queue function for hosting tests: records what it is given and fails on demand.</summary>
public sealed class RecordingQueueFunction(RecordingQueueFunction.Behaviour behaviour) : IQueueFunction
{
    public const string FunctionName = "RecordQueue";

    public string Name => FunctionName;

    public string QueueName => behaviour.QueueName;

    public ConcurrentQueue<QueueTriggerMessage> Received { get; } = new();

    public async Task RunAsync(QueueTriggerMessage message, CancellationToken cancellationToken)
    {
        Received.Enqueue(message);
        if (behaviour.RunTime > TimeSpan.Zero)
        {
            await Task.Delay(behaviour.RunTime, cancellationToken);
        }

        if (behaviour.AlwaysFail || message.Body.Contains("fail", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("the test function was told to fail");
        }
    }

    /// <param name="QueueName">The queue the function reads.</param>
    /// <param name="AlwaysFail">Fail every message (otherwise only those whose text contains "fail").</param>
    /// <param name="RunTime">How long each run takes before it succeeds or fails.</param>
    public sealed record Behaviour(string QueueName, bool AlwaysFail = false, TimeSpan RunTime = default);
}
