namespace Hotline.Tips;

/// <summary>An idempotency key was reused with a different report: refused (409), nothing stored or queued.</summary>
public sealed class IdempotencyConflictException : Exception
{
    public IdempotencyConflictException()
        : base("The idempotency key was used for a different report.")
    {
    }

    public IdempotencyConflictException(string message)
        : base(message)
    {
    }

    public IdempotencyConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
