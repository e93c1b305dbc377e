namespace Hotline.Functions.TipForm;

/// <summary>Why a submission was refused, in the page's language, and the field it is about (null: the whole form).</summary>
public sealed record FormError(string? Field, string Text);
