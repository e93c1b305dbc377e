namespace Hotline.Tips;

/// <summary>60 random bits per id (<see cref="TipId.New"/>).</summary>
public sealed class RandomTipIdSource : ITipIdSource
{
    public TipId Draw() => TipId.New();
}
