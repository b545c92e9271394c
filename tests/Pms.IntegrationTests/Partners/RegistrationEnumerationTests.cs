using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mosip.Pms.V1;
using Pms.Grpc.Data;
using Pms.Grpc.Identity;
using Pms.Grpc.Partners;
using Pms.IntegrationTests.Infrastructure;

namespace Pms.IntegrationTests.Partners;

/// <summary>Registering never tells whether an email has an account (issue 10 item 7; docs/security.md, "Account enumeration").</summary>
public sealed class RegistrationEnumerationTests(PmsWithMailFactory pms) : IClassFixture<PmsWithMailFactory>
{
    [Fact]
    public async Task AKnownEmailGetsTheAnswerOfANewRegistrationAfterTheSameWorkAndItsOwnerGetsAMail()
    {
        var owner = PartnerSetup.NewRegistration();
        var ownerPartner = await pms.RegisterAsync(owner);
        var fresh = PartnerSetup.NewRegistration();
        var clash = PartnerSetup.NewRegistration();
        clash.Email = " " + owner.Email.ToUpperInvariant();

        var hashesBefore = HashesRun();
        var freshAnswer = await pms.RegisterAsync(fresh);
        var hashesForFresh = HashesRun() - hashesBefore;
        var clashAnswer = await pms.RegisterAsync(clash);
        var hashesForClash = HashesRun() - hashesBefore - hashesForFresh;

        // Before: ALREADY_EXISTS for the known email, an oracle for "has this address an account?".
        Assert.Equal(Shape(freshAnswer, fresh), Shape(clashAnswer, clash));
        Assert.NotEqual(ownerPartner.PartnerId, clashAnswer.PartnerId);
        Assert.Equal(clash.Email.Trim(), clashAnswer.Email);
        // The same work: one password hash each (the rest of both paths is one look-up each and one insert transaction).
        Assert.Equal((1L, 1L), (hashesForFresh, hashesForClash));

        // The owner learns of it by mail, through the outbox; nothing was created for the caller.
        var mail = await pms.Mail.WaitForMessageToAsync(owner.Email);
        Assert.Equal("Someone tried to register with your email address", mail.Subject);
        Assert.Contains($"'{owner.Username}'", mail.TextBody);
        Assert.Empty(pms.Mail.MessagesTo(fresh.Email));
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "INVALID_CREDENTIALS", () => pms.LoginAsync(clash.Username, clash.Password));
        await using var scope = pms.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PmsDbContext>();
        Assert.Equal(1, await db.OutboxMails.CountAsync(m => m.Kind == TakenEmailNotice.MailKind));
        Assert.Equal(0, await db.Partners.CountAsync(p => p.OrganizationName == clash.OrganizationName));
        var attempt = Assert.Single(await db.AuditEvents.Where(e => e.Action == TakenEmailNotice.AttemptAction).ToListAsync());
        Assert.Equal((ownerPartner.PartnerId, clash.Username), (attempt.ResourceId, attempt.ActorUsername));
    }

    [Fact]
    public async Task NoticesToOneOwnerAreCappedAtThreePerHour()
    {
        var owner = PartnerSetup.NewRegistration();
        await pms.RegisterAsync(owner);
        var composed = new List<bool>();
        for (var i = 0; i < 5; i++)
        {
            composed.Add(await ComposeAsync(owner.Email));
        }
        Assert.Equal([true, true, true, false, false], composed);

        pms.Time.Advance(TimeSpan.FromMinutes(61));
        Assert.True(await ComposeAsync(owner.Email));
        Assert.False(await ComposeAsync("nobody-" + owner.Email));
    }

    private async Task<bool> ComposeAsync(string email)
    {
        await using var scope = pms.Services.CreateAsyncScope();
        var notice = scope.ServiceProvider.GetServices<Pms.Grpc.Mail.IMailComposer>().OfType<TakenEmailNotice>().Single();
        return await notice.ComposeAsync(email, default) is not null;
    }

    private long HashesRun() => pms.Services.GetRequiredService<PasswordHashGate>().Completed;

    /// <summary>The answer without what differs by input (checked to echo it) or by nature (a new id, the clock).</summary>
    private static string Shape(Partner answer, RegisterPartnerRequest request)
    {
        Assert.True(Guid.TryParse(answer.PartnerId, out var id) && id.Version == 7, $"partner_id {answer.PartnerId} is not a UUIDv7");
        Assert.Equal((request.Username, request.Email.Trim(), request.OrganizationName),
            (answer.Username, answer.Email, answer.OrganizationName));
        Assert.NotNull(answer.CreatedAt);
        Assert.Equal(answer.CreatedAt, answer.UpdatedAt);
        var shape = answer.Clone();
        shape.PartnerId = "";
        shape.Username = "";
        shape.Email = "";
        shape.OrganizationName = "";
        shape.CreatedAt = new Timestamp();
        shape.UpdatedAt = new Timestamp();
        return shape.ToString();
    }
}
