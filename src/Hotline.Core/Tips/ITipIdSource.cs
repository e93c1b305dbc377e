namespace Hotline.Tips;

/// <summary>Where new tip ids come from. The CSPRNG in production; a test supplies a fixed sequence to force a collision.</summary>
public interface ITipIdSource
{
    TipId Draw();
}
