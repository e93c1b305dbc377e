using Hotline.Tips;

namespace Hotline.Tests.Text;

public sealed class TipIdTests
{
    [Fact]
    public void New_ManyIds_AreDistinctAndInTheReadableFormat()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => TipId.New().ToString()).ToList();

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id => Assert.Matches("^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$", id));
    }

    [Fact]
    public void New_EveryPosition_UsesTheWholeAlphabet()
    {
        // 60 bits in 12 base-32 symbols: each position must take all 32 values, or bits are lost.
        var ids = Enumerable.Range(0, 5_000).Select(_ => TipId.New().Compact).ToList();
        for (var position = 0; position < 12; position++)
        {
            Assert.Equal(32, ids.Select(id => id[position]).Distinct().Count());
        }
    }

    [Theory]
    [InlineData("k7qf-2m9x-4tjd", "K7QF-2M9X-4TJD")]
    [InlineData("K7QF 2M9X 4TJD", "K7QF-2M9X-4TJD")]
    [InlineData("K7QF2M9X4TJD", "K7QF-2M9X-4TJD")]
    [InlineData("OOOO-IIII-LLLL", "0000-1111-1111")]
    public void TryParse_WhatAPersonTypes_GivesTheCanonicalId(string typed, string expected)
    {
        Assert.True(TipId.TryParse(typed, out var id));
        Assert.Equal(expected, id.Value.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("K7QF-2M9X-4TJ")]
    [InlineData("K7QF-2M9X-4TJDX")]
    [InlineData("K7QF-2M9X-4TJU")]
    [InlineData("../../etc/passwd")]
    public void TryParse_NotAnId_Fails(string? typed)
    {
        Assert.False(TipId.TryParse(typed, out _));
    }
}
