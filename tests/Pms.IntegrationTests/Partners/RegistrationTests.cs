using System.Text;
using Google.Rpc;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mosip.Pms.V1;
using Pms.Grpc.Data;
using Pms.IntegrationTests.Infrastructure;

namespace Pms.IntegrationTests.Partners;

public sealed class RegistrationTests(PmsFactory pms) : IClassFixture<PmsFactory>
{
    [Fact]
    public async Task ANewPartnerIsInProgressWithWhatItRegistered()
    {
        var registration = PartnerSetup.NewRegistration();
        registration.FirstName = "  Asha ";

        var partner = await pms.RegisterAsync(registration);

        Assert.True(Guid.TryParse(partner.PartnerId, out _));
        Assert.Equal(PartnerType.FtmProvider, partner.PartnerType);
        Assert.Equal(PartnerDomain.Ftm, partner.PartnerDomain);
        Assert.Equal(PartnerStatus.InProgress, partner.Status);
        Assert.Equal("Asha", partner.FirstName);
        Assert.Equal(registration.LastName, partner.LastName);
        Assert.Equal(registration.OrganizationName, partner.OrganizationName);
        Assert.Equal(registration.Address, partner.Address);
        Assert.Equal(registration.PhoneNumber, partner.PhoneNumber);
        Assert.Equal(registration.Email, partner.Email);
        Assert.Equal(registration.Username, partner.Username);
        Assert.False(partner.ConsentGiven);
        Assert.Null(partner.ConsentGivenAt);
        Assert.False(partner.CertificateUploaded);
        Assert.InRange(partner.CreatedAt.ToDateTimeOffset(), pms.Time.GetUtcNow().AddSeconds(-1), pms.Time.GetUtcNow());
    }

    [Fact]
    public async Task EmailPhoneAndAddressAreEncryptedAtRest()
    {
        var registration = PartnerSetup.NewRegistration();
        var partner = await pms.RegisterAsync(registration);

        using var scope = pms.Services.CreateScope();
        var row = await scope.ServiceProvider.GetRequiredService<PmsDbContext>().Partners.AsNoTracking()
            .SingleAsync(p => p.Id == Guid.Parse(partner.PartnerId));
        foreach (var (stored, plain) in new[]
        {
            (row.EmailEncrypted, registration.Email),
            (row.PhoneNumberEncrypted, registration.PhoneNumber),
            (row.AddressEncrypted, registration.Address),
        })
        {
            Assert.DoesNotContain(plain, Encoding.UTF8.GetString(stored));
            Assert.DoesNotContain(plain, Convert.ToHexString(stored), StringComparison.OrdinalIgnoreCase);
            Assert.True(stored.Length > plain.Length, "The ciphertext carries a nonce and a tag.");
        }
        Assert.Equal(32, row.EmailLookupHash.Length);
    }

    [Fact]
    public async Task EveryBadFieldGetsItsOwnViolation()
    {
        var registration = new RegisterPartnerRequest
        {
            PartnerType = PartnerType.Unspecified,
            FirstName = "   ",
            LastName = new string('x', 65),
            OrganizationName = new string('o', 129),
            Address = "",
            PhoneNumber = "98765 43210",
            Email = "not-an-email",
            Username = "a b",
            Password = "short",
        };

        var violations = await ViolationsAsync(registration);

        Assert.Equal(
            new[] { "address", "email", "first_name", "last_name", "organization_name", "partner_type", "password", "phone_number", "username" },
            violations.Keys.Order().ToArray());
    }

    [Theory]
    [InlineData("phone_number", "+123456")]
    [InlineData("phone_number", "+12345678901234567")]
    [InlineData("phone_number", "919876543210")]
    [InlineData("phone_number", "+91-98765-43210")]
    [InlineData("email", "asha@localhost")]
    [InlineData("email", "Asha Rao <asha@chipworks.example>")]
    [InlineData("email", "asha@chip works.example")]
    [InlineData("email", "asha@@chipworks.example")]
    [InlineData("email", "asha@-chipworks.example")]
    [InlineData("username", "ab")]
    [InlineData("username", "a-name-that-is-far-too-long-for-mosip-ids")]
    [InlineData("username", "asha rao")]
    [InlineData("username", "asha@rao")]
    [InlineData("username", "åsha")]
    [InlineData("password", "onlyletters")]
    [InlineData("password", "1234567890")]
    [InlineData("password", "abc123")]
    [InlineData("first_name", "")]
    [InlineData("address", "")]
    public async Task AFieldThatBreaksItsRuleIsRefusedByName(string field, string value)
    {
        var registration = PartnerSetup.NewRegistration();
        var descriptor = RegisterPartnerRequest.Descriptor.FindFieldByName(field);
        descriptor.Accessor.SetValue(registration, value);

        var violations = await ViolationsAsync(registration);

        Assert.Equal(new[] { field }, violations.Keys);
        Assert.False(string.IsNullOrWhiteSpace(violations[field]));
    }

    [Fact]
    public async Task APasswordEqualToTheUsernameIsRefused()
    {
        var registration = PartnerSetup.NewRegistration();
        registration.Username = "asha2024-" + Guid.NewGuid().ToString("N")[..6];
        registration.Password = registration.Username.ToUpperInvariant();

        var violations = await ViolationsAsync(registration);

        Assert.Equal(new[] { "password" }, violations.Keys);
    }

    [Fact]
    public async Task ATakenUsernameIsRefusedByNameWhetherOrNotTheEmailIsTakenToo()
    {
        var first = PartnerSetup.NewRegistration();
        await pms.RegisterAsync(first);
        var sameUsername = PartnerSetup.NewRegistration();
        sameUsername.Username = first.Username.ToUpperInvariant();
        var sameBoth = sameUsername.Clone();
        sameBoth.Email = first.Email;

        var newEmail = await Assert.ThrowsAsync<RpcException>(() => pms.RegisterAsync(sameUsername));
        var takenEmail = await Assert.ThrowsAsync<RpcException>(() => pms.RegisterAsync(sameBoth));

        // The user must be able to choose another username, so it is named; the email is never (see RegistrationEnumerationTests).
        Assert.Equal(StatusCode.AlreadyExists, newEmail.StatusCode);
        Assert.Equal("USERNAME_ALREADY_EXISTS", newEmail.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
        Assert.Equal(["username"], newEmail.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field));
        Assert.Equal(newEmail.GetRpcStatus()!.ToString(), takenEmail.GetRpcStatus()!.ToString());

        // Uniqueness holds: nothing was created.
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "INVALID_CREDENTIALS", () => pms.LoginAsync(first.Username, "Other-Password-9"));
        await using var scope = pms.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PmsDbContext>();
        Assert.Equal(0, await db.Partners.CountAsync(p => p.OrganizationName == sameUsername.OrganizationName));
    }

    [Fact]
    public async Task ARegisteredFtmProviderSignsInWithTheFtmProviderRoleAndIsAskedForConsent()
    {
        var registration = PartnerSetup.NewRegistration();
        var partner = await pms.RegisterAsync(registration);

        var login = await pms.LoginAsync(registration.Username.ToUpperInvariant(), registration.Password);

        Assert.Equal(new[] { "FTM_PROVIDER" }, login.Roles);
        Assert.Equal(partner.PartnerId, login.PartnerId);
        Assert.True(login.ConsentRequired);
    }

    [Theory]
    [InlineData(PartnerType.DeviceProvider, "DEVICE_PROVIDER", PartnerDomain.Device)]
    [InlineData(PartnerType.AuthPartner, "AUTH_PARTNER", PartnerDomain.Auth)]
    public async Task OtherPartnerTypesSignInWithTheirOwnRoleAndDomain(PartnerType type, string role, PartnerDomain domain)
    {
        var registration = PartnerSetup.NewRegistration(type);
        var partner = await pms.RegisterAsync(registration);

        var login = await pms.LoginAsync(registration.Username, registration.Password);

        Assert.Equal(domain, partner.PartnerDomain);
        Assert.Equal(new[] { role }, login.Roles);
    }

    [Fact]
    public async Task RegistrationIsInTheAuditTrail()
    {
        var partner = await pms.RegisterAsync(PartnerSetup.NewRegistration());

        var events = await new AuditService.AuditServiceClient(pms.Channel).ListAuditEventsAsync(
            new ListAuditEventsRequest { ResourceType = "partner", ResourceId = partner.PartnerId }, await pms.AdminAuthAsync());

        var registered = Assert.Single(events.AuditEvents, e => e.Action == "PARTNER_REGISTERED");
        Assert.Equal(partner.Username, registered.ActorUsername);
        Assert.Equal("PARTNER_STATUS_IN_PROGRESS", registered.ToStatus);
    }

    private async Task<Dictionary<string, string>> ViolationsAsync(RegisterPartnerRequest registration)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => pms.RegisterAsync(registration));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var status = ex.GetRpcStatus()!;
        Assert.Equal("VALIDATION_FAILED", status.GetDetail<ErrorInfo>().Reason);
        return status.GetDetail<BadRequest>().FieldViolations.ToDictionary(v => v.Field, v => v.Description);
    }
}
