namespace Hotline.Tips;

/// <summary>What a create-once write of a case's blob found.</summary>
public enum CreateOutcome
{
    /// <summary>This write stored the blob.</summary>
    Created,

    /// <summary>
    /// The name holds a blob with this write's mark: this write's own, whose answer was lost (the SDK's retry
    /// then got 409), or an earlier request's of the same writer (the same idempotency key, the same MessageSid).
    /// </summary>
    AlreadyStored,

    /// <summary>The name holds another writer's blob. Nothing was overwritten.</summary>
    Taken,

    /// <summary>The name holds a blob written before blobs were marked: whose cannot be told. Nothing was overwritten.</summary>
    Unmarked,
}
