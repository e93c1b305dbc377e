using System.Collections.Concurrent;
using Hotline.Functions.Hosting;

namespace Hotline.Tests.Hosting;

/// <summary>
/// A queue function for hosting tests: records what it is given and fails on demand. Its queue is the
/// setting <see cref="QueueSetting"/>, as a trigger's <c>%Setting%</c>, so each test reads its own queue.
/// Made per invocation, as the hosts make functions: what it records lives in the shared <see cref="Recording"/>.
/// </summary>
public sealed class RecordingQueueFunction(RecordingQueueFunction.Recording recording, RecordingQueueFunction.InvocationScope scope) : IQueueFunction
{
    public const string FunctionName = "RecordQueue";

    /// <summary>The setting the trigger's queue name is read from.</summary>
    public const string QueueSetting = "RecordQueueName";

    static string IQueueFunction.Name => FunctionName;

    static string IQueueFunction.QueueName => "%" + QueueSetting + "%";

    public async Task RunAsync(QueueTriggerMessage message, CancellationToken cancellationToken)
    {
        recording.Received.Enqueue(message);
        recording.Made.Enqueue((this, scope));
        if (recording.RunTime > TimeSpan.Zero)
        {
            await Task.Delay(recording.RunTime, cancellationToken);
        }

        if (recording.AlwaysFail || message.Body.Contains("fail", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("the test function was told to fail");
        }
    }

    /// <summary>What every invocation was given, and how each behaves.</summary>
    public sealed class Recording
    {
        /// <summary>Fail every message (otherwise only those whose text contains "fail").</summary>
        public bool AlwaysFail { get; init; }

        /// <summary>How long each run takes before it succeeds or fails.</summary>
        public TimeSpan RunTime { get; init; }

        public ConcurrentQueue<QueueTriggerMessage> Received { get; } = new();

        /// <summary>Each run's function instance and the scoped service it was given.</summary>
        public ConcurrentQueue<(RecordingQueueFunction Function, InvocationScope Scope)> Made { get; } = new();
    }

    /// <summary>A scoped service: one per invocation's scope.</summary>
    public sealed class InvocationScope;
}
