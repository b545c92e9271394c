using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mosip.Pms.V1;
using Pms.Grpc.TrustStore;
using Pms.IntegrationTests.Infrastructure;
using Pms.Testing;

namespace Pms.IntegrationTests.FtmChips;

public sealed class FtmChipLifecycleTests(FtmChipsFactory pms) : IClassFixture<FtmChipsFactory>
{
    [Fact]
    public async Task AProviderAddsAChipUploadsItsCertificateAndAfterApprovalDownloadsRenewsAndDeactivatesIt()
    {
        var provider = await pms.NewProviderAsync();
        var admin = await pms.AdminAsync();

        var added = await pms.AddChipAsync(provider, "  Acme Secure  ", " FTM-9 ");
        Assert.True(Guid.TryParse(added.FtmChipId, out _));
        Assert.Equal(FtmChipStatus.PendingCertUpload, added.Status);
        Assert.Equal(("Acme Secure", "FTM-9"), (added.Make, added.Model));
        Assert.Equal(provider.Organization, added.OrganizationName);
        Assert.Equal(provider.PartnerId.ToString(), added.PartnerId);
        Assert.False(added.CertificateUploaded);
        Assert.NotEmpty(added.Etag);

        var firstCertificate = pms.ChipCertificate(provider.Organization);
        var uploaded = await pms.UploadAsync(provider.Auth, added, firstCertificate, added.Etag);
        Assert.Equal(FtmChipStatus.PendingApproval, uploaded.Status);
        Assert.True(uploaded.CertificateUploaded);
        Assert.Equal(firstCertificate.Certificate.NotAfter.ToUniversalTime(), uploaded.CertificateNotAfter.ToDateTime());
        Assert.NotEqual(added.Etag, uploaded.Etag);

        var approved = await pms.ApproveAsync(admin, uploaded, "Looks right.");
        Assert.Equal(FtmChipStatus.Approved, approved.Status);
        Assert.Equal("Looks right.", approved.ReviewComment);

        // Download: the uploaded certificate as it was, and PMS's copy: same subject and key, issued by PMS's signing CA.
        var pair = await pms.Chips.GetFtmChipCertificateAsync(new GetFtmChipCertificateRequest { FtmChipId = added.FtmChipId }, provider.Auth);
        Assert.Equal(firstCertificate.Certificate.GetEncoded(), ChipSteps.ParsePem(pair.CaSignedCertificatePem).Der.ToArray());
        var mosipSigned = ChipSteps.ParsePem(pair.MosipSignedCertificatePem);
        var signingCa = pms.Services.GetRequiredService<IMosipSigner>().Authority.Certificate;
        Assert.Equal(signingCa.Subject, mosipSigned.Issuer);
        Assert.True(mosipSigned.IsSignedBy(signingCa));
        Assert.Equal(pair.Subject, mosipSigned.Subject);
        Assert.Equal(firstCertificate.Certificate.SubjectPublicKeyInfo.GetEncoded(), mosipSigned.Certificate.SubjectPublicKeyInfo.GetEncoded());
        Assert.False(pair.CaSignedExpired);
        Assert.False(pair.MosipSignedExpired);
        Assert.InRange(pair.MosipSignedNotAfter.ToDateTimeOffset() - pms.Time.GetUtcNow(), TimeSpan.FromDays(364), TimeSpan.FromDays(366));

        // Renewal: back to PENDING_APPROVAL until the admin approves the new certificate.
        var secondCertificate = pms.ChipCertificate(provider.Organization);
        var renewed = await pms.UploadAsync(provider.Auth, approved, secondCertificate, approved.Etag);
        Assert.Equal(FtmChipStatus.PendingApproval, renewed.Status);
        var renewedPair = await pms.Chips.GetFtmChipCertificateAsync(new GetFtmChipCertificateRequest { FtmChipId = added.FtmChipId }, provider.Auth);
        Assert.Equal(secondCertificate.Certificate.GetEncoded(), ChipSteps.ParsePem(renewedPair.CaSignedCertificatePem).Der.ToArray());

        var approvedAgain = await pms.ApproveAsync(admin, renewed);
        Assert.Equal(FtmChipStatus.Approved, approvedAgain.Status);
        Assert.Equal("", approvedAgain.ReviewComment);

        var deactivated = await pms.Chips.DeactivateFtmChipAsync(
            new DeactivateFtmChipRequest { FtmChipId = added.FtmChipId, Comment = "End of life", Etag = approvedAgain.Etag }, provider.Auth);
        Assert.Equal(FtmChipStatus.Deactivated, deactivated.Status);

        var again = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION", () =>
            pms.Chips.DeactivateFtmChipAsync(new DeactivateFtmChipRequest { FtmChipId = added.FtmChipId }, provider.Auth).ResponseAsync,
            "PMS_FTM_ERROR_007");
        Assert.Equal("FTM_CHIP_STATUS_DEACTIVATED", again.CurrentStatus());
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "FTM_CHIP_DEACTIVATED", () =>
            pms.Chips.GetFtmChipCertificateAsync(new GetFtmChipCertificateRequest { FtmChipId = added.FtmChipId }, provider.Auth).ResponseAsync,
            "PMS_FTM_ERROR_009");
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION", () =>
            pms.UploadAsync(provider.Auth, added, pms.ChipCertificate(provider.Organization)), "PMP_AUT_039");

        // The admin reads the chip's history from the audit trail.
        var history = await pms.Audit.ListAuditEventsAsync(new ListAuditEventsRequest
        {
            ResourceType = "ftm_chip",
            ResourceId = added.FtmChipId,
            OrderBy = "occurred_at asc",
        }, admin);
        // Six changes, and the refused upload to the deactivated chip (issue 10: refusals are recorded too).
        Assert.Equal(7, history.TotalSize);
        var refused = Assert.Single(history.AuditEvents, e => e.Outcome == "FAILURE");
        Assert.Equal("FTM_CHIP_CERTIFICATE_REFUSED", refused.Action);
        Assert.Contains("INVALID_STATE_TRANSITION", refused.Detail);
        var trail = (await pms.ChipHistoryAsync(added.FtmChipId)).Where(e => e.Action != "FTM_CHIP_CERTIFICATE_REFUSED").ToList();
        Assert.Equal(
        [
            ("FTM_CHIP_CREATED", null, "FTM_CHIP_STATUS_PENDING_CERT_UPLOAD", provider.Username, null),
            ("FTM_CHIP_CERTIFICATE_UPLOADED", "FTM_CHIP_STATUS_PENDING_CERT_UPLOAD", "FTM_CHIP_STATUS_PENDING_APPROVAL", provider.Username, null),
            ("FTM_CHIP_APPROVED", "FTM_CHIP_STATUS_PENDING_APPROVAL", "FTM_CHIP_STATUS_APPROVED", PmsFactory.AdminUsername, "Looks right."),
            ("FTM_CHIP_CERTIFICATE_UPLOADED", "FTM_CHIP_STATUS_APPROVED", "FTM_CHIP_STATUS_PENDING_APPROVAL", provider.Username, null),
            ("FTM_CHIP_APPROVED", "FTM_CHIP_STATUS_PENDING_APPROVAL", "FTM_CHIP_STATUS_APPROVED", PmsFactory.AdminUsername, null),
            ("FTM_CHIP_DEACTIVATED", "FTM_CHIP_STATUS_APPROVED", "FTM_CHIP_STATUS_DEACTIVATED", provider.Username, "End of life"),
        ], trail);
        Assert.All(history.AuditEvents.Where(e => e != refused), e => Assert.Equal("SUCCESS", e.Outcome));
        Assert.Contains(history.AuditEvents, e => e.Action == "FTM_CHIP_APPROVED" && e.ActorUsername == PmsFactory.AdminUsername && e.Comment == "Looks right.");
    }

    [Fact]
    public async Task ARejectedChipIsFinalAndItsMakeAndModelCanBeAddedAgain()
    {
        var provider = await pms.NewProviderAsync();
        var admin = await pms.AdminAsync();
        var chip = await pms.PendingChipAsync(provider);

        var rejected = await pms.Chips.RejectFtmChipAsync(new RejectFtmChipRequest { FtmChipId = chip.FtmChipId, Comment = "Wrong model name." }, admin);
        Assert.Equal(FtmChipStatus.Rejected, rejected.Status);
        Assert.Equal("Wrong model name.", rejected.ReviewComment);
        Assert.True(rejected.CertificateUploaded);

        var upload = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION", () =>
            pms.UploadAsync(provider.Auth, chip, pms.ChipCertificate(provider.Organization)), "PMP_AUT_038");
        Assert.Equal("FTM_CHIP_STATUS_REJECTED", upload.CurrentStatus());
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION", () => pms.ApproveAsync(admin, chip));
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION", () =>
            pms.Chips.DeactivateFtmChipAsync(new DeactivateFtmChipRequest { FtmChipId = chip.FtmChipId }, admin).ResponseAsync, "PMS_FTM_ERROR_010");
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "FTM_CHIP_REJECTED", () =>
            pms.Chips.GetFtmChipCertificateAsync(new GetFtmChipCertificateRequest { FtmChipId = chip.FtmChipId }, provider.Auth).ResponseAsync,
            "PMS_FTM_ERROR_008");

        var readded = await pms.AddChipAsync(provider, chip.Make, chip.Model);
        Assert.NotEqual(chip.FtmChipId, readded.FtmChipId);
        Assert.Equal(FtmChipStatus.PendingCertUpload, readded.Status);
        var rejectedStill = await pms.Chips.GetFtmChipAsync(new GetFtmChipRequest { FtmChipId = chip.FtmChipId }, provider.Auth);
        Assert.Equal(FtmChipStatus.Rejected, rejectedStill.Status);
    }

    [Fact]
    public async Task AMakeAndModelIsUniquePerProviderWhileItsChipIsInPlay()
    {
        var provider = await pms.NewProviderAsync();
        var other = await pms.NewProviderAsync();
        var admin = await pms.AdminAsync();
        var chip = await pms.AddChipAsync(provider, "Acme", "X1");

        await RpcAssert.FailsAsync(StatusCode.AlreadyExists, "FTM_CHIP_ALREADY_EXISTS", () => pms.AddChipAsync(provider, "Acme", "X1"), "PMP_AUT_032");
        await RpcAssert.FailsAsync(StatusCode.AlreadyExists, "FTM_CHIP_ALREADY_EXISTS", () => pms.AddChipAsync(provider, " Acme ", "X1  "), "PMP_AUT_032");
        var othersChip = await pms.AddChipAsync(other, "Acme", "X1");
        Assert.Equal(other.Organization, othersChip.OrganizationName);

        // Deactivated: out of play, so the make and model are free again.
        var approved = await pms.ApproveAsync(admin, await pms.UploadAsync(provider.Auth, chip, pms.ChipCertificate(provider.Organization)));
        await RpcAssert.FailsAsync(StatusCode.AlreadyExists, "FTM_CHIP_ALREADY_EXISTS", () => pms.AddChipAsync(provider, "Acme", "X1"));
        await pms.Chips.DeactivateFtmChipAsync(new DeactivateFtmChipRequest { FtmChipId = approved.FtmChipId }, admin);
        var again = await pms.AddChipAsync(provider, "Acme", "X1");
        Assert.Equal(FtmChipStatus.PendingCertUpload, again.Status);
    }

    [Fact]
    public async Task TenConcurrentAddsOfOneMakeAndModelLeaveExactlyOneChip()
    {
        var provider = await pms.NewProviderAsync();
        var attempts = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            try
            {
                await pms.AddChipAsync(provider, "Race", "R1");
                return StatusCode.OK;
            }
            catch (RpcException ex)
            {
                return ex.StatusCode;
            }
        }));
        Assert.Equal(1, attempts.Count(s => s == StatusCode.OK));
        Assert.Equal(9, attempts.Count(s => s == StatusCode.AlreadyExists));
        var list = await pms.Chips.ListFtmChipsAsync(new ListFtmChipsRequest { MakeContains = "Race" }, provider.Auth);
        Assert.Equal(1, list.TotalSize);
    }

    [Theory]
    [InlineData("", "M1", "make")]
    [InlineData("   ", "M1", "make")]
    [InlineData("Acme", "", "model")]
    [InlineData("Acme", "\t ", "model")]
    public async Task ABlankMakeOrModelIsRefused(string make, string model, string field)
    {
        var provider = await pms.NewProviderAsync();
        var violations = await ValidationFailureAsync(() => pms.AddChipAsync(provider, make, model));
        Assert.Equal([field], violations);
    }

    [Fact]
    public async Task AMakeOrModelOverThirtySixCharactersIsRefused()
    {
        var provider = await pms.NewProviderAsync();
        var violations = await ValidationFailureAsync(() => pms.AddChipAsync(provider, new string('m', 37), " " + new string('n', 37) + " "));
        Assert.Equal(["make", "model"], violations);
    }

    [Fact]
    public async Task ThirtySixCharactersAreEnough()
    {
        var provider = await pms.NewProviderAsync();
        var chip = await pms.AddChipAsync(provider, new string('m', 36), new string('n', 36));
        Assert.Equal(36, chip.Make.Length);
    }

    [Fact]
    public async Task TransitionsTheStatusDoesNotAllowAreRefusedNamingTheCurrentStatus()
    {
        var provider = await pms.NewProviderAsync();
        var admin = await pms.AdminAsync();
        var chip = await pms.AddChipAsync(provider);

        var approve = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION", () => pms.ApproveAsync(admin, chip), "PMP_AUT_033");
        Assert.Equal("FTM_CHIP_STATUS_PENDING_CERT_UPLOAD", approve.CurrentStatus());
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION", () =>
            pms.Chips.DeactivateFtmChipAsync(new DeactivateFtmChipRequest { FtmChipId = chip.FtmChipId }, provider.Auth).ResponseAsync, "PMS_FTM_ERROR_010");
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "FTM_CHIP_CERTIFICATE_NOT_UPLOADED", () =>
            pms.Chips.GetFtmChipCertificateAsync(new GetFtmChipCertificateRequest { FtmChipId = chip.FtmChipId }, provider.Auth).ResponseAsync,
            "PMS_FTM_ERROR_011");

        var pending = await pms.UploadAsync(provider.Auth, chip, pms.ChipCertificate(provider.Organization));
        var upload = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION", () =>
            pms.UploadAsync(provider.Auth, chip, pms.ChipCertificate(provider.Organization)), "PMP_AUT_038");
        Assert.Equal("FTM_CHIP_STATUS_PENDING_APPROVAL", upload.CurrentStatus());

        var approved = await pms.ApproveAsync(admin, pending);
        var reject = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION", () =>
            pms.Chips.RejectFtmChipAsync(new RejectFtmChipRequest { FtmChipId = approved.FtmChipId }, admin).ResponseAsync);
        Assert.Equal("FTM_CHIP_STATUS_APPROVED", reject.CurrentStatus());
        Assert.False(reject.Metadata.ContainsKey("mosip_error_code"));
    }

    [Fact]
    public async Task ABadChipIdOrATooLongCommentIsRefusedBeforeAnythingIsRead()
    {
        var admin = await pms.AdminAsync();
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED", () =>
            pms.Chips.GetFtmChipAsync(new GetFtmChipRequest { FtmChipId = "chip-1" }, admin).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED", () =>
            pms.Chips.GetFtmChipAsync(new GetFtmChipRequest(), admin).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.NotFound, "FTM_CHIP_NOT_FOUND", () =>
            pms.Chips.GetFtmChipAsync(new GetFtmChipRequest { FtmChipId = Guid.NewGuid().ToString() }, admin).ResponseAsync);

        var provider = await pms.NewProviderAsync();
        var chip = await pms.PendingChipAsync(provider);
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED", () => pms.ApproveAsync(admin, chip, new string('c', 501)));
        var approved = await pms.ApproveAsync(admin, chip, new string('c', 500));
        Assert.Equal(500, approved.ReviewComment.Length);
    }

    [Fact]
    public async Task AStaleEtagIsRefusedAndChangesNothing()
    {
        var provider = await pms.NewProviderAsync();
        var admin = await pms.AdminAsync();
        var added = await pms.AddChipAsync(provider);
        var pending = await pms.UploadAsync(provider.Auth, added, pms.ChipCertificate(provider.Organization));

        // The admin acts on the view from before the upload.
        await RpcAssert.FailsAsync(StatusCode.Aborted, "ETAG_MISMATCH", () => pms.ApproveAsync(admin, added, etag: added.Etag));
        await RpcAssert.FailsAsync(StatusCode.Aborted, "ETAG_MISMATCH", () =>
            pms.Chips.RejectFtmChipAsync(new RejectFtmChipRequest { FtmChipId = added.FtmChipId, Etag = "not-an-etag" }, admin).ResponseAsync);
        var unchanged = await pms.Chips.GetFtmChipAsync(new GetFtmChipRequest { FtmChipId = added.FtmChipId }, admin);
        Assert.Equal(FtmChipStatus.PendingApproval, unchanged.Status);
        Assert.Equal(pending.Etag, unchanged.Etag);

        var approved = await pms.ApproveAsync(admin, added, etag: unchanged.Etag);
        Assert.Equal(FtmChipStatus.Approved, approved.Status);
    }

    [Fact]
    public async Task AChipCertificateMustCarryTheProvidersOrganisationAndChainToAnFtmRoot()
    {
        var provider = await pms.NewProviderAsync();
        var chip = await pms.AddChipAsync(provider);

        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "ORGANIZATION_NAME_MISMATCH", () =>
            pms.UploadAsync(provider.Auth, chip, pms.ChipCertificate("Someone Else Ltd")), "KER-PCM-008");
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "ORGANIZATION_NAME_MISMATCH", () =>
            pms.UploadAsync(provider.Auth, chip, pms.ChipCertificate(provider.Organization.ToUpperInvariant())));

        var strangerRoot = TestCertificates.Root("Unknown Root", o => o.KeyType = TestKeyType.EcP256);
        var untrusted = strangerRoot.IssueLeaf("chip", o =>
        {
            o.KeyType = TestKeyType.EcP256;
            o.Organization = provider.Organization;
        });
        var path = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "TRUST_PATH_NOT_FOUND", () =>
            pms.UploadAsync(provider.Auth, chip, untrusted), "KER-PCM-006");
        Assert.Equal("ISSUER_NOT_TRUSTED", path.Metadata["cause"]);

        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "SELF_SIGNED_CERTIFICATE", () =>
            pms.UploadAsync(provider.Auth, chip, TestCertificates.SelfSignedLeaf("chip", o =>
            {
                o.KeyType = TestKeyType.EcP256;
                o.Organization = provider.Organization;
            })), "KER-PCM-015");
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "CERTIFICATE_VALIDITY_TOO_SHORT", () =>
            pms.UploadAsync(provider.Auth, chip, pms.ChipCertificate(provider.Organization, o => o.NotAfter = DateTimeOffset.UtcNow.AddDays(100))));
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "INVALID_CERTIFICATE", () =>
            pms.Chips.UploadFtmChipCertificateAsync(new UploadFtmChipCertificateRequest
            {
                FtmChipId = chip.FtmChipId,
                CertificateData = ByteString.CopyFromUtf8("not a certificate"),
            }, provider.Auth).ResponseAsync, "KER-PCM-001");
        // Each refusal is on the record, with its reason (issue 10: refused uploads used to leave no trace).
        var refusals = await pms.Audit.ListAuditEventsAsync(new ListAuditEventsRequest
        {
            Action = "FTM_CHIP_CERTIFICATE_REFUSED",
            ResourceId = chip.FtmChipId,
        }, await pms.AdminAsync());
        Assert.Contains(refusals.AuditEvents, e => e.Outcome == "FAILURE" && e.Detail.Contains("INVALID_CERTIFICATE") && e.ActorUsername == provider.Username);
        Assert.Contains(refusals.AuditEvents, e => e.Detail.Contains("SELF_SIGNED_CERTIFICATE"));
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "CERTIFICATE_DATA_TOO_LARGE", () =>
            pms.Chips.UploadFtmChipCertificateAsync(new UploadFtmChipCertificateRequest
            {
                FtmChipId = chip.FtmChipId,
                CertificateData = ByteString.CopyFrom(new byte[1024 * 1024 + 1]),
            }, provider.Auth).ResponseAsync);

        var still = await pms.Chips.GetFtmChipAsync(new GetFtmChipRequest { FtmChipId = chip.FtmChipId }, provider.Auth);
        Assert.Equal(FtmChipStatus.PendingCertUpload, still.Status);
        Assert.Equal(chip.Etag, still.Etag);

        // With the intermediate sent along, a chain through a CA the store does not hold still needs its root there.
        var withChain = await pms.Chips.UploadFtmChipCertificateAsync(new UploadFtmChipCertificateRequest
        {
            FtmChipId = chip.FtmChipId,
            CertificateData = ByteString.CopyFromUtf8(TestCertificates.BundlePem(pms.ChipCertificate(provider.Organization), pms.FtmIntermediate)),
        }, provider.Auth);
        Assert.Equal(FtmChipStatus.PendingApproval, withChain.Status);
    }

    [Fact]
    public async Task OnlyAProviderWithAcceptedTermsAndAnUnexpiredPartnerCertificateAddsChips()
    {
        var noConsent = await pms.NewProviderAsync(o => o.AcceptTerms = false);
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "CONSENT_REQUIRED", () => pms.AddChipAsync(noConsent));
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "CONSENT_REQUIRED", () =>
            pms.Chips.ListFtmChipsAsync(new ListFtmChipsRequest(), noConsent.Auth).ResponseAsync);

        var noCertificate = await pms.NewProviderAsync(o => o.UploadCertificate = false);
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "PARTNER_CERTIFICATE_REQUIRED", () => pms.AddChipAsync(noCertificate));
        // Reading needs no certificate.
        Assert.Equal(0, (await pms.Chips.ListFtmChipsAsync(new ListFtmChipsRequest(), noCertificate.Auth)).TotalSize);

        var expired = await pms.NewProviderAsync(o => o.MosipSignedNotAfter = pms.Time.GetUtcNow().AddMinutes(-1));
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "PARTNER_CERTIFICATE_EXPIRED", () => pms.AddChipAsync(expired));

        // Deactivated by the admin while its access token is unexpired: deactivation ends its sessions, so the token is refused.
        var deactivated = await pms.NewProviderAsync();
        await pms.Partners.DeactivatePartnerAsync(new DeactivatePartnerRequest { PartnerId = deactivated.PartnerId.ToString() }, await pms.AdminAsync());
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "SESSION_REVOKED", () => pms.AddChipAsync(deactivated));
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "SESSION_REVOKED", () =>
            pms.Chips.ListFtmChipsAsync(new ListFtmChipsRequest(), deactivated.Auth).ResponseAsync);
    }

    [Fact]
    public async Task AProviderWhosePartnerCertificateExpiredCannotUploadChipCertificatesButTheAdminCan()
    {
        var provider = await pms.NewProviderAsync();
        var chip = await pms.AddChipAsync(provider);
        await pms.WithDbAsync(db => db.PartnerCertificates.Where(c => c.PartnerId == provider.PartnerId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.MosipSignedNotAfter, pms.Time.GetUtcNow().AddDays(-1))));

        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, "PARTNER_CERTIFICATE_EXPIRED", () =>
            pms.UploadAsync(provider.Auth, chip, pms.ChipCertificate(provider.Organization)));
        var byAdmin = await pms.UploadAsync(await pms.AdminAsync(), chip, pms.ChipCertificate(provider.Organization));
        Assert.Equal(FtmChipStatus.PendingApproval, byAdmin.Status);
    }

    private static async Task<List<string>> ValidationFailureAsync(Func<Task> call)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var status = ex.GetRpcStatus()!;
        Assert.Equal("VALIDATION_FAILED", status.GetDetail<ErrorInfo>().Reason);
        return [.. status.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field)];
    }
}
