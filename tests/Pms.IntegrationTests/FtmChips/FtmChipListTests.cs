using Grpc.Core;
using Mosip.Pms.V1;
using Pms.IntegrationTests.Infrastructure;
using Entities = Pms.Grpc.Data.Entities;

namespace Pms.IntegrationTests.FtmChips;

/// <summary>PMS with a known set of chips of three providers, written straight to the database.</summary>
public sealed class ListedChipsFactory : FtmChipsFactory
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ListedChips? _seeded;

    public async Task<ListedChips> SeedAsync()
    {
        await _gate.WaitAsync();
        try
        {
            return _seeded ??= await CreateAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<ListedChips> CreateAsync()
    {
        var alpha = await NewProviderAsync(organization: $"alpha-org-{Guid.NewGuid():N}"[..20]);
        var beta = await NewProviderAsync(organization: $"beta-org-{Guid.NewGuid():N}"[..19]);
        var gamma = await NewProviderAsync(organization: $"Gamma Percent {Guid.NewGuid():N}"[..22]);
        var start = Time.GetUtcNow().AddDays(-30);
        start = start.AddTicks(-(start.Ticks % TimeSpan.TicksPerSecond));
        var now = Time.GetUtcNow();

        var chips = new List<Entities.FtmChip>();
        for (var i = 0; i < 40; i++)
        {
            var owner = i % 3 == 0 ? beta : alpha;
            chips.Add(new Entities.FtmChip
            {
                Id = Guid.CreateVersion7(),
                PartnerId = owner.PartnerId,
                OrganizationName = owner.Organization,
                Make = $"make-{i % 7:00}",
                Model = $"model-{i:00}",
                Status = (Entities.FtmChipStatus)(i % 5 + 1),
                // Pairs share a creation time, so paging must break ties on the id.
                CreatedAt = start.AddSeconds(i / 2),
                UpdatedAt = start.AddMinutes((39 - i) % 13),
                CaSignedNotAfter = i % 4 == 0 ? now.AddDays(i + 0.5) : null,
            });
        }
        // Texts with LIKE's wildcards in them, to show they are matched literally.
        chips.Add(new Entities.FtmChip
        {
            Id = Guid.CreateVersion7(),
            PartnerId = gamma.PartnerId,
            OrganizationName = gamma.Organization,
            Make = "Ten%Off",
            Model = "under_score",
            CreatedAt = start,
            UpdatedAt = start,
        });
        chips.Add(new Entities.FtmChip
        {
            Id = Guid.CreateVersion7(),
            PartnerId = gamma.PartnerId,
            OrganizationName = gamma.Organization,
            Make = "TenXOff",
            Model = "underXscore",
            CreatedAt = start,
            UpdatedAt = start,
        });
        await WithDbAsync(async db =>
        {
            db.FtmChips.AddRange(chips);
            await db.SaveChangesAsync();
        });
        return new ListedChips(alpha, beta, gamma, chips);
    }
}

public sealed record ListedChips(TestProvider Alpha, TestProvider Beta, TestProvider Gamma, IReadOnlyList<Entities.FtmChip> Chips);

public sealed class FtmChipListTests(ListedChipsFactory pms) : IClassFixture<ListedChipsFactory>
{
    public static TheoryData<string> OrderBys() =>
    [
        "", "created_at", "created_at desc", "updated_at", "updated_at desc", "make", "make desc", "model asc", "model desc",
        "status", "status desc", "organization_name", "organization_name desc",
    ];

    [Theory]
    [MemberData(nameof(OrderBys))]
    public async Task WalkingEveryPageGivesEachChipOnceInTheRequestedOrder(string orderBy)
    {
        var seeded = await pms.SeedAsync();
        var admin = await pms.AdminAsync();
        var expected = Sort(seeded.Chips.Where(c => c.PartnerId != seeded.Gamma.PartnerId), orderBy).Select(c => c.Id.ToString()).ToList();

        var filter = new ListFtmChipsRequest { OrderBy = orderBy, PageSize = 7, OrganizationContains = "-org-" };
        var walked = await WalkAsync(filter, admin, expected.Count);

        Assert.Equal(expected, walked);
    }

    [Fact]
    public async Task AProviderWalksItsOwnChipsOnly()
    {
        var seeded = await pms.SeedAsync();
        var expected = Sort(seeded.Chips.Where(c => c.PartnerId == seeded.Beta.PartnerId), "make desc").Select(c => c.Id.ToString()).ToList();
        var walked = await WalkAsync(new ListFtmChipsRequest { OrderBy = "make desc", PageSize = 4 }, seeded.Beta.Auth, expected.Count);
        Assert.Equal(expected, walked);
    }

    [Fact]
    public async Task FiltersCombineAndMatchTextCaseInsensitivelyAndLiterally()
    {
        var seeded = await pms.SeedAsync();
        var admin = await pms.AdminAsync();

        async Task<List<string>> IdsAsync(ListFtmChipsRequest request)
        {
            request.PageSize = 200;
            return [.. (await pms.Chips.ListFtmChipsAsync(request, admin)).FtmChips.Select(c => c.FtmChipId).Order()];
        }
        List<string> Expected(Func<Entities.FtmChip, bool> match) => [.. seeded.Chips.Where(match).Select(c => c.Id.ToString()).Order()];

        Assert.Equal(Expected(c => c.Status == Entities.FtmChipStatus.Approved && c.PartnerId == seeded.Alpha.PartnerId),
            await IdsAsync(new ListFtmChipsRequest { Status = FtmChipStatus.Approved, PartnerId = seeded.Alpha.PartnerId.ToString() }));
        Assert.Equal(Expected(c => c.Make == "make-03"), await IdsAsync(new ListFtmChipsRequest { MakeContains = "KE-03" }));
        Assert.Equal(Expected(c => c.Model.StartsWith("model-1", StringComparison.Ordinal) && c.OrganizationName.StartsWith("beta", StringComparison.Ordinal)),
            await IdsAsync(new ListFtmChipsRequest { ModelContains = "model-1", OrganizationContains = "BETA-ORG" }));
        Assert.Equal(Expected(c => c.Make == "Ten%Off"), await IdsAsync(new ListFtmChipsRequest { MakeContains = "n%o" }));
        Assert.Equal(Expected(c => c.Model == "under_score"), await IdsAsync(new ListFtmChipsRequest { ModelContains = "r_s" }));

        var now = pms.Time.GetUtcNow();
        Assert.Equal(Expected(c => c.CaSignedNotAfter is { } n && n > now && n <= now.AddDays(10)),
            await IdsAsync(new ListFtmChipsRequest { CertificateExpiringWithinDays = 10 }));
        Assert.Equal(3, (await IdsAsync(new ListFtmChipsRequest { CertificateExpiringWithinDays = 10 })).Count);
    }

    [Fact]
    public async Task TotalSizeCountsEveryMatchAndPageSizeHasABound()
    {
        var seeded = await pms.SeedAsync();
        var admin = await pms.AdminAsync();
        var page = await pms.Chips.ListFtmChipsAsync(new ListFtmChipsRequest { PageSize = 5, PartnerId = seeded.Alpha.PartnerId.ToString() }, admin);
        Assert.Equal(seeded.Chips.Count(c => c.PartnerId == seeded.Alpha.PartnerId), page.TotalSize);
        Assert.Equal(5, page.FtmChips.Count);
        Assert.NotEmpty(page.NextPageToken);

        var defaults = await pms.Chips.ListFtmChipsAsync(new ListFtmChipsRequest(), admin);
        Assert.Equal(25, defaults.FtmChips.Count);
        // Newest first by default.
        Assert.True(defaults.FtmChips.Zip(defaults.FtmChips.Skip(1)).All(p => p.First.CreatedAt >= p.Second.CreatedAt));

        var huge = await pms.Chips.ListFtmChipsAsync(new ListFtmChipsRequest { PageSize = 100_000 }, admin);
        Assert.Equal(huge.TotalSize, huge.FtmChips.Count);
        Assert.Empty(huge.NextPageToken);
    }

    [Fact]
    public async Task BadPagingOrFiltersAreRefused()
    {
        var seeded = await pms.SeedAsync();
        var admin = await pms.AdminAsync();
        var page = await pms.Chips.ListFtmChipsAsync(new ListFtmChipsRequest { PageSize = 3, OrderBy = "make" }, admin);

        foreach (var request in new[]
        {
            new ListFtmChipsRequest { PageSize = -1 },
            new ListFtmChipsRequest { OrderBy = "etag" },
            new ListFtmChipsRequest { OrderBy = "make sideways" },
            new ListFtmChipsRequest { CertificateExpiringWithinDays = -5 },
            new ListFtmChipsRequest { PartnerId = "not-a-uuid" },
            new ListFtmChipsRequest { PageToken = "garbage" },
            new ListFtmChipsRequest { Status = (FtmChipStatus)9 },
            // A token is only good for the query that produced it.
            new ListFtmChipsRequest { PageSize = 3, OrderBy = "model", PageToken = page.NextPageToken },
            new ListFtmChipsRequest { PageSize = 3, OrderBy = "make", MakeContains = "x", PageToken = page.NextPageToken },
        })
        {
            await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED", () => pms.Chips.ListFtmChipsAsync(request, admin).ResponseAsync);
        }

        // Nor may a provider reuse another caller's token.
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED", () =>
            pms.Chips.ListFtmChipsAsync(new ListFtmChipsRequest { PageSize = 3, OrderBy = "make", PageToken = page.NextPageToken }, seeded.Alpha.Auth).ResponseAsync);
    }

    private async Task<List<string>> WalkAsync(ListFtmChipsRequest first, Metadata auth, int expectedTotal)
    {
        var ids = new List<string>();
        var request = first;
        for (var pages = 0; pages < 100; pages++)
        {
            var page = await pms.Chips.ListFtmChipsAsync(request, auth);
            Assert.Equal(expectedTotal, page.TotalSize);
            Assert.True(page.FtmChips.Count <= first.PageSize);
            ids.AddRange(page.FtmChips.Select(c => c.FtmChipId));
            if (page.NextPageToken.Length == 0)
            {
                return ids;
            }
            request = first.Clone();
            request.PageToken = page.NextPageToken;
        }
        throw new InvalidOperationException("Paging did not end.");
    }

    // The order the contract promises, worked out here apart from the database (the test server sorts text bytewise).
    private static IEnumerable<Entities.FtmChip> Sort(IEnumerable<Entities.FtmChip> chips, string orderBy)
    {
        var parts = orderBy.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var field = parts.Length > 0 ? parts[0] : "created_at";
        var descending = parts.Length > 1 ? parts[1] == "desc" : parts.Length == 0;
        IComparer<Entities.FtmChip> comparer = Comparer<Entities.FtmChip>.Create((a, b) =>
        {
            var byKey = field switch
            {
                "created_at" => a.CreatedAt.CompareTo(b.CreatedAt),
                "updated_at" => a.UpdatedAt.CompareTo(b.UpdatedAt),
                "make" => string.CompareOrdinal(a.Make, b.Make),
                "model" => string.CompareOrdinal(a.Model, b.Model),
                "organization_name" => string.CompareOrdinal(a.OrganizationName, b.OrganizationName),
                _ => a.Status != b.Status ? a.Status.CompareTo(b.Status) : a.CreatedAt.CompareTo(b.CreatedAt),
            };
            return byKey != 0 ? byKey : string.CompareOrdinal(a.Id.ToString(), b.Id.ToString());
        });
        var sorted = chips.Order(comparer);
        return descending ? sorted.Reverse() : sorted;
    }
}
