namespace Hotline.Tests.Infrastructure;

/// <summary>Polls a condition until it holds or the patience runs out (a failure, not a timing claim).</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan patience, string? because = null)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            if (await condition())
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("Condition not met within " + patience + (because is null ? string.Empty : ": " + because));
            }

            await Task.Delay(100);
        }
    }
}
