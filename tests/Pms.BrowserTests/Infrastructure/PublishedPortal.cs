using System.Diagnostics;
using System.Text.RegularExpressions;
using Pms.Testing;

namespace Pms.BrowserTests.Infrastructure;

/// <summary>
/// Pms.Web published in Release (trimmed, compressed: what a deployment serves) into a temporary folder and run on
/// its own on a free local port. Serving the WebAssembly app needs no pms-grpc; only signing in would.
/// </summary>
public sealed partial class PublishedPortal : IAsyncDisposable
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly string _directory;
    private readonly Process _host;

    private PublishedPortal(string directory, Process host, Uri url)
    {
        _directory = directory;
        _host = host;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<PublishedPortal> StartAsync()
    {
        var directory = TestFolders.Create("pms-portal-published");
        var project = Path.Combine(Repository.Root, "Pms.Web", "Pms.Web.csproj");
        await RunAsync("dotnet", ["publish", project, "-c", "Release", "-o", directory, "--nologo", "-v", "q"], PublishTimeout);

        var start = new ProcessStartInfo("dotnet", [Path.Combine(directory, "Pms.Web.dll"), "--urls", "http://127.0.0.1:0"])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["services__pms-grpc__http__0"] = "http://127.0.0.1:9";
        var host = Process.Start(start) ?? throw new InvalidOperationException("The published portal did not start.");

        // Kestrel names the port it was given in its "Now listening on" line.
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        host.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && ListeningLine().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value + "/"));
            }
        };
        host.ErrorDataReceived += (_, _) => { };
        host.BeginOutputReadLine();
        host.BeginErrorReadLine();

        var url = await listening.Task.WaitAsync(StartTimeout);
        return new PublishedPortal(directory, host, url);
    }

    private static async Task RunAsync(string file, string[] arguments, TimeSpan timeout)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} took longer than {timeout}.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{await output}\n{await error}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_host.HasExited)
        {
            _host.Kill(entireProcessTree: true);
            await _host.WaitForExitAsync();
        }

        _host.Dispose();
        TestFolders.Delete(_directory);
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
