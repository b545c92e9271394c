using Grpc.Core;
using Mosip.Pms.V1;

namespace Pms.IntegrationTests.Infrastructure;

/// <summary>A registered partner, signed in.</summary>
public sealed record SignedInPartner(RegisterPartnerRequest Registration, Partner Partner, LoginResponse Login)
{
    public Metadata Auth => PmsFactory.Bearer(Login.AccessToken);
    public string Password => Registration.Password;
}

/// <summary>Registers partners the way the portal does, each with a username and email of its own.</summary>
public static class PartnerSetup
{
    public const string Password = "Partner-Password-1";

    /// <summary>A valid registration with a unique username and email.</summary>
    public static RegisterPartnerRequest NewRegistration(PartnerType type = PartnerType.FtmProvider, string? organization = null)
    {
        var id = Guid.NewGuid().ToString("N")[..10];
        return new RegisterPartnerRequest
        {
            PartnerType = type,
            FirstName = "Asha",
            LastName = "Rao",
            OrganizationName = organization ?? $"Chip Works {id}",
            Address = "12 MG Road\nBengaluru 560001",
            PhoneNumber = "+919876543210",
            Email = $"asha.{id}@chipworks.example",
            Username = $"asha-{id}",
            Password = Password,
        };
    }

    public static async Task<Partner> RegisterAsync(this PmsFactory pms, RegisterPartnerRequest registration) =>
        await pms.Partners.RegisterPartnerAsync(registration);

    /// <summary>Registers a partner, signs it in and, unless told not to, accepts the current terms.</summary>
    public static async Task<SignedInPartner> SignInNewPartnerAsync(this PmsFactory pms, bool acceptTerms = true,
        PartnerType type = PartnerType.FtmProvider, string? organization = null)
    {
        var registration = NewRegistration(type, organization);
        var partner = await pms.RegisterAsync(registration);
        var login = await pms.LoginAsync(registration.Username, registration.Password);
        if (acceptTerms)
        {
            var terms = await pms.Partners.GetTermsAndConditionsAsync(new GetTermsAndConditionsRequest(), PmsFactory.Bearer(login.AccessToken));
            await pms.Partners.AcceptTermsAndConditionsAsync(new AcceptTermsAndConditionsRequest { Version = terms.Version },
                PmsFactory.Bearer(login.AccessToken));
            partner = await pms.Partners.GetCurrentPartnerAsync(new GetCurrentPartnerRequest(), PmsFactory.Bearer(login.AccessToken));
        }
        return new SignedInPartner(registration, partner, login);
    }

    public static async Task<Metadata> AdminAuthAsync(this PmsFactory pms) => PmsFactory.Bearer((await pms.LoginAsAdminAsync()).AccessToken);
}
