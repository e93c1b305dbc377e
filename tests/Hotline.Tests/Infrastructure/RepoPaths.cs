namespace Hotline.Tests.Infrastructure;

internal static class RepoPaths
{
    /// <summary>The repository root: the folder that holds package.json and Hotline.sln.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hotline.sln")) && File.Exists(Path.Combine(dir.FullName, "package.json")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (Hotline.sln) above " + AppContext.BaseDirectory);
    }
}
