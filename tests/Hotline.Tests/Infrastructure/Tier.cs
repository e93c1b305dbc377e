namespace Hotline.Tests.Infrastructure;

/// <summary>
/// The developers' loop: <c>./scripts/test.sh --fast</c> runs every test but those marked
/// <c>[Trait(Tier.Name, Tier.Slow)]</c>: a browser, a publish, a pack, Bicep, the crash, fault and corpus runs,
/// and the deadlines that wait out real seconds. CI runs them all.
/// </summary>
internal static class Tier
{
    public const string Name = "Tier";

    public const string Slow = "Slow";
}
