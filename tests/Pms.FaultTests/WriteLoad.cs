using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Mosip.Pms.V1;

namespace Pms.FaultTests;

/// <summary>One call of the load: when it started and ended (since the load began) and how it ended.</summary>
public sealed record CallOutcome(TimeSpan Started, TimeSpan Ended, StatusCode Code, string Detail)
{
    public TimeSpan Duration => Ended - Started;
}

/// <summary>
/// A bounded write load: each worker registers partners (RegisterPartner, anonymous, one row set per call) one after
/// another, optionally asking a password reset for each registered email (one outbox mail each), and records every
/// call. A write counts as acknowledged only when the server answered OK.
/// </summary>
public sealed class WriteLoad
{
    private readonly ConcurrentQueue<CallOutcome> _outcomes = new();
    private readonly ConcurrentBag<string> _registered = new();
    private readonly ConcurrentBag<string> _resetsAcknowledged = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public TimeSpan Now => _clock.Elapsed;

    public IReadOnlyList<CallOutcome> Outcomes => [.. _outcomes];

    /// <summary>Usernames whose registration was acknowledged.</summary>
    public IReadOnlyCollection<string> Registered => [.. _registered];

    /// <summary>Emails whose password reset request was acknowledged (each must get one mail).</summary>
    public IReadOnlyCollection<string> ResetsAcknowledged => [.. _resetsAcknowledged];

    /// <summary>Runs <paramref name="workers"/> workers until <paramref name="stop"/> is cancelled; worker i uses channel i mod n.</summary>
    public Task RunAsync(IReadOnlyList<PmsProcess> servers, int workers, bool requestResets, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            var client = new PartnerService.PartnerServiceClient(servers[worker % servers.Count].Channel);
            while (!stop.IsCancellationRequested)
            {
                var id = Guid.NewGuid().ToString("N")[..12];
                var email = $"fault.{id}@faults.example";
                var registered = await CallAsync(() => client.RegisterPartnerAsync(new RegisterPartnerRequest
                {
                    PartnerType = PartnerType.FtmProvider,
                    FirstName = "Fault",
                    LastName = "Test",
                    OrganizationName = $"Fault Works {id}",
                    Address = "1 Test Street",
                    PhoneNumber = "+919876543210",
                    Email = email,
                    Username = $"fault-{id}",
                    Password = "Fault-Password-1",
                }, deadline: DateTime.UtcNow.AddSeconds(15)).ResponseAsync);
                if (registered)
                {
                    _registered.Add($"fault-{id}");
                    if (requestResets && await CallAsync(() => client.RequestPasswordResetAsync(
                            new RequestPasswordResetRequest { Email = email }, deadline: DateTime.UtcNow.AddSeconds(15)).ResponseAsync))
                    {
                        _resetsAcknowledged.Add(email);
                    }
                }
                else
                {
                    await Task.Delay(50); // a failing server is not hammered in a tight loop
                }
            }
        })));

    private async Task<bool> CallAsync(Func<Task> call)
    {
        var started = Now;
        try
        {
            await call();
            _outcomes.Enqueue(new CallOutcome(started, Now, StatusCode.OK, ""));
            return true;
        }
        catch (RpcException ex)
        {
            _outcomes.Enqueue(new CallOutcome(started, Now, ex.StatusCode, ex.Status.Detail));
            return false;
        }
    }

    /// <summary>"OK=120 UNAVAILABLE=37", for the printed summary.</summary>
    public string CodeCounts() => string.Join(" ", Outcomes.GroupBy(o => o.Code).OrderBy(g => g.Key)
        .Select(g => $"{g.Key.ToString().ToUpperInvariant()}={g.Count()}"));
}
