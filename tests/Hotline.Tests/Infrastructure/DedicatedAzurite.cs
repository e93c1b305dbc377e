namespace Hotline.Tests.Infrastructure;

/// <summary>
/// An Azurite process of its own for a class that loads storage hard (the fault, crash and hostile-input runs, the
/// publish): on the run's shared Azurite its thousands of requests left other classes' apps waiting past their
/// deadlines (503s, storage not ready in 60 s) in a full run.
/// </summary>
public sealed class DedicatedAzurite() : OwnAzurite(run: null);
