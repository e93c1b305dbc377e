namespace Hotline.Twilio;

/// <summary>
/// Whether the sends made in the current async flow are urgent. Twilio's library builds its HTTP requests
/// itself, so nothing can be attached to a request on its way to the pacer; the flow carries it instead
/// (<see cref="TwilioSmsClient.SendSmsAsync"/> sets it around one send).
/// </summary>
public static class SendPriority
{
    private static readonly AsyncLocal<bool> Current = new();

    public static bool IsUrgent => Current.Value;

    /// <summary>Marks the sends of the current flow urgent until the returned scope is disposed.</summary>
    public static IDisposable Urgent(bool urgent) => new Scope(urgent);

    private sealed class Scope : IDisposable
    {
        private readonly bool _previous;

        public Scope(bool urgent)
        {
            _previous = Current.Value;
            Current.Value = urgent;
        }

        public void Dispose() => Current.Value = _previous;
    }
}
