using System.Buffers;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Pms.Testing;

/// <summary>An SMTP server inside the test process that keeps every message it receives, for tests to read.</summary>
public sealed class TestMailServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<MimeMessage> _messages = [];
    private readonly SmtpServer.SmtpServer _server;
    private readonly Task _running;

    private TestMailServer(int port)
    {
        Port = port;
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        _server = new SmtpServer.SmtpServer(options, services);
        _running = _server.StartAsync(_stop.Token);
    }

    public int Port { get; }

    /// <summary>The <c>mail</c> connection string that points PMS here.</summary>
    public string ConnectionString => $"Endpoint=smtp://127.0.0.1:{Port}";

    /// <summary>Starts listening on <paramref name="port"/> (a free one when null) and returns once it answers.</summary>
    public static async Task<TestMailServer> StartAsync(int? port = null)
    {
        var server = new TestMailServer(port ?? FreePort());
        // Listening starts in the background: wait until the port answers.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, server.Port);
                return server;
            }
            catch (SocketException) when (attempt < 100)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Every message received, in arrival order.</summary>
    public IReadOnlyList<MimeMessage> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    public IReadOnlyList<MimeMessage> MessagesTo(string address)
    {
        lock (_messages)
        {
            return _messages.Where(m => m.To.Mailboxes.Any(b => string.Equals(b.Address, address, StringComparison.OrdinalIgnoreCase))).ToList();
        }
    }

    /// <summary>Waits for the <paramref name="count"/>-th message to <paramref name="address"/> and returns it.</summary>
    public async Task<MimeMessage> WaitForMessageToAsync(string address, int count = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var messages = MessagesTo(address);
            if (messages.Count >= count)
            {
                return messages[count - 1];
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No mail #{count} to {address} arrived in time ({messages.Count} did).");
            }
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }

    /// <summary>A local port nothing listens on (yet).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class Store(TestMailServer owner) : MessageStore
    {
        public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction,
            ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = MimeMessage.Load(stream, cancellationToken);
            lock (owner._messages)
            {
                owner._messages.Add(message);
            }
            return Task.FromResult(SmtpResponse.Ok);
        }
    }
}
