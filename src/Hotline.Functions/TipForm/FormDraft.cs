namespace Hotline.Functions.TipForm;

/// <summary>What a tipster had typed when a submission was refused: given back in the form, with the same idempotency key.</summary>
public sealed record FormDraft(string? Message, string? Location, string? Contact, string? IdempotencyKey);
