namespace Pms.BrowserTests.Infrastructure;

/// <summary>Paths in the checkout the tests run from.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>artifacts/screenshots: what the tests saw, for people to look at (not compared).</summary>
    public static string ScreenshotDirectory { get; } = Directory.CreateDirectory(Path.Combine(Root, "artifacts", "screenshots")).FullName;

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Pms.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Pms.sln above {AppContext.BaseDirectory}.");
    }
}
