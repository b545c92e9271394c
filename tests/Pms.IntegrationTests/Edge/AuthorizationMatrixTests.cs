using System.Security.Claims;
using System.Security.Cryptography;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Mosip.Pms.V1;
using Pms.Grpc;
using Pms.Grpc.Configuration;
using Pms.Grpc.Errors;
using Pms.Grpc.Identity;
using Pms.Grpc.Infrastructure;
using Pms.Grpc.Validation;
using Pms.IntegrationTests.FtmChips;
using Pms.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Pms.IntegrationTests.Edge;

/// <summary>
/// Who may call what, as one table: every RPC of the API (from the descriptors) × every kind of caller → the answer
/// expected. An RPC without a row fails the test, so a new RPC cannot ship without a decision about who may call it.
/// Requests are chosen so that an allowed call proves it got past authorization and ownership (OK, or a domain
/// refusal such as a wrong state) without changing what the other rows rely on.
/// </summary>
public sealed class AuthorizationMatrixTests(AuthorizationMatrixTests.Factory pms, ITestOutputHelper output)
    : IClassFixture<AuthorizationMatrixTests.Factory>
{
    public enum Caller { Anonymous, ExpiredToken, ForeignKeyToken, ProviderA, ProviderBOnAsResources, Admin, Service }

    /// <summary>An expected answer: a status code, and the ErrorInfo reason when the code alone is ambiguous.</summary>
    public sealed record Outcome(StatusCode Code, string? Reason = null)
    {
        public override string ToString() => Reason is null ? Code.ToString() : $"{Code} {Reason}";
    }

    private static readonly Outcome Ok = new(StatusCode.OK);
    private static readonly Outcome Denied = new(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED");
    private static readonly Outcome Hidden = new(StatusCode.NotFound);
    private static Outcome Invalid(string reason) => new(StatusCode.InvalidArgument, reason);
    private static Outcome Precondition(string reason) => new(StatusCode.FailedPrecondition, reason);

    /// <summary>A row: the request, and the answer of each signed-in caller (the unauthenticated three are implied).</summary>
    private sealed record Row(Func<Factory, IMessage> Request, Outcome ProviderA, Outcome ProviderB, Outcome Admin, Outcome Service,
        Outcome? Everyone = null)
    {
        /// <summary>An RPC that needs no token answers every caller alike, whatever token it sends.</summary>
        public static Row Anonymous(Func<Factory, IMessage> request, Outcome everyone) =>
            new(request, everyone, everyone, everyone, everyone, everyone);

        public Outcome For(Caller caller) => (caller, Everyone) switch
        {
            (_, { } all) => all,
            (Caller.Anonymous, _) => new(StatusCode.Unauthenticated, "AUTHENTICATION_REQUIRED"),
            (Caller.ExpiredToken, _) => new(StatusCode.Unauthenticated, "TOKEN_EXPIRED"),
            (Caller.ForeignKeyToken, _) => new(StatusCode.Unauthenticated, "INVALID_TOKEN"),
            (Caller.ProviderA, _) => ProviderA,
            (Caller.ProviderBOnAsResources, _) => ProviderB,
            (Caller.Admin, _) => Admin,
            _ => Service,
        };
    }

    private const string ValidNewPassword = "Another-Password-2";
    private static readonly string NoSuchId = Guid.NewGuid().ToString();
    private static ByteString Garbage => ByteString.CopyFromUtf8("not a certificate");

    private static readonly Dictionary<string, Row> Table = new()
    {
        // PartnerService: the five sign-in RPCs need no token; the rest do.
        ["mosip.pms.v1.PartnerService/RegisterPartner"] = Row.Anonymous(_ => new RegisterPartnerRequest(), Invalid("VALIDATION_FAILED")),
        ["mosip.pms.v1.PartnerService/Login"] = Row.Anonymous(_ => new LoginRequest { Username = "nobody-" + NoSuchId[..8], Password = "Wrong-Password-1" },
            new(StatusCode.Unauthenticated, "INVALID_CREDENTIALS")),
        ["mosip.pms.v1.PartnerService/RefreshSession"] = Row.Anonymous(_ => new RefreshSessionRequest { RefreshToken = "not-a-refresh-token" },
            new(StatusCode.Unauthenticated, "INVALID_REFRESH_TOKEN")),
        // The refresh token is the credential: a session whose access token expired can still end itself.
        ["mosip.pms.v1.PartnerService/Logout"] = Row.Anonymous(_ => new LogoutRequest { RefreshToken = "not-a-refresh-token" }, Ok),
        ["mosip.pms.v1.PartnerService/RequestPasswordReset"] = Row.Anonymous(_ => new RequestPasswordResetRequest { Email = "nobody@example.org" }, Ok),
        ["mosip.pms.v1.PartnerService/ResetPassword"] = Row.Anonymous(_ => new ResetPasswordRequest { ResetToken = "not-a-reset-token", NewPassword = ValidNewPassword },
            Invalid("INVALID_RESET_TOKEN")),
        ["mosip.pms.v1.PartnerService/ChangePassword"] = new(_ => new ChangePasswordRequest { CurrentPassword = "Wrong-Password-1", NewPassword = ValidNewPassword },
            Invalid("INVALID_CURRENT_PASSWORD"), Invalid("INVALID_CURRENT_PASSWORD"), Invalid("INVALID_CURRENT_PASSWORD"), Invalid("INVALID_CURRENT_PASSWORD")),
        ["mosip.pms.v1.PartnerService/GetTermsAndConditions"] = new(_ => new GetTermsAndConditionsRequest(), Ok, Ok, Ok, Ok),
        ["mosip.pms.v1.PartnerService/AcceptTermsAndConditions"] = new(f => new AcceptTermsAndConditionsRequest { Version = f.TermsVersion },
            Ok, Ok, Denied, Denied),
        ["mosip.pms.v1.PartnerService/GetCurrentPartner"] = new(_ => new GetCurrentPartnerRequest(), Ok, Ok, Denied, Denied),
        ["mosip.pms.v1.PartnerService/UploadPartnerCertificate"] = new(_ => new UploadPartnerCertificateRequest { CertificateData = Garbage },
            Invalid("INVALID_CERTIFICATE"), Invalid("INVALID_CERTIFICATE"), Denied, Denied),
        ["mosip.pms.v1.PartnerService/GetPartnerCertificate"] = new(f => new GetPartnerCertificateRequest { PartnerId = f.Provider.PartnerId.ToString() },
            Ok, Hidden, Ok, Denied),
        ["mosip.pms.v1.PartnerService/ListPartners"] = new(_ => new ListPartnersRequest(), Denied, Denied, Ok, Denied),
        ["mosip.pms.v1.PartnerService/GetPartner"] = new(f => new GetPartnerRequest { PartnerId = f.Provider.PartnerId.ToString() }, Denied, Denied, Ok, Denied),
        ["mosip.pms.v1.PartnerService/DeactivatePartner"] = new(_ => new DeactivatePartnerRequest { PartnerId = NoSuchId }, Denied, Denied, Hidden, Denied),
        ["mosip.pms.v1.PartnerService/ActivatePartner"] = new(f => new ActivatePartnerRequest { PartnerId = f.Provider.PartnerId.ToString() },
            Denied, Denied, Precondition("INVALID_STATE_TRANSITION"), Denied),
        ["mosip.pms.v1.PartnerService/UpdateOrganizationName"] = new(_ => new UpdateOrganizationNameRequest { PartnerId = NoSuchId, OrganizationName = "Renamed" },
            Denied, Denied, Hidden, Denied),

        // TrustStoreService: the admin keeps it; internal services read it and ask for trust answers.
        ["mosip.pms.v1.TrustStoreService/UploadCaCertificate"] = new(_ => new UploadCaCertificateRequest { PartnerDomain = PartnerDomain.Ftm, CertificateData = Garbage },
            Denied, Denied, Invalid("INVALID_CERTIFICATE"), Denied),
        ["mosip.pms.v1.TrustStoreService/ListCaCertificates"] = new(_ => new ListCaCertificatesRequest(), Denied, Denied, Ok, Ok),
        ["mosip.pms.v1.TrustStoreService/GetCaCertificate"] = new(f => new GetCaCertificateRequest { CertificateId = f.RootId }, Denied, Denied, Ok, Ok),
        ["mosip.pms.v1.TrustStoreService/DownloadCaCertificate"] = new(f => new DownloadCaCertificateRequest { CertificateId = f.RootId }, Denied, Denied, Ok, Ok),
        ["mosip.pms.v1.TrustStoreService/VerifyCertificateTrust"] = new(f => new VerifyCertificateTrustRequest
        {
            PartnerDomain = PartnerDomain.Ftm,
            CertificateData = ByteString.CopyFrom(f.ChipCertificate(f.Provider.Organization).Der),
        }, Denied, Denied, Ok, Ok),
        ["mosip.pms.v1.TrustStoreService/GetSigningCertificate"] = new(_ => new GetSigningCertificateRequest(), Denied, Denied, Ok, Ok),

        // FtmChipService: providers act on their own chips only (another's answers NOT_FOUND); the admin reviews.
        // Provider A's chip waits for its certificate, so every transition but the upload is refused by state.
        ["mosip.pms.v1.FtmChipService/AddFtmChip"] = new(_ => new AddFtmChipRequest(),
            Invalid("VALIDATION_FAILED"), Invalid("VALIDATION_FAILED"), Denied, Denied),
        ["mosip.pms.v1.FtmChipService/UploadFtmChipCertificate"] = new(f => new UploadFtmChipCertificateRequest { FtmChipId = f.Chip.FtmChipId, CertificateData = Garbage },
            Invalid("INVALID_CERTIFICATE"), Hidden, Invalid("INVALID_CERTIFICATE"), Denied),
        ["mosip.pms.v1.FtmChipService/ApproveFtmChip"] = new(f => new ApproveFtmChipRequest { FtmChipId = f.Chip.FtmChipId },
            Denied, Denied, Precondition("INVALID_STATE_TRANSITION"), Denied),
        ["mosip.pms.v1.FtmChipService/RejectFtmChip"] = new(f => new RejectFtmChipRequest { FtmChipId = f.Chip.FtmChipId },
            Denied, Denied, Precondition("INVALID_STATE_TRANSITION"), Denied),
        ["mosip.pms.v1.FtmChipService/DeactivateFtmChip"] = new(f => new DeactivateFtmChipRequest { FtmChipId = f.Chip.FtmChipId },
            Precondition("INVALID_STATE_TRANSITION"), Hidden, Precondition("INVALID_STATE_TRANSITION"), Denied),
        ["mosip.pms.v1.FtmChipService/GetFtmChip"] = new(f => new GetFtmChipRequest { FtmChipId = f.Chip.FtmChipId }, Ok, Hidden, Ok, Ok),
        ["mosip.pms.v1.FtmChipService/ListFtmChips"] = new(f => new ListFtmChipsRequest { PartnerId = f.Provider.PartnerId.ToString() }, Ok, Ok, Ok, Ok),
        ["mosip.pms.v1.FtmChipService/GetFtmChipCertificate"] = new(f => new GetFtmChipCertificateRequest { FtmChipId = f.Chip.FtmChipId },
            Precondition("FTM_CHIP_CERTIFICATE_NOT_UPLOADED"), Hidden, Precondition("FTM_CHIP_CERTIFICATE_NOT_UPLOADED"),
            Precondition("FTM_CHIP_CERTIFICATE_NOT_UPLOADED")),
        ["mosip.pms.v1.FtmChipService/WatchFtmChips"] = new(f => new WatchFtmChipsRequest { PartnerId = f.Provider.PartnerId.ToString() }, Ok, Ok, Ok, Ok),

        // AuditService: the admin's.
        ["mosip.pms.v1.AuditService/ListAuditEvents"] = new(_ => new ListAuditEventsRequest(), Denied, Denied, Ok, Denied),
        ["mosip.pms.v1.AuditService/ListUndeliveredMails"] = new(_ => new ListUndeliveredMailsRequest(), Denied, Denied, Ok, Denied),
    };

    [Fact]
    public void EveryRpcHasARowAndEveryRowAnRpc()
    {
        var rpcs = ApiDescriptors.Methods.Select(Key).ToHashSet();
        Assert.True(rpcs.SetEquals(Table.Keys),
            "RPCs without a row (decide who may call them): " + string.Join(", ", rpcs.Except(Table.Keys)) +
            "; rows without an RPC: " + string.Join(", ", Table.Keys.Except(rpcs)));
    }

    [Fact]
    public async Task EveryCallerGetsTheAnswerTheTableExpectsFromEveryRpc()
    {
        var mismatches = new List<string>();
        var cells = 0;
        foreach (var method in ApiDescriptors.Methods.Where(m => Table.ContainsKey(Key(m))))
        {
            var row = Table[Key(method)];
            foreach (var caller in Enum.GetValues<Caller>())
            {
                cells++;
                var expected = row.For(caller);
                var error = await DynamicRpc.CallForErrorAsync(pms.Channel, method, row.Request(pms), pms.Auth(caller));
                var actual = error is null
                    ? Ok
                    : new Outcome(error.StatusCode, expected.Reason is null ? null : error.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason);
                if (actual != expected)
                {
                    mismatches.Add($"{Key(method)} as {caller}: expected {expected}, got {actual} ({error?.Status.Detail})");
                }
            }
        }
        output.WriteLine($"{Table.Count} RPCs × {Enum.GetValues<Caller>().Length} callers = {cells} cells, {mismatches.Count} mismatches");
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    /// <summary>
    /// The same table over REST/JSON: the transcoded face keeps authentication, authorization and the error reasons, and
    /// answers each gRPC code with its HTTP status (AIP-193). The watch stream has no REST path.
    /// </summary>
    [Fact]
    public async Task EveryCallerGetsTheSameAnswerOverRestWithTheHttpStatusOfItsCode()
    {
        using var http = DynamicRest.ClientFor(pms.SocketAddress);
        var mismatches = new List<string>();
        var cells = 0;
        foreach (var method in ApiDescriptors.Methods.Where(m => Table.ContainsKey(Key(m)) && !m.IsServerStreaming))
        {
            var row = Table[Key(method)];
            foreach (var caller in Enum.GetValues<Caller>())
            {
                cells++;
                var expected = row.For(caller);
                var bearer = pms.Auth(caller)?.Get("authorization")?.Value["Bearer ".Length..];
                var answer = await DynamicRest.CallAsync(http, method, row.Request(pms), bearer);
                var actual = new Outcome(answer.Code, expected.Reason is null ? null : answer.Reason);
                if (actual != expected || answer.HttpStatus != RestStatus.HttpStatusOf(answer.Code))
                {
                    mismatches.Add($"{Key(method)} as {caller}: expected {expected} (HTTP {(int)RestStatus.HttpStatusOf(expected.Code)}), " +
                        $"got {actual} (HTTP {(int)answer.HttpStatus}): {answer.Body}");
                }
            }
        }
        output.WriteLine($"REST: {cells} cells, {mismatches.Count} mismatches");
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    private static string Key(MethodDescriptor method) => $"{method.Service.FullName}/{method.Name}";

    /// <summary>PMS over a socket with provider A (one chip), provider B, the admin, a service account, and forged tokens.</summary>
    public sealed class Factory : EdgeFactory
    {
        private readonly Dictionary<Caller, Metadata?> _auth = [];

        public TestProvider ProviderB { get; private set; } = null!;
        public Metadata ServiceAuth { get; private set; } = null!;
        public string RootId { get; private set; } = "";
        public string TermsVersion { get; private set; } = "";

        public Metadata? Auth(Caller caller) => _auth[caller];

        protected override async Task ArrangeAsync()
        {
            await base.ArrangeAsync();
            ProviderB = await NewProviderAsync();
            ServiceAuth = await ServiceAsync();
            var trustStore = new TrustStoreService.TrustStoreServiceClient(Channel);
            RootId = (await trustStore.ListCaCertificatesAsync(new ListCaCertificatesRequest { Type = CaCertificateType.Root }, Admin))
                .CaCertificates.Single().CertificateId;
            TermsVersion = (await Partners.GetTermsAndConditionsAsync(new GetTermsAndConditionsRequest(), Provider.Auth)).Version;

            var jwt = Services.GetRequiredService<IOptions<PmsOptions>>().Value.Jwt;
            var adminLogin = await LoginAsAdminAsync();
            var now = DateTime.UtcNow;
            _auth[Caller.Anonymous] = null;
            // An admin's token in every respect but its lifetime, which ended an hour ago.
            _auth[Caller.ExpiredToken] = Bearer(Mint(jwt, Services.GetRequiredService<PmsSecrets>().JwtSigningKey, adminLogin.UserId,
                now.AddHours(-2), now.AddHours(-1)));
            // A well-formed, unexpired admin token signed with a key PMS does not know.
            _auth[Caller.ForeignKeyToken] = Bearer(Mint(jwt, RandomNumberGenerator.GetBytes(32), adminLogin.UserId, now, now.AddMinutes(10)));
            _auth[Caller.ProviderA] = Provider.Auth;
            _auth[Caller.ProviderBOnAsResources] = ProviderB.Auth;
            _auth[Caller.Admin] = Admin;
            _auth[Caller.Service] = ServiceAuth;
        }

        private static string Mint(JwtOptions jwt, byte[] key, string userId, DateTime issuedAt, DateTime expires) =>
            new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
            {
                Issuer = jwt.Issuer,
                Audience = jwt.Audience,
                Subject = new ClaimsIdentity([
                    new Claim(PmsClaims.Subject, userId),
                    new Claim(PmsClaims.Name, AdminUsername),
                    new Claim(PmsClaims.SessionId, Guid.NewGuid().ToString()),
                    new Claim(PmsClaims.Role, Roles.PartnerAdmin),
                ]),
                IssuedAt = issuedAt,
                NotBefore = issuedAt,
                Expires = expires,
                SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key) { KeyId = "pms-hs256" }, SecurityAlgorithms.HmacSha256),
            });
    }
}
