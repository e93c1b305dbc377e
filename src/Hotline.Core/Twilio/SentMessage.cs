namespace Hotline.Twilio;

/// <summary>One message Hotline sent, as <see cref="SentMessages.FindAsync"/> found its record.</summary>
/// <param name="Name">The record's name.</param>
/// <param name="About">What the app kept about it (which alert send it was), opened; null for a reply from the responder tool.</param>
public sealed record SentMessage(string Name, BinaryData? About);
