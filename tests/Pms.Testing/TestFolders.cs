using System.Diagnostics;

namespace Pms.Testing;

/// <summary>
/// Throw-away folders for a test run. Each is named after the run (<c>PMS_TEST_RUN</c>, set by test.sh) so the
/// check after the suite can find anything left behind, and each gets a watchdog that, should the test host die
/// without cleaning up (killed, crashed), stops any PostgreSQL server whose data lives in the folder and removes it.
/// </summary>
public static class TestFolders
{
    /// <summary>The run's tag followed by a dash, or empty outside test.sh.</summary>
    public static string RunTag =>
        Environment.GetEnvironmentVariable("PMS_TEST_RUN") is { Length: > 0 } tag ? tag + "-" : "";

    /// <summary>Creates an empty folder in the temp folder, removed by a watchdog if this process dies first.</summary>
    public static string Create(string prefix)
    {
        var path = Path.Combine(Path.GetTempPath(), $"{prefix}-{RunTag}{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        StartWatchdog(path);
        return path;
    }

    /// <summary>
    /// Stops what still runs from the folder (a PostgreSQL server that did not stop with its AppHost, a published
    /// app) and removes the folder, as the watchdog would.
    /// </summary>
    public static void Delete(string path)
    {
        using var process = StartCleanup("now", path);
        process.WaitForExit(TimeSpan.FromSeconds(60));
    }

    /// <summary>The PostgreSQL server binaries of this machine (Debian's layout), newest first, or null.</summary>
    public static string? PostgresBinaries()
    {
        const string root = "/usr/lib/postgresql";
        return Directory.Exists(root)
            ? Directory.GetDirectories(root).Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
    }

    // The watchdog leaves as soon as the folder is gone (the normal case) and otherwise outlives the test host: a
    // killed host runs no exit handler. pg_ctl's fast stop is used because a SIGINT sent from a background job of a
    // non-interactive shell is ignored; an immediate stop follows if the fast one does not finish. Then any process
    // still naming the folder on its command line (a server run from it) is killed, and the folder removed.
    private const string WatchdogScript = """
        exec < /dev/null > /dev/null 2>&1
        host="$1"; dir="$2"; bin="$3"; run=()
        [ "$(id -u)" = 0 ] && run=(runuser -u postgres --)
        if [ "$host" != now ]; then
          while kill -0 "$host" 2>/dev/null && [ -e "$dir" ]; do sleep 1; done
        fi
        [ -e "$dir" ] || exit 0
        if [ -n "$bin" ]; then
          find "$dir" -name postmaster.pid 2>/dev/null | while read -r pidfile; do
            data=$(dirname "$pidfile")
            "${run[@]}" "$bin/pg_ctl" -D "$data" -m fast -w -t 20 stop \
              || "${run[@]}" "$bin/pg_ctl" -D "$data" -m immediate -w -t 10 stop
          done
        fi
        for proc in /proc/[0-9]*; do
          [ "${proc#/proc/}" = $$ ] && continue
          cmd=$(tr '\0' ' ' < "$proc/cmdline" 2>/dev/null) || continue
          [[ "$cmd" == *"$dir"* ]] && kill -KILL "${proc#/proc/}" 2>/dev/null
        done
        rm -rf "$dir"
        """;

    private static void StartWatchdog(string path)
    {
        // Its standard streams are pipes it closes at once, so nothing waits on them after the host exits; setsid -f
        // detaches it from this process's tree, which the test runner kills whole when it aborts a run.
        using var process = StartCleanup(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), path, detach: true);
    }

    private static Process StartCleanup(string host, string path, bool detach = false)
    {
        string[] command = ["bash", "-c", WatchdogScript, "pms-test-watchdog", host, path, PostgresBinaries() ?? ""];
        var start = new ProcessStartInfo(detach ? "setsid" : command[0], detach ? ["-f", .. command] : command[1..])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        return Process.Start(start) ?? throw new InvalidOperationException("The test folder watchdog did not start.");
    }
}
