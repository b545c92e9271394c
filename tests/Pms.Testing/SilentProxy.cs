using System.Net;
using System.Net.Sockets;

namespace Pms.Testing;

/// <summary>
/// A TCP proxy in front of a server, like the endpoint proxy Aspire puts in front of PostgreSQL. When the
/// server is gone, such a proxy still accepts connections and then says nothing; <see cref="Silence"/>
/// makes this one do the same, so tests see what a client sees then: a connection that never answers.
/// </summary>
public sealed class SilentProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _connections = [];
    private readonly Task _accepting;
    private volatile bool _silent;

    public SilentProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>From now on, accepted connections are held open and never forwarded.</summary>
    public void Silence() => _silent = true;

    /// <summary>Forwards new connections again.</summary>
    public void Forward() => _silent = false;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            lock (_connections)
            {
                _connections.Add(client);
            }
            if (!_silent)
            {
                _ = PipeAsync(client);
            }
        }
    }

    private async Task PipeAsync(TcpClient client)
    {
        try
        {
            using var server = new TcpClient();
            await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            var up = client.GetStream().CopyToAsync(server.GetStream(), _stop.Token);
            var down = server.GetStream().CopyToAsync(client.GetStream(), _stop.Token);
            await Task.WhenAny(up, down);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
        {
        }
        finally
        {
            client.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        lock (_connections)
        {
            _connections.ForEach(c => c.Dispose());
        }
        _stop.Dispose();
    }
}
