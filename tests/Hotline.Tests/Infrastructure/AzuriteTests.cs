namespace Hotline.Tests.Infrastructure;

/// <summary>The test fixture's own behaviour on a machine that lacks what it needs.</summary>
public sealed class AzuriteTests
{
    [Fact]
    public async Task Start_NodeNotOnPath_FailsWithAClearMessage()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Azurite.StartAsync("hotline-test-no-such-node", TestContext.Current.CancellationToken));

        Assert.Contains("Node.js", ex.Message, StringComparison.Ordinal);
        Assert.Contains("hotline-test-no-such-node", ex.Message, StringComparison.Ordinal);
    }
}
