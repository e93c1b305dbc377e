namespace Hotline.Tips;

/// <summary>Storage or queue did not answer: the tipster is told to retry (503), and nothing half-done is visible.</summary>
public sealed class IntakeUnavailableException : Exception
{
    public IntakeUnavailableException()
    {
    }

    public IntakeUnavailableException(string message)
        : base(message)
    {
    }

    public IntakeUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
