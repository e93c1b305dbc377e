namespace Hotline.Cases;

/// <summary>A case operation that cannot be done, with the one line a responder needs to read.</summary>
public sealed class CaseException : Exception
{
    public CaseException()
    {
    }

    public CaseException(string message)
        : base(message)
    {
    }

    public CaseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
