namespace Pms.Testing;

/// <summary>The checkout the tests run from: the folder holding Pms.sln above the test assembly.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Pms.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"Pms.sln not found above {AppContext.BaseDirectory}.");
    }
}
