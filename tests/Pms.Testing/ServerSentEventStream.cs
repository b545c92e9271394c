using System.Net.Http.Headers;
using System.Text;

namespace Pms.Testing;

/// <summary>One server-sent event: its <c>event</c> name (<c>message</c> when none is given), <c>id</c> and <c>data</c>.</summary>
public sealed record ServerSentEvent(string Event, string? Id, string Data);

/// <summary>
/// Reads a <c>text/event-stream</c> response as a browser's EventSource would, keeping every line it received so a
/// failing test can print the whole stream.
/// </summary>
public sealed class ServerSentEventStream : IDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;
    private readonly StringBuilder _received = new();

    private ServerSentEventStream(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body, Encoding.UTF8);
    }

    public HttpResponseMessage Response => _response;

    /// <summary>Every line received so far, as sent.</summary>
    public string Received
    {
        get
        {
            lock (_received)
            {
                return _received.Length == 0 ? "(nothing)" : _received.ToString();
            }
        }
    }

    /// <summary>Comments (<c>: text</c>) received so far, without the colon.</summary>
    public List<string> Comments { get; } = [];

    /// <summary>
    /// GETs <paramref name="path"/> and waits for the response headers (not the body). A response that is not an event
    /// stream is returned as is, body unread, for the caller to check.
    /// </summary>
    public static async Task<(HttpResponseMessage Response, ServerSentEventStream? Stream)> OpenAsync(HttpClient http, string path,
        string? bearer, TimeSpan patience, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path)
        {
            Version = http.DefaultRequestVersion,
            VersionPolicy = http.DefaultVersionPolicy,
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }
        using var opening = new CancellationTokenSource(patience);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, opening.Token);
        if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            return (response, null);
        }
        return (response, new ServerSentEventStream(response, await response.Content.ReadAsStreamAsync(opening.Token)));
    }

    /// <summary>The next event, or null when the server ended the stream; throws when none comes within <paramref name="patience"/>.</summary>
    public async Task<ServerSentEvent?> NextAsync(TimeSpan patience)
    {
        using var bound = new CancellationTokenSource(patience);
        string? name = null, id = null;
        var data = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync("an event", patience, bound.Token);
            if (line is null)
            {
                return null;
            }
            if (line.Length == 0)
            {
                if (data.Count > 0)
                {
                    return new ServerSentEvent(name ?? "message", id, string.Join('\n', data));
                }
                name = null;
                continue;
            }
            if (line.StartsWith(':'))
            {
                Comments.Add(line[1..].Trim());
                continue;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "event":
                    name = value;
                    break;
                case "id":
                    id = value;
                    break;
                case "data":
                    data.Add(value);
                    break;
            }
        }
    }

    /// <summary>
    /// Reads until a comment with this text arrives (e.g. the heartbeat), or throws after <paramref name="patience"/>.
    /// Events read meanwhile are skipped: call it where none is expected.
    /// </summary>
    public async Task WaitForCommentAsync(string text, TimeSpan patience)
    {
        using var bound = new CancellationTokenSource(patience);
        while (!Comments.Contains(text))
        {
            var line = await ReadLineAsync($"': {text}'", patience, bound.Token)
                ?? throw new InvalidOperationException($"The stream ended before ': {text}'. Received:\n{Received}");
            if (line.StartsWith(':'))
            {
                Comments.Add(line[1..].Trim());
            }
        }
    }

    private async Task<string?> ReadLineAsync(string awaited, TimeSpan patience, CancellationToken bound)
    {
        string? line;
        try
        {
            line = await _reader.ReadLineAsync(bound);
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            throw new TimeoutException($"No {awaited} within {patience.TotalSeconds:0} s. Received so far:\n{Received}");
        }
        if (line is not null)
        {
            lock (_received)
            {
                _received.AppendLine(line);
            }
        }
        return line;
    }

    public void Dispose()
    {
        _reader.Dispose();
        _response.Dispose();
    }
}
