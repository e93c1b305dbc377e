using Hotline.Functions.Hosting;
using Hotline.Storage;
using Hotline.Twilio;
using Microsoft.Azure.Functions.Worker;

namespace Hotline.Functions.DeleteProviderCopy;

/// <summary>
/// Queue trigger on <c>twilio-delete</c>: deletes an answered inbound message from Twilio's message log.
/// Throwing fails the invocation, so a deletion Twilio refuses for now (a message it has not finished with,
/// an outage) is retried, and finally left in <c>twilio-delete-poison</c>: the copy then stays at Twilio.
/// </summary>
internal sealed class DeleteProviderCopyFunction(ProviderCopies copies) : IQueueFunction
{
    public const string FunctionName = "DeleteProviderCopy";

    static string IQueueFunction.Name => FunctionName;

    static string IQueueFunction.QueueName => StorageNames.ProviderCopiesQueue;

    [Function(FunctionName)]
    public Task Run(
        [QueueTrigger(StorageNames.ProviderCopiesQueue, Connection = StorageNames.ConnectionSetting)] string message,
        FunctionContext context,
        CancellationToken cancellationToken) => RunAsync(QueueTriggerMessage.FromWorker(message, context), cancellationToken);

    public Task RunAsync(QueueTriggerMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return copies.DeleteAsync(message.Body, message.DequeueCount, cancellationToken);
    }
}
