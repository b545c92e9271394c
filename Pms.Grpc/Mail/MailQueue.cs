using System.Threading.Channels;
using MimeKit;

namespace Pms.Grpc.Mail;

/// <summary>
/// Writes the message to send, in a scope of its own, on the mail worker; null sends nothing. Composing in the
/// background too (not only sending) keeps the request that queued it equally fast whatever it finds.
/// </summary>
public delegate Task<MimeMessage?> ComposeMail(IServiceProvider services, CancellationToken cancellationToken);

/// <summary>A mail to compose and send later. <see cref="Kind"/> names it in logs; it must hold no personal data.</summary>
public sealed record MailJob(string Kind, ComposeMail Compose);

/// <summary>Mail leaves PMS through this queue, so no RPC waits for, or fails because of, a mail server.</summary>
public interface IMailQueue
{
    /// <summary>Queues the job; false (and the job dropped) when the queue is full.</summary>
    bool TryEnqueue(MailJob job);
}

public sealed class MailQueue(ILogger<MailQueue> logger) : IMailQueue
{
    public const int Capacity = 1000;

    private readonly Channel<MailJob> _channel = Channel.CreateBounded<MailJob>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    public ChannelReader<MailJob> Reader => _channel.Reader;

    public bool TryEnqueue(MailJob job)
    {
        if (_channel.Writer.TryWrite(job))
        {
            return true;
        }
        logger.LogWarning("The mail queue is full ({Capacity} jobs); dropped a {Kind} mail", Capacity, job.Kind);
        return false;
    }
}

/// <summary>Composes and sends the queued mails one after another. A failure is logged and the next mail goes on.</summary>
public sealed class MailQueueWorker(MailQueue queue, IServiceScopeFactory scopes, IMailSender sender, ILogger<MailQueueWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var job in queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var message = await job.Compose(scope.ServiceProvider, stoppingToken);
                if (message is null)
                {
                    continue;
                }
                await sender.SendAsync(message, stoppingToken);
                logger.LogInformation("Sent a {Kind} mail", job.Kind);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Could not send a {Kind} mail", job.Kind);
            }
        }
    }
}
