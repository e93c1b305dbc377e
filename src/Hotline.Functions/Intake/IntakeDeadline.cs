namespace Hotline.Functions.Intake;

/// <summary>
/// How long intake waits for storage before answering 503 with <c>Retry-After</c>. Without it a hung
/// storage account holds a tipster's request for the SDK's network timeout times its retries (minutes),
/// and a phone on a bad connection gives up not knowing whether the report arrived.
/// </summary>
internal sealed class IntakeDeadline : IDisposable
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(12);

    private readonly CancellationTokenSource _source;
    private readonly CancellationToken _requestAborted;

    private IntakeDeadline(CancellationToken requestAborted)
    {
        _requestAborted = requestAborted;
        _source = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        _source.CancelAfter(Limit);
    }

    /// <summary>Cancelled when the client goes away or the deadline passes.</summary>
    public CancellationToken Token => _source.Token;

    public static IntakeDeadline Start(CancellationToken requestAborted) => new(requestAborted);

    /// <summary>True for a failure that means "storage did not answer in time", as opposed to the client leaving.</summary>
    public bool Passed(Exception exception) =>
        exception is OperationCanceledException && _source.IsCancellationRequested && !_requestAborted.IsCancellationRequested;

    public void Dispose() => _source.Dispose();
}
