using System.Diagnostics;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Mosip.Pms.V1;
using Npgsql;
using Xunit.Abstractions;

namespace Pms.IntegrationTests.FtmChips;

/// <summary>Alone, after the other tests: timings mean little on a machine busy with other test classes.</summary>
[CollectionDefinition(nameof(ScaleCollection), DisableParallelization = true)]
public sealed class ScaleCollection;

[Collection(nameof(ScaleCollection))]
public sealed class FtmChipScaleTests(FtmChipsFactory pms, ITestOutputHelper output) : IClassFixture<FtmChipsFactory>
{
    private const int ChipCount = 100_000;
    private const int PageSize = 200;
    private const int Samples = 15;

    [Fact]
    public async Task WithAHundredThousandChipsPage500AnswersAsFastAsPage1()
    {
        var first = await pms.NewProviderAsync();
        var second = await pms.NewProviderAsync();
        var inserting = Stopwatch.StartNew();
        await BulkInsertAsync(first, second);
        output.WriteLine($"Inserted {ChipCount:N0} chips in {inserting.ElapsedMilliseconds} ms");
        var admin = await pms.AdminAsync();

        // The admin's whole list, 200 a page: page 500 is the last one, rows 99,801–100,000.
        var request = new ListFtmChipsRequest { PageSize = PageSize };
        var (pageOneMs, pageFiveHundredMs, walkMs) = await MeasureAsync(request, admin, 500);
        Report("admin, all chips, created_at desc, 200 per page", pageOneMs, pageFiveHundredMs, walkMs);

        // A provider's own 50,000, by make: page 250 is its last.
        var byMake = new ListFtmChipsRequest { PageSize = PageSize, OrderBy = "make" };
        var (ownOneMs, ownLastMs, ownWalkMs) = await MeasureAsync(byMake, first.Auth, 250);
        Report("provider, own chips, make asc, 200 per page (page 250 = last)", ownOneMs, ownLastMs, ownWalkMs);

        await ExplainAsync();

        // The same small bound for both ends of the list.
        Assert.True(Median(pageFiveHundredMs) <= Math.Max(2 * Median(pageOneMs), Median(pageOneMs) + 15),
            $"page 500: {Median(pageFiveHundredMs):F1} ms, page 1: {Median(pageOneMs):F1} ms");
        Assert.True(Median(ownLastMs) <= Math.Max(2 * Median(ownOneMs), Median(ownOneMs) + 15),
            $"page 250: {Median(ownLastMs):F1} ms, page 1: {Median(ownOneMs):F1} ms");
        Assert.InRange(Median(pageOneMs), 0, 250);
        Assert.InRange(Median(pageFiveHundredMs), 0, 250);
    }

    // Walks to the given page (checking that it is full and the last), then times the first and that page, alternating.
    private async Task<(double[] First, double[] Deep, long WalkMs)> MeasureAsync(ListFtmChipsRequest request, Metadata auth, int deepPage)
    {
        var walk = Stopwatch.StartNew();
        var tokenOfDeepPage = "";
        var page = await pms.Chips.ListFtmChipsAsync(request, auth);
        var seen = page.FtmChips.Count;
        for (var number = 2; number <= deepPage; number++)
        {
            tokenOfDeepPage = page.NextPageToken;
            var next = request.Clone();
            next.PageToken = tokenOfDeepPage;
            page = await pms.Chips.ListFtmChipsAsync(next, auth);
            seen += page.FtmChips.Count;
        }
        walk.Stop();
        Assert.Equal(PageSize, page.FtmChips.Count);
        Assert.Equal(page.TotalSize, seen);
        Assert.Empty(page.NextPageToken);

        var deep = request.Clone();
        deep.PageToken = tokenOfDeepPage;
        var firstTimes = new double[Samples];
        var deepTimes = new double[Samples];
        for (var i = 0; i < Samples; i++)
        {
            firstTimes[i] = await TimeAsync(() => pms.Chips.ListFtmChipsAsync(request, auth).ResponseAsync);
            deepTimes[i] = await TimeAsync(() => pms.Chips.ListFtmChipsAsync(deep, auth).ResponseAsync);
        }
        return (firstTimes, deepTimes, walk.ElapsedMilliseconds);
    }

    private static async Task<double> TimeAsync(Func<Task> call)
    {
        var watch = Stopwatch.StartNew();
        await call();
        return watch.Elapsed.TotalMilliseconds;
    }

    private void Report(string what, double[] first, double[] deep, long walkMs) =>
        output.WriteLine($"{what}: first page median {Median(first):F1} ms (p90 {Percentile(first, 0.9):F1}), " +
            $"deep page median {Median(deep):F1} ms (p90 {Percentile(deep, 0.9):F1}); walking there took {walkMs} ms");

    // What PostgreSQL does for the two pages, next to what OFFSET paging would cost.
    private async Task ExplainAsync()
    {
        await using var connection = new NpgsqlConnection(pms.ConnectionString);
        await connection.OpenAsync();
        var (lastAt, lastId) = await ScalarPairAsync(connection,
            $"SELECT created_at, id FROM ftm_chips ORDER BY created_at DESC, id DESC OFFSET {499 * PageSize - 1} LIMIT 1");
        var plans = new Dictionary<string, string>
        {
            ["keyset page 1"] = $"SELECT * FROM ftm_chips ORDER BY created_at DESC, id DESC LIMIT {PageSize + 1}",
            ["keyset page 500"] = $"SELECT * FROM ftm_chips WHERE (created_at, id) < (@at, @id) ORDER BY created_at DESC, id DESC LIMIT {PageSize + 1}",
            ["OFFSET page 500 (not used)"] = $"SELECT * FROM ftm_chips ORDER BY created_at DESC, id DESC OFFSET {499 * PageSize} LIMIT {PageSize + 1}",
            ["total_size count"] = "SELECT count(*) FROM ftm_chips",
        };
        foreach (var (name, sql) in plans)
        {
            await using var command = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS) " + sql, connection);
            if (sql.Contains("@at", StringComparison.Ordinal))
            {
                command.Parameters.AddWithValue("at", lastAt);
                command.Parameters.AddWithValue("id", lastId);
            }
            var lines = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    lines.Add(reader.GetString(0));
                }
            }
            output.WriteLine($"{name}: {lines[0].Trim()} | {lines.Last(l => l.Contains("Execution Time", StringComparison.Ordinal)).Trim()}");
        }
    }

    private static async Task<(DateTime, Guid)> ScalarPairAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetDateTime(0), reader.GetGuid(1));
    }

    private async Task BulkInsertAsync(TestProvider first, TestProvider second)
    {
        var start = pms.Time.GetUtcNow().AddDays(-200);
        await pms.WithDbAsync(async db =>
        {
            db.Database.SetCommandTimeout(TimeSpan.FromMinutes(2));
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO ftm_chips (id, partner_id, organization_name, make, model, status, created_at, updated_at)
                SELECT gen_random_uuid(),
                       CASE WHEN g % 2 = 0 THEN {first.PartnerId} ELSE {second.PartnerId} END,
                       CASE WHEN g % 2 = 0 THEN {first.Organization} ELSE {second.Organization} END,
                       'make-' || lpad((g % 997)::text, 4, '0'),
                       'model-' || lpad(g::text, 6, '0'),
                       g % 5 + 1,
                       {start} + g * interval '1 second',
                       {start} + g * interval '1 second'
                FROM generate_series(1, {ChipCount}) AS g
                """);
            await db.Database.ExecuteSqlRawAsync("VACUUM ANALYZE ftm_chips");
        });
    }

    private static double Median(double[] values) => Percentile(values, 0.5);

    private static double Percentile(double[] values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[(int)Math.Min(sorted.Length - 1, Math.Round(p * (sorted.Length - 1)))];
    }
}
