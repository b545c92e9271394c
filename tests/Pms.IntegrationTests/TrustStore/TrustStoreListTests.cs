using Grpc.Core;
using Mosip.Pms.V1;
using Pms.IntegrationTests.Infrastructure;

namespace Pms.IntegrationTests.TrustStore;

/// <summary>A trust store of known content, uploaded once for every test of <see cref="TrustStoreListTests"/>.</summary>
public sealed class ListedTrustStore : PmsFactory
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IReadOnlyList<CaCertificate>? _stored;

    /// <summary>The stored certificates, oldest upload first (each upload one minute after the previous).</summary>
    public async Task<IReadOnlyList<CaCertificate>> SeedAsync(TrustStoreCalls calls)
    {
        await _gate.WaitAsync();
        try
        {
            if (_stored is not null)
            {
                return _stored;
            }

            var now = Time.GetUtcNow();
            var stored = new List<CaCertificate>();
            async Task Upload(PartnerDomain domain, Pms.Testing.TestCertificate certificate)
            {
                stored.Add(await calls.UploadOneAsync(domain, certificate));
                Time.Advance(TimeSpan.FromMinutes(1));
            }

            var ftmRoot = Ca.Root("Alpha FTM Root", o => o.NotAfter = now.AddYears(10));
            await Upload(PartnerDomain.Ftm, ftmRoot);
            await Upload(PartnerDomain.Ftm, ftmRoot.Intermediate("Bravo FTM Sub_CA 100%", o => o.NotAfter = now.AddDays(380)));
            await Upload(PartnerDomain.Ftm, ftmRoot.Intermediate("charlie ftm sub ca", o => o.NotAfter = now.AddYears(4)));
            var deviceRoot = Ca.Root("Delta Device Root", o => o.NotAfter = now.AddYears(8));
            await Upload(PartnerDomain.Device, deviceRoot);
            await Upload(PartnerDomain.Device, deviceRoot.Intermediate("Echo Device Sub CA", o => o.NotAfter = now.AddDays(390)));
            await Upload(PartnerDomain.Auth, Ca.Root("Foxtrot Auth Root", o => o.NotAfter = now.AddYears(6)));
            await Upload(PartnerDomain.Auth, Ca.Root("Golf Auth Root", o => o.NotAfter = now.AddYears(7)));
            _stored = stored;
            return stored;
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>ListCaCertificates: AIP-158 paging with opaque keyset tokens, filters and order_by.</summary>
public sealed class TrustStoreListTests(ListedTrustStore pms) : IClassFixture<ListedTrustStore>
{
    private async Task<(TrustStoreCalls Calls, IReadOnlyList<CaCertificate> Stored)> SeedAsync()
    {
        var calls = await TrustStoreCalls.AsAdminAsync(pms);
        return (calls, await pms.SeedAsync(calls));
    }

    [Fact]
    public async Task TheDefaultOrderIsNewestUploadFirstAndPagesFollowEachOtherByToken()
    {
        var (calls, stored) = await SeedAsync();

        var walked = await WalkAsync(calls, new ListCaCertificatesRequest { PageSize = 3 }, expectedTotal: stored.Count);

        Assert.Equal(stored.Reverse().Select(c => c.CertificateId), walked.Select(c => c.CertificateId));
        Assert.Equal(stored.Reverse(), walked); // every field as the upload answered it
    }

    [Theory]
    [InlineData("subject")]
    [InlineData("subject asc")]
    [InlineData("subject desc")]
    [InlineData("not_after")]
    [InlineData("not_after desc")]
    [InlineData("uploaded_at asc")]
    public async Task EveryOrderIsKeptAcrossPages(string orderBy)
    {
        var (calls, stored) = await SeedAsync();

        var walked = await WalkAsync(calls, new ListCaCertificatesRequest { PageSize = 2, OrderBy = orderBy }, expectedTotal: stored.Count);

        var descending = orderBy.EndsWith("desc", StringComparison.Ordinal);
        IEnumerable<CaCertificate> expected = orderBy.Split(' ')[0] switch
        {
            "subject" => descending ? stored.OrderByDescending(c => c.Subject, StringComparer.Ordinal) : stored.OrderBy(c => c.Subject, StringComparer.Ordinal),
            "not_after" => descending ? stored.OrderByDescending(c => c.NotAfter) : stored.OrderBy(c => c.NotAfter),
            _ => descending ? stored.OrderByDescending(c => c.UploadedAt) : stored.OrderBy(c => c.UploadedAt),
        };
        Assert.Equal(expected.Select(c => c.Subject), walked.Select(c => c.Subject));
    }

    [Fact]
    public async Task FiltersNarrowTheListAndTheTotal()
    {
        var (calls, stored) = await SeedAsync();

        var ftm = await calls.Client.ListCaCertificatesAsync(new ListCaCertificatesRequest { PartnerDomain = PartnerDomain.Ftm }, calls.Auth);
        Assert.Equal(3, ftm.TotalSize);
        Assert.All(ftm.CaCertificates, c => Assert.Equal(PartnerDomain.Ftm, c.PartnerDomain));

        var roots = await calls.Client.ListCaCertificatesAsync(new ListCaCertificatesRequest { Type = CaCertificateType.Root }, calls.Auth);
        Assert.Equal(stored.Count(c => c.Type == CaCertificateType.Root), roots.TotalSize);
        Assert.All(roots.CaCertificates, c => Assert.Equal(CaCertificateType.Root, c.Type));

        var authIntermediates = await calls.Client.ListCaCertificatesAsync(
            new ListCaCertificatesRequest { PartnerDomain = PartnerDomain.Auth, Type = CaCertificateType.Intermediate }, calls.Auth);
        Assert.Equal(0, authIntermediates.TotalSize);
        Assert.Empty(authIntermediates.CaCertificates);
        Assert.Equal("", authIntermediates.NextPageToken);

        // Case-insensitive, and % and _ are literal characters, not wildcards.
        var subCa = await calls.Client.ListCaCertificatesAsync(new ListCaCertificatesRequest { SubjectContains = "FTM SUB" }, calls.Auth);
        Assert.Equal(2, subCa.TotalSize);
        var percent = await calls.Client.ListCaCertificatesAsync(new ListCaCertificatesRequest { SubjectContains = "Sub_CA 100%" }, calls.Auth);
        Assert.Contains("Bravo", Assert.Single(percent.CaCertificates).Subject);
        var wildcardLooking = await calls.Client.ListCaCertificatesAsync(new ListCaCertificatesRequest { SubjectContains = "Sub%CA" }, calls.Auth);
        Assert.Equal(0, wildcardLooking.TotalSize);

        // Bravo (380 days) and Echo (390 days) expire within 400 days; nothing within 100.
        var expiring = await calls.Client.ListCaCertificatesAsync(new ListCaCertificatesRequest { ExpiringWithinDays = 400, OrderBy = "not_after" }, calls.Auth);
        Assert.Equal(new[] { "Bravo", "Echo" }, expiring.CaCertificates.Select(c => NameOf(c.Subject).Split(' ')[0]));
        Assert.Equal(0, (await calls.Client.ListCaCertificatesAsync(new ListCaCertificatesRequest { ExpiringWithinDays = 100 }, calls.Auth)).TotalSize);

        var combined = await calls.Client.ListCaCertificatesAsync(new ListCaCertificatesRequest
        {
            PartnerDomain = PartnerDomain.Device,
            ExpiringWithinDays = 400,
            SubjectContains = "echo",
        }, calls.Auth);
        Assert.Contains("Echo Device Sub CA", Assert.Single(combined.CaCertificates).Subject);
        Assert.All(stored, c => Assert.False(c.Expired));
    }

    [Fact]
    public async Task BadPagingAndOrderingAreValidationFailures()
    {
        var (calls, _) = await SeedAsync();
        var first = await calls.Client.ListCaCertificatesAsync(new ListCaCertificatesRequest { PageSize = 2 }, calls.Auth);
        Assert.NotEqual("", first.NextPageToken);

        async Task Refused(ListCaCertificatesRequest request, string field)
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => calls.Client.ListCaCertificatesAsync(request, calls.Auth).ResponseAsync);
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            var status = error.GetRpcStatus()!;
            Assert.Equal("VALIDATION_FAILED", status.GetDetail<Google.Rpc.ErrorInfo>()!.Reason);
            Assert.Equal(field, Assert.Single(status.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations).Field);
        }

        await Refused(new ListCaCertificatesRequest { PageToken = "garbage" }, "page_token");
        await Refused(new ListCaCertificatesRequest { PageToken = first.NextPageToken[..^2] + "xx" }, "page_token");
        // A token is only good for the query that produced it.
        await Refused(new ListCaCertificatesRequest { PageSize = 2, PageToken = first.NextPageToken, OrderBy = "subject" }, "page_token");
        await Refused(new ListCaCertificatesRequest { PageSize = 2, PageToken = first.NextPageToken, PartnerDomain = PartnerDomain.Ftm }, "page_token");
        await Refused(new ListCaCertificatesRequest { OrderBy = "thumbprint_sha256" }, "order_by");
        await Refused(new ListCaCertificatesRequest { OrderBy = "subject sideways" }, "order_by");
        await Refused(new ListCaCertificatesRequest { PageSize = -1 }, "page_size");
        await Refused(new ListCaCertificatesRequest { ExpiringWithinDays = -5 }, "expiring_within_days");

        // The same token with the same query (page size may differ) is fine; oversized pages are lowered to 200.
        var second = await calls.Client.ListCaCertificatesAsync(new ListCaCertificatesRequest { PageSize = 500, PageToken = first.NextPageToken }, calls.Auth);
        Assert.Equal("", second.NextPageToken);
        Assert.Equal(first.TotalSize - 2, second.CaCertificates.Count);
    }

    private static async Task<List<CaCertificate>> WalkAsync(TrustStoreCalls calls, ListCaCertificatesRequest request, int expectedTotal)
    {
        var all = new List<CaCertificate>();
        for (var pages = 0; pages < 50; pages++)
        {
            var page = await calls.Client.ListCaCertificatesAsync(request, calls.Auth);
            Assert.Equal(expectedTotal, page.TotalSize);
            Assert.InRange(page.CaCertificates.Count, 0, request.PageSize);
            all.AddRange(page.CaCertificates);
            if (page.NextPageToken == "")
            {
                break;
            }

            request = request.Clone();
            request.PageToken = page.NextPageToken;
        }

        Assert.Equal(all.Count, all.Select(c => c.CertificateId).Distinct().Count());
        Assert.Equal(expectedTotal, all.Count);
        return all;
    }

    private static string NameOf(string subject) =>
        subject.Split(',').Select(p => p.Trim()).First(p => p.StartsWith("CN=", StringComparison.Ordinal))[3..];
}
