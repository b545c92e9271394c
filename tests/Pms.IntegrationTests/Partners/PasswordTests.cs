using System.Text.RegularExpressions;
using Google.Rpc;
using Grpc.Core;
using MimeKit;
using Mosip.Pms.V1;
using Pms.IntegrationTests.Infrastructure;

namespace Pms.IntegrationTests.Partners;

public sealed partial class PasswordTests(PmsWithMailFactory pms) : IClassFixture<PmsWithMailFactory>
{
    private const string NewPassword = "New-Password-2";

    [Fact]
    public async Task TheResetMailCarriesALinkWhoseTokenWorksExactlyOnceAndEndsEverySession()
    {
        var partner = await pms.SignInNewPartnerAsync();

        await pms.Partners.RequestPasswordResetAsync(new RequestPasswordResetRequest { Email = partner.Registration.Email.ToUpperInvariant() });
        var mail = await pms.Mail.WaitForMessageToAsync(partner.Registration.Email);

        Assert.Equal("Reset your PMS password", mail.Subject);
        var link = ResetLink(mail);
        Assert.StartsWith("http://localhost:5080/reset-password?token=", link.ToString());
        var token = TokenOf(link);

        await pms.Partners.ResetPasswordAsync(new ResetPasswordRequest { ResetToken = token, NewPassword = NewPassword });

        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "INVALID_RESET_TOKEN", () =>
            pms.Partners.ResetPasswordAsync(new ResetPasswordRequest { ResetToken = token, NewPassword = "Another-Password-3" }).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "INVALID_REFRESH_TOKEN", () =>
            pms.Partners.RefreshSessionAsync(new RefreshSessionRequest { RefreshToken = partner.Login.RefreshToken }).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "INVALID_CREDENTIALS", () =>
            pms.LoginAsync(partner.Registration.Username, partner.Password));
        var login = await pms.LoginAsync(partner.Registration.Username, NewPassword);
        Assert.Equal(partner.Partner.PartnerId, login.PartnerId);
    }

    [Fact]
    public async Task AnUnknownEmailGetsTheSameAnswerAndNoMail()
    {
        var partner = await pms.SignInNewPartnerAsync();
        var unknown = $"nobody.{Guid.NewGuid():N}@chipworks.example";

        var forUnknown = await pms.Partners.RequestPasswordResetAsync(new RequestPasswordResetRequest { Email = unknown });
        var forKnown = await pms.Partners.RequestPasswordResetAsync(new RequestPasswordResetRequest { Email = partner.Registration.Email });

        Assert.Equal(forKnown, forUnknown);
        // Mails go out in order: once the known one arrived, the unknown one was dealt with.
        await pms.Mail.WaitForMessageToAsync(partner.Registration.Email);
        Assert.Empty(pms.Mail.MessagesTo(unknown));
    }

    [Fact]
    public async Task SomethingThatIsNotAnEmailIsRefused()
    {
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED", () =>
            pms.Partners.RequestPasswordResetAsync(new RequestPasswordResetRequest { Email = "asha" }).ResponseAsync);
    }

    [Fact]
    public async Task AResetTokenExpiresAfterThirtyMinutes()
    {
        var partner = await pms.SignInNewPartnerAsync();
        await pms.Partners.RequestPasswordResetAsync(new RequestPasswordResetRequest { Email = partner.Registration.Email });
        var token = TokenOf(ResetLink(await pms.Mail.WaitForMessageToAsync(partner.Registration.Email)));

        pms.Time.Advance(TimeSpan.FromMinutes(31));

        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "INVALID_RESET_TOKEN", () =>
            pms.Partners.ResetPasswordAsync(new ResetPasswordRequest { ResetToken = token, NewPassword = NewPassword }).ResponseAsync);
        await pms.LoginAsync(partner.Registration.Username, partner.Password);
    }

    [Fact]
    public async Task AWeakNewPasswordIsRefusedAndTheTokenStaysUsable()
    {
        var partner = await pms.SignInNewPartnerAsync();
        await pms.Partners.RequestPasswordResetAsync(new RequestPasswordResetRequest { Email = partner.Registration.Email });
        var token = TokenOf(ResetLink(await pms.Mail.WaitForMessageToAsync(partner.Registration.Email)));

        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED", () =>
            pms.Partners.ResetPasswordAsync(new ResetPasswordRequest { ResetToken = token, NewPassword = "password" }).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED", () =>
            pms.Partners.ResetPasswordAsync(new ResetPasswordRequest { ResetToken = token, NewPassword = partner.Registration.Username }).ResponseAsync);

        await pms.Partners.ResetPasswordAsync(new ResetPasswordRequest { ResetToken = token, NewPassword = NewPassword });
        await pms.LoginAsync(partner.Registration.Username, NewPassword);
    }

    [Fact]
    public async Task AMadeUpTokenIsRefused()
    {
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "INVALID_RESET_TOKEN", () =>
            pms.Partners.ResetPasswordAsync(new ResetPasswordRequest { ResetToken = "bm90LWEtdG9rZW4", NewPassword = NewPassword }).ResponseAsync);
    }

    [Fact]
    public async Task ChangingThePasswordNeedsTheCurrentOneAndEndsEverySession()
    {
        var partner = await pms.SignInNewPartnerAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(() => pms.Partners.ChangePasswordAsync(
            new ChangePasswordRequest { CurrentPassword = "Wrong-Password-9", NewPassword = NewPassword }, partner.Auth).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("INVALID_CURRENT_PASSWORD", ex.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
        Assert.Equal("current_password", Assert.Single(ex.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);

        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED", () => pms.Partners.ChangePasswordAsync(
            new ChangePasswordRequest { CurrentPassword = partner.Password, NewPassword = "no-digits-here" }, partner.Auth).ResponseAsync);

        await pms.Partners.ChangePasswordAsync(new ChangePasswordRequest { CurrentPassword = partner.Password, NewPassword = NewPassword }, partner.Auth);

        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "INVALID_REFRESH_TOKEN", () =>
            pms.Partners.RefreshSessionAsync(new RefreshSessionRequest { RefreshToken = partner.Login.RefreshToken }).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "INVALID_CREDENTIALS", () => pms.LoginAsync(partner.Registration.Username, partner.Password));
        await pms.LoginAsync(partner.Registration.Username, NewPassword);
    }

    [Fact]
    public async Task APartnerWithoutConsentMayStillChangeItsPassword()
    {
        var partner = await pms.SignInNewPartnerAsync(acceptTerms: false);

        await pms.Partners.ChangePasswordAsync(new ChangePasswordRequest { CurrentPassword = partner.Password, NewPassword = NewPassword }, partner.Auth);

        await pms.LoginAsync(partner.Registration.Username, NewPassword);
    }

    [Fact]
    public async Task ChangingThePasswordNeedsASignedInCaller()
    {
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "AUTHENTICATION_REQUIRED", () => pms.Partners.ChangePasswordAsync(
            new ChangePasswordRequest { CurrentPassword = "x", NewPassword = NewPassword }).ResponseAsync);
    }

    private static Uri ResetLink(MimeMessage mail)
    {
        var match = LinkPattern().Match(mail.TextBody ?? "");
        Assert.True(match.Success, "The mail holds a reset link.");
        return new Uri(match.Value);
    }

    private static string TokenOf(Uri link) =>
        Uri.UnescapeDataString(link.Query.TrimStart('?').Split('&').Single(p => p.StartsWith("token=", StringComparison.Ordinal))["token=".Length..]);

    [GeneratedRegex(@"https?://\S+/reset-password\?token=\S+")]
    private static partial Regex LinkPattern();
}
