using Microsoft.Extensions.Options;

namespace Pms.Grpc.FtmChips.Expiry;

/// <summary>Runs <see cref="CertificateExpiryScanner"/> at start and then every <see cref="CertificateExpiryOptions.Interval"/>, on the injected clock.</summary>
public sealed class CertificateExpiryJob(
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptions<CertificateExpiryOptions> options,
    ILogger<CertificateExpiryJob> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<CertificateExpiryScanner>().RunAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "The certificate expiry job failed; it runs again in {Interval}", options.Value.Interval);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
