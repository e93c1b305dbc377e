namespace Hotline.Functions.Hosting;

/// <summary>A setting or file that stops start-up; its message names the setting and is shown as is.</summary>
public sealed class StartupException : Exception
{
    public StartupException()
    {
    }

    public StartupException(string message)
        : base(message)
    {
    }

    public StartupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
