using System.Diagnostics.Metrics;

namespace Pms.Grpc.Mail;

/// <summary>The outbox's counters on the <c>Pms.Mail</c> meter: mails sent, attempts that failed and will be retried, mails given up.</summary>
public sealed class MailMetrics
{
    public const string MeterName = "Pms.Mail";

    private readonly Counter<long> _sent;
    private readonly Counter<long> _retried;
    private readonly Counter<long> _undeliverable;

    public MailMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _sent = meter.CreateCounter<long>("pms.mail.sent", "{mail}", "Mails the mail server accepted.");
        _retried = meter.CreateCounter<long>("pms.mail.retries", "{attempt}", "Failed attempts that will be retried.");
        _undeliverable = meter.CreateCounter<long>("pms.mail.undeliverable", "{mail}",
            "Mails given up after every attempt failed; each needs an operator (AuditService.ListUndeliveredMails).");
    }

    public void Sent(string kind) => _sent.Add(1, new KeyValuePair<string, object?>("pms.mail.kind", kind));

    public void Retried(string kind) => _retried.Add(1, new KeyValuePair<string, object?>("pms.mail.kind", kind));

    public void Undeliverable(string kind) => _undeliverable.Add(1, new KeyValuePair<string, object?>("pms.mail.kind", kind));
}
