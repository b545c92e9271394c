using System.Diagnostics.Metrics;
using Grpc.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MimeKit;
using Mosip.Pms.V1;
using Pms.Grpc.Data;
using Pms.Grpc.Data.Entities;
using Pms.Grpc.Mail;
using Pms.IntegrationTests.Infrastructure;
using Pms.Testing;

namespace Pms.IntegrationTests.Mail;

/// <summary>
/// PMS whose mail goes to a port of the test's choosing (a test mail server may or may not listen there), with
/// retries fast enough to watch, optionally on the database of another instance (a second replica).
/// </summary>
public sealed class MailTestFactory(int mailPort, int maxAttempts = 50, string? existingDatabase = null) : PmsFactory
{
    protected override string? ExistingDatabase => existingDatabase;

    protected override string MailConnectionString => $"Endpoint=smtp://127.0.0.1:{mailPort}";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Pms:Mail:RetryDelay", "00:00:00.200");
        builder.UseSetting("Pms:Mail:MaxRetryDelay", "00:00:00.500");
        builder.UseSetting("Pms:Mail:MaxAttempts", maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Pms:Mail:PollInterval", "00:00:00.100");
    }

    /// <summary>Writes a mail to <paramref name="to"/> into the outbox in a transaction of its own, committed or rolled back.</summary>
    public async Task<Guid> WriteMailAsync(string to, string subject, bool commit = true)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PmsDbContext>();
        var outbox = scope.ServiceProvider.GetRequiredService<MailOutbox>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var message = new MimeMessage { Subject = subject, Body = new TextPart("plain") { Text = "test" } };
        message.From.Add(MailboxAddress.Parse("pms@test.local"));
        message.To.Add(MailboxAddress.Parse(to));
        var mail = outbox.Add("test", message);
        await db.SaveChangesAsync();
        if (commit)
        {
            await transaction.CommitAsync();
            outbox.Nudge();
        }
        else
        {
            await transaction.RollbackAsync();
        }
        return mail.Id;
    }

    public async Task<OutboxMail?> OutboxRowAsync(Guid id)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PmsDbContext>().OutboxMails.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id);
    }

    public async Task<OutboxMail> WaitForRowAsync(Guid id, Func<OutboxMail, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var row = await OutboxRowAsync(id);
            if (row is not null && condition(row))
            {
                return row;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Outbox mail {id} did not reach the expected state: {row?.Status} after {row?.Attempts} attempts ({row?.LastError}).");
            }
            await Task.Delay(50);
        }
    }
}

public sealed class MailOutboxTests
{
    [Fact]
    public async Task AMailWrittenInARolledBackTransactionIsNeverSentAndOneCommittedIs()
    {
        await using var mail = await TestMailServer.StartAsync();
        await using var pms = new MailTestFactory(mail.Port);
        await pms.InitializeAsync();

        var rolledBack = await pms.WriteMailAsync("rolled-back@test.local", "never", commit: false);
        var committed = await pms.WriteMailAsync("committed@test.local", "once");

        var received = await mail.WaitForMessageToAsync("committed@test.local");
        Assert.Equal("once", received.Subject);
        Assert.Null(await pms.OutboxRowAsync(rolledBack));
        await Task.Delay(500);
        Assert.Empty(mail.MessagesTo("rolled-back@test.local"));
        var row = await pms.WaitForRowAsync(committed, r => r.Status == OutboxMailStatus.Sent);
        Assert.Null(row.MessageEncrypted); // the content (personal data) is wiped once delivered
    }

    [Fact]
    public async Task WhileTheMailServerIsDownTheSenderRetriesAndDeliversOnceItIsBack()
    {
        var port = TestMailServer.FreePort();
        await using var pms = new MailTestFactory(port);
        await pms.InitializeAsync();

        var id = await pms.WriteMailAsync("patient@test.local", "retried");
        // Three attempts failed, and none is under way (a claimed row may be mid-attempt).
        var failing = await pms.WaitForRowAsync(id, r => r.Attempts >= 3 && r.ClaimedUntil is null);
        Assert.Equal(OutboxMailStatus.Pending, failing.Status);
        Assert.False(string.IsNullOrEmpty(failing.LastError));

        await using var mail = await TestMailServer.StartAsync(port);
        var received = await mail.WaitForMessageToAsync("patient@test.local");
        Assert.Equal("retried", received.Subject);
        var sent = await pms.WaitForRowAsync(id, r => r.Status == OutboxMailStatus.Sent);
        Assert.True(sent.Attempts >= 4, $"sent after {sent.Attempts} attempts");
        Assert.Single(mail.MessagesTo("patient@test.local"));
        // Failed attempts are Warnings, not Errors: nothing was given up.
        Assert.DoesNotContain(pms.Logs.Lines, l => l.Level >= LogLevel.Error);
        Assert.Contains(pms.Logs.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("Could not send a test mail"));
    }

    [Fact]
    public async Task TwoSendersOnOneDatabaseSendEveryMailExactlyOnce()
    {
        await using var mail = await TestMailServer.StartAsync();
        await using var first = new MailTestFactory(mail.Port);
        await first.InitializeAsync();
        await using var second = new MailTestFactory(mail.Port, existingDatabase: first.ConnectionString);
        await second.InitializeAsync();

        const int count = 120;
        var writes = Enumerable.Range(0, count).Select(i => (i % 2 == 0 ? first : second).WriteMailAsync($"m{i}@test.local", $"mail {i}"));
        await Task.WhenAll(writes);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (mail.Messages.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        await Task.Delay(1000); // a duplicate would arrive now
        var subjects = mail.Messages.Select(m => m.Subject).ToList();
        Assert.Equal(count, subjects.Count);
        Assert.Equal(count, subjects.Distinct().Count());
        Assert.True(first.Logs.Lines.Any(l => l.Message.StartsWith("Sent a test mail", StringComparison.Ordinal))
            || second.Logs.Lines.Any(l => l.Message.StartsWith("Sent a test mail", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AMailThatExhaustsItsAttemptsStaysVisibleToOperatorsAndAdmins()
    {
        var undeliverable = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == MailMetrics.MeterName && instrument.Name == "pms.mail.undeliverable")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref undeliverable, value));
        listener.Start();

        await using var pms = new MailTestFactory(TestMailServer.FreePort(), maxAttempts: 3);
        await pms.InitializeAsync();
        var id = await pms.WriteMailAsync("nobody@test.local", "lost?");

        var row = await pms.WaitForRowAsync(id, r => r.Status == OutboxMailStatus.Undeliverable);
        Assert.Equal(3, row.Attempts);
        Assert.NotNull(row.MessageEncrypted); // kept, so it can be requeued once the server is fixed
        // The sender counts and logs right after it commits the row's new status: wait for the line, briefly.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!pms.Logs.Lines.Any(GaveUp) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.Contains(pms.Logs.Lines, GaveUp);
        Assert.Equal(1, Interlocked.Read(ref undeliverable));

        var admin = await pms.LoginAsAdminAsync();
        var audit = new AuditService.AuditServiceClient(pms.Channel);
        var listed = await audit.ListUndeliveredMailsAsync(new ListUndeliveredMailsRequest(), PmsFactory.Bearer(admin.AccessToken));
        var entry = Assert.Single(listed.Mails);
        Assert.Equal(id.ToString(), entry.MailId);
        Assert.Equal("test", entry.Kind);
        Assert.Equal(3, entry.Attempts);
        Assert.NotEmpty(entry.LastError);
        Assert.Equal(1, listed.TotalSize);

        var anonymous = await Assert.ThrowsAsync<RpcException>(() => audit.ListUndeliveredMailsAsync(new ListUndeliveredMailsRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);

        bool GaveUp(CapturedLog l) => l.Level == LogLevel.Error && l.Message.Contains($"Gave up a test mail ({id}) after 3 attempts");
    }

    [Fact]
    public async Task AResetRequestIsDurableAndGoesOutOnceTheMailServerAnswers()
    {
        var port = TestMailServer.FreePort();
        await using var pms = new MailTestFactory(port);
        await pms.InitializeAsync();

        // An unknown email and (below) a known one cost the request the same: one outbox row each.
        await pms.Partners.RequestPasswordResetAsync(new RequestPasswordResetRequest { Email = "nobody-here@test.local" });
        await using var scope = pms.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PmsDbContext>();
        var row = await db.OutboxMails.AsNoTracking().SingleAsync();
        Assert.Equal("password-reset", row.Kind);
        var done = await pms.WaitForRowAsync(row.Id, r => r.Status == OutboxMailStatus.NotNeeded);
        Assert.Null(done.RequestEncrypted);
        await using var mail = await TestMailServer.StartAsync(port);
        await Task.Delay(500);
        Assert.Empty(mail.Messages);
    }
}
