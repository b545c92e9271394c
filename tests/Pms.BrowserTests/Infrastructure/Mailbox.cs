using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Pms.BrowserTests.Infrastructure;

/// <summary>Reads what PMS mailed, from the mail sink's (smtp4dev's) web API.</summary>
public sealed partial class Mailbox(Uri mailSinkUrl)
{
    /// <summary>Waits for a mail to <paramref name="to"/> whose subject contains <paramref name="subject"/>, and returns its text.</summary>
    public async Task<string> WaitForTextAsync(string to, string subject, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = mailSinkUrl, Timeout = TimeSpan.FromSeconds(15) };
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            using var listing = await http.GetFromJsonAsync<JsonDocument>("api/messages?pageSize=200");
            var root = listing!.RootElement;
            // Newer smtp4dev versions page the list ({ "results": [...] }); older ones return the array.
            var messages = root.ValueKind == JsonValueKind.Array ? root : root.GetProperty("results");
            foreach (var message in messages.EnumerateArray())
            {
                var recipients = message.TryGetProperty("to", out var t) ? t.ToString() : "";
                var title = message.TryGetProperty("subject", out var s) ? s.GetString() ?? "" : "";
                if (recipients.Contains(to, StringComparison.OrdinalIgnoreCase) && title.Contains(subject, StringComparison.OrdinalIgnoreCase))
                {
                    return await http.GetStringAsync($"api/messages/{message.GetProperty("id").GetString()}/plaintext");
                }
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"No mail to {to} about \"{subject}\" arrived within {timeout}.");
            }

            await Task.Delay(500);
        }
    }

    /// <summary>The first http(s) link in a mail's text.</summary>
    public static Uri FirstLink(string text) =>
        LinkPattern().Match(text) is { Success: true } match
            ? new Uri(match.Value)
            : throw new InvalidOperationException("The mail holds no link:\n" + text);

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex LinkPattern();
}
