namespace Hotline.Cases;

/// <summary>Where responders are with a case.</summary>
public enum CaseStatus
{
    New,
    InProgress,
    Referred,
    Closed,
}
