using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using Mosip.Pms.V1;
using Pms.Testing;

namespace Pms.Benchmarks.Journeys;

/// <summary>
/// Many FTM providers onboarding at once while admins approve (issue 11's load): each provider registers, signs in,
/// accepts the terms, uploads its partner certificate, adds a chip and uploads the chip's certificate; admin workers
/// approve pending chips of this run as they appear. Afterwards every chip must be APPROVED and its audit trail must
/// chain from → to from creation to its current status. Shared by the benchmark command and an end-to-end test.
/// </summary>
public sealed class JourneyLoad(GrpcChannel channel, string adminUsername, string adminPassword, TextWriter log)
{
    /// <summary>Refusals the API documents for concurrent admins: another admin changed the chip first.</summary>
    private static readonly HashSet<StatusCode> DocumentedAdminRefusals = [StatusCode.Aborted, StatusCode.FailedPrecondition];

    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, ConcurrentBag<double>> _latencies = new();
    private readonly ConcurrentDictionary<string, int> _errors = new();
    private readonly ConcurrentDictionary<string, int> _retries = new();
    private readonly ConcurrentDictionary<string, int> _servedBy = new();
    private readonly ConcurrentQueue<string> _problems = new();

    /// <param name="rampUp">Journey i starts at i × rampUp / journeys: zero starts every provider at the same instant.</param>
    public async Task<JourneyReport> RunAsync(int journeys, int admins, TimeSpan rampUp = default, CancellationToken cancellationToken = default)
    {
        var run = Convert.ToHexString(Guid.NewGuid().ToByteArray()[..4]).ToLowerInvariant();
        var organizationPrefix = $"Load {run}";
        var partners = new PartnerService.PartnerServiceClient(channel);
        var chips = new FtmChipService.FtmChipServiceClient(channel);

        // The FTM trust store must hold the providers' CA first: a root and an intermediate of this run.
        var admin = await AdminAsync(partners);
        var root = TestCertificates.Root($"Load {run} FTM Root", o => o.KeyType = TestKeyType.EcP256);
        var intermediate = root.Issue($"Load {run} FTM Sub CA", o => o.KeyType = TestKeyType.EcP256);
        await new TrustStoreService.TrustStoreServiceClient(channel).UploadCaCertificateAsync(new UploadCaCertificateRequest
        {
            PartnerDomain = PartnerDomain.Ftm,
            CertificateData = ByteString.CopyFromUtf8(TestCertificates.BundlePem(root, intermediate)),
        }, admin, Deadline(), cancellationToken);
        log.WriteLine($"Run {run}: {journeys} provider journeys starting over {rampUp.TotalSeconds:0} s, {admins} approving admins.");

        var stopwatch = Stopwatch.StartNew();
        using var providersDone = new CancellationTokenSource();
        var approvers = Enumerable.Range(0, admins).Select(i => Task.Run(() => ApproveAsync(partners, chips, organizationPrefix, i, providersDone.Token))).ToList();
        var providers = Enumerable.Range(0, journeys)
            .Select(i => Task.Run(async () =>
            {
                await Task.Delay(rampUp * i / journeys, CancellationToken.None);
                return await JourneyAsync(partners, chips, intermediate, $"{organizationPrefix} Chip Works {i:D4}", $"load-{run}-{i:D4}");
            }))
            .ToList();
        var chipIds = (await Task.WhenAll(providers)).Where(id => id is not null).Select(id => id!).ToList();
        await providersDone.CancelAsync();
        var approved = (await Task.WhenAll(approvers)).Sum();
        var elapsed = stopwatch.Elapsed;

        var check = await CheckFinalStateAsync(chips, partners, chipIds, journeys);
        return new JourneyReport(journeys, chipIds.Count, approved, elapsed,
            _latencies.ToDictionary(p => p.Key, p => p.Value.ToArray()), new Dictionary<string, int>(_errors),
            new Dictionary<string, int>(_retries), new Dictionary<string, int>(_servedBy), check, [.. _problems]);
    }

    /// <summary>One provider, start to finish. Returns its chip's id, or null when a step failed (counted).</summary>
    private async Task<string?> JourneyAsync(PartnerService.PartnerServiceClient partners, FtmChipService.FtmChipServiceClient chips,
        TestCertificate ca, string organization, string username)
    {
        const string password = "Load-Partner-Password-1";
        try
        {
            await CallAsync("RegisterPartner", () => partners.RegisterPartnerAsync(new RegisterPartnerRequest
            {
                PartnerType = PartnerType.FtmProvider,
                FirstName = "Load",
                LastName = "Tester",
                OrganizationName = organization,
                Address = "1 Load Street",
                PhoneNumber = "+911234567890",
                Email = $"{username}@load.example",
                Username = username,
                Password = password,
            }, deadline: Deadline()));
            var login = await CallAsync("Login", () => partners.LoginAsync(new LoginRequest { Username = username, Password = password }, deadline: Deadline()));
            var auth = Bearer(login.AccessToken);
            var terms = await CallAsync("GetTermsAndConditions", () => partners.GetTermsAndConditionsAsync(new GetTermsAndConditionsRequest(), auth, Deadline()));
            await CallAsync("AcceptTermsAndConditions", () => partners.AcceptTermsAndConditionsAsync(
                new AcceptTermsAndConditionsRequest { Version = terms.Version }, auth, Deadline()));

            var partnerCertificate = ca.IssueLeaf($"{username} partner", o => (o.KeyType, o.Organization) = (TestKeyType.EcP256, organization));
            await CallAsync("UploadPartnerCertificate", () => partners.UploadPartnerCertificateAsync(
                new UploadPartnerCertificateRequest { CertificateData = ByteString.CopyFrom(partnerCertificate.PemBytes) }, auth, Deadline()));

            var chip = await CallAsync("AddFtmChip", () => chips.AddFtmChipAsync(new AddFtmChipRequest { Make = "LoadMake", Model = username }, auth, Deadline()));
            var chipCertificate = ca.IssueLeaf($"{username} chip", o => (o.KeyType, o.Organization) = (TestKeyType.EcP256, organization));
            await CallAsync("UploadFtmChipCertificate", () => chips.UploadFtmChipCertificateAsync(new UploadFtmChipCertificateRequest
            {
                FtmChipId = chip.FtmChipId,
                CertificateData = ByteString.CopyFrom(chipCertificate.PemBytes),
                Etag = chip.Etag,
            }, auth, Deadline()));
            return chip.FtmChipId;
        }
        catch (RpcException ex)
        {
            _problems.Enqueue($"journey {username}: {ex.StatusCode} {ex.Status.Detail}");
            return null;
        }
    }

    /// <summary>An admin approving this run's pending chips until the providers are done and nothing is pending.</summary>
    private async Task<int> ApproveAsync(PartnerService.PartnerServiceClient partners, FtmChipService.FtmChipServiceClient chips,
        string organizationPrefix, int worker, CancellationToken providersDone)
    {
        Metadata auth;
        while (true)
        {
            try
            {
                auth = await AdminAsync(partners);
                break;
            }
            catch (RpcException ex)
            {
                _problems.Enqueue($"admin {worker} signing in: {ex.StatusCode} {ex.Status.Detail}");
                await Task.Delay(1000, CancellationToken.None);
            }
        }
        var approved = 0;
        while (true)
        {
            var finished = providersDone.IsCancellationRequested;
            ListFtmChipsResponse page;
            try
            {
                page = await CallAsync("ListFtmChips", () => chips.ListFtmChipsAsync(new ListFtmChipsRequest
                {
                    Status = FtmChipStatus.PendingApproval,
                    OrganizationContains = organizationPrefix,
                    OrderBy = "updated_at",
                    PageSize = 20,
                }, auth, Deadline()));
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unauthenticated)
            {
                auth = await AdminAsync(partners); // the access token ran out during a long run
                continue;
            }
            catch (RpcException ex)
            {
                _problems.Enqueue($"admin {worker} listing pending chips: {ex.StatusCode} {ex.Status.Detail}");
                if (finished)
                {
                    return approved;
                }
                await Task.Delay(500, CancellationToken.None);
                continue;
            }

            if (page.FtmChips.Count == 0)
            {
                if (finished)
                {
                    return approved;
                }
                await Task.Delay(100, CancellationToken.None);
                continue;
            }

            // Admins start at different ends of the page, as people picking work from one list would collide only sometimes.
            IEnumerable<FtmChip> order = worker % 2 == 0 ? page.FtmChips : page.FtmChips.Reverse();
            foreach (var chip in order)
            {
                try
                {
                    await CallAsync("ApproveFtmChip", () => chips.ApproveFtmChipAsync(new ApproveFtmChipRequest
                    {
                        FtmChipId = chip.FtmChipId,
                        Etag = chip.Etag,
                        Comment = "approved under load",
                    }, auth, Deadline()), DocumentedAdminRefusals);
                    approved++;
                }
                catch (RpcException ex) when (DocumentedAdminRefusals.Contains(ex.StatusCode))
                {
                    // Another admin decided first (etag mismatch or no longer pending): documented, move on.
                }
                catch (RpcException ex)
                {
                    _problems.Enqueue($"admin {worker} approving {chip.FtmChipId}: {ex.StatusCode} {ex.Status.Detail}");
                }
            }
        }
    }

    private async Task<FinalStateCheck> CheckFinalStateAsync(FtmChipService.FtmChipServiceClient chips, PartnerService.PartnerServiceClient partners,
        List<string> chipIds, int journeys)
    {
        var auth = await AdminAsync(partners);
        var audit = new AuditService.AuditServiceClient(channel);
        var notApproved = 0;
        var brokenChains = 0;
        var auditEvents = 0;
        foreach (var id in chipIds)
        {
            var chip = await chips.GetFtmChipAsync(new GetFtmChipRequest { FtmChipId = id }, auth, Deadline());
            if (chip.Status != FtmChipStatus.Approved)
            {
                notApproved++;
                _problems.Enqueue($"chip {id} ended {chip.Status}");
            }

            var events = await audit.ListAuditEventsAsync(new ListAuditEventsRequest
            {
                ResourceType = "ftm_chip",
                ResourceId = id,
                OrderBy = "occurred_at asc",
                PageSize = 50,
            }, auth, Deadline());
            auditEvents += events.AuditEvents.Count;
            var chain = ChainProblem(events.AuditEvents, StatusName(chip.Status));
            if (chain is not null)
            {
                brokenChains++;
                _problems.Enqueue($"chip {id}: {chain}");
            }
        }

        return new FinalStateCheck(journeys, chipIds.Count, notApproved, brokenChains, auditEvents);
    }

    /// <summary>Null when the trail starts at creation, each change starts where the previous ended, and it ends at the chip's status.</summary>
    public static string? ChainProblem(IReadOnlyList<AuditEvent> events, string currentStatus)
    {
        if (events.Count == 0)
        {
            return "no audit events";
        }
        if (events[0].FromStatus.Length != 0 || events[0].ToStatus != StatusName(FtmChipStatus.PendingCertUpload))
        {
            return $"first event {events[0].Action} goes '{events[0].FromStatus}' → '{events[0].ToStatus}', not creation";
        }
        for (var i = 1; i < events.Count; i++)
        {
            if (events[i].FromStatus != events[i - 1].ToStatus)
            {
                return $"event {i} ({events[i].Action}) starts at {events[i].FromStatus}, the previous ended at {events[i - 1].ToStatus}";
            }
        }
        return events[^1].ToStatus == currentStatus ? null : $"trail ends at {events[^1].ToStatus}, the chip is {currentStatus}";
    }

    // The contract's enum value name, e.g. FTM_CHIP_STATUS_APPROVED, as the audit trail writes it.
    private static string StatusName(FtmChipStatus status) =>
        typeof(FtmChipStatus).GetField(status.ToString())!.GetCustomAttributes(typeof(Google.Protobuf.Reflection.OriginalNameAttribute), false)
            .Cast<Google.Protobuf.Reflection.OriginalNameAttribute>().Single().Name;

    private async Task<Metadata> AdminAsync(PartnerService.PartnerServiceClient partners)
    {
        var login = await CallAsync("Login", () => partners.LoginAsync(new LoginRequest { Username = adminUsername, Password = adminPassword }, deadline: Deadline()));
        return Bearer(login.AccessToken);
    }

    /// <summary>
    /// One logical call as a well-written client makes it: an answer the API documents as retryable (RESOURCE_EXHAUSTED
    /// SERVER_BUSY or a rate limit, UNAVAILABLE) is tried again after its RetryInfo delay, or after an exponential backoff
    /// with jitter when it has none, for up to <see cref="RetryBudget"/>; each such answer is counted as a retry, not
    /// an error. The latency is the whole logical call, retries included. Refusals in <paramref name="documented"/> are
    /// counted apart from errors.
    /// </summary>
    private async Task<T> CallAsync<T>(string method, Func<AsyncUnaryCall<T>> start, IReadOnlySet<StatusCode>? documented = null)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                using var call = start();
                try
                {
                    var response = await call.ResponseAsync;
                    Count(await call.ResponseHeadersAsync);
                    return response;
                }
                catch (RpcException ex) when (Stopwatch.GetElapsedTime(started) < RetryBudget && RetryDelay(ex, attempt) is { } delay)
                {
                    _retries.AddOrUpdate($"{method} {ex.StatusCode} {Reason(ex)}", 1, (_, n) => n + 1);
                    await Task.Delay(delay, CancellationToken.None);
                }
                catch (RpcException ex)
                {
                    var documentedRefusal = documented?.Contains(ex.StatusCode) == true;
                    _errors.AddOrUpdate($"{method} {ex.StatusCode}{(documentedRefusal ? " (documented)" : $" {Reason(ex)}")}", 1, (_, n) => n + 1);
                    throw;
                }
            }
        }
        finally
        {
            _latencies.GetOrAdd(method, _ => []).Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    /// <summary>How long one logical call keeps retrying: a person signing up in a rush waits minutes, not forever.</summary>
    private static readonly TimeSpan RetryBudget = TimeSpan.FromMinutes(5);

    /// <summary>When to try a retryable answer again, or null when the answer is final.</summary>
    public static TimeSpan? RetryDelay(RpcException ex, int attempt)
    {
        if (ex.StatusCode is not (StatusCode.ResourceExhausted or StatusCode.Unavailable))
        {
            return null;
        }
        // Exponential backoff from 250 ms, capped at 8 s, with full jitter so that a crowd told to wait does not return at once.
        var backoff = TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * Math.Min(8000, 250 * Math.Pow(2, attempt - 1)));
        var told = Status(ex)?.GetDetail<RetryInfo>()?.RetryDelay?.ToTimeSpan();
        return told is { } serverDelay ? serverDelay + backoff : backoff;
    }

    private static Google.Rpc.Status? Status(RpcException ex)
    {
        try
        {
            return ex.GetRpcStatus();
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    private static string Reason(RpcException ex) => Status(ex)?.GetDetail<ErrorInfo>()?.Reason ?? "-";

    private void Count(Metadata headers)
    {
        if (headers.GetValue("pms-served-by") is { } replica)
        {
            _servedBy.AddOrUpdate(replica, 1, (_, n) => n + 1);
        }
    }

    private static Metadata Bearer(string token) => new() { { "authorization", $"Bearer {token}" } };

    private static DateTime Deadline() => DateTime.UtcNow.Add(CallTimeout);
}

/// <summary>What the final state check found.</summary>
public sealed record FinalStateCheck(int Journeys, int Chips, int ChipsNotApproved, int BrokenAuditChains, int AuditEvents)
{
    public bool Passed => Chips == Journeys && ChipsNotApproved == 0 && BrokenAuditChains == 0;
}

/// <summary>Counts, latencies and the final state of one load run.</summary>
public sealed record JourneyReport(
    int Journeys,
    int Completed,
    int Approvals,
    TimeSpan Elapsed,
    IReadOnlyDictionary<string, double[]> LatenciesByMethod,
    IReadOnlyDictionary<string, int> ErrorsByMethodAndCode,
    IReadOnlyDictionary<string, int> RetriedAnswers,
    IReadOnlyDictionary<string, int> CallsByReplica,
    FinalStateCheck Check,
    IReadOnlyList<string> Problems)
{
    /// <summary>Errors that are not documented refusals between concurrent admins.</summary>
    public int UndocumentedErrors => ErrorsByMethodAndCode.Where(e => !e.Key.EndsWith("(documented)", StringComparison.Ordinal)).Sum(e => e.Value);

    public bool Passed => UndocumentedErrors == 0 && Completed == Journeys && Check.Passed;

    public override string ToString()
    {
        var text = new StringBuilder();
        var all = LatenciesByMethod.Values.SelectMany(v => v).Order().ToArray();
        text.AppendLine(Invariant($"{Journeys} journeys, {Completed} completed, {Approvals} approvals in {Elapsed.TotalSeconds:0.0} s ({Completed / Elapsed.TotalSeconds:0.0} journeys/s)"));
        text.AppendLine(Invariant($"{all.Length} calls ({all.Length + RetriedAnswers.Values.Sum()} attempts), p50 {Percentile(all, 0.50):0.0} ms, p99 {Percentile(all, 0.99):0.0} ms, max {(all.Length == 0 ? 0 : all[^1]):0.0} ms"));
        text.AppendLine();
        text.AppendLine("| method | calls | p50 ms | p99 ms | max ms |");
        text.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var (method, values) in LatenciesByMethod.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            var sorted = values.Order().ToArray();
            text.AppendLine(Invariant($"| {method} | {sorted.Length} | {Percentile(sorted, 0.50):0.0} | {Percentile(sorted, 0.99):0.0} | {sorted[^1]:0.0} |"));
        }
        text.AppendLine();
        text.AppendLine(ErrorsByMethodAndCode.Count == 0
            ? "Errors: none"
            : "Errors: " + string.Join(", ", ErrorsByMethodAndCode.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key} × {e.Value}")));
        text.AppendLine(RetriedAnswers.Count == 0
            ? "Retried (documented retryable answers): none"
            : Invariant($"Retried (documented retryable answers, {RetriedAnswers.Values.Sum()}): ") + string.Join(", ", RetriedAnswers.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key} × {e.Value}")));
        if (CallsByReplica.Count > 0)
        {
            text.AppendLine("Calls by replica: " + string.Join(", ", CallsByReplica.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key} {r.Value}")));
        }
        text.AppendLine(Invariant($"Final state: {Check.Chips}/{Check.Journeys} chips, {Check.ChipsNotApproved} not APPROVED, {Check.BrokenAuditChains} broken audit chains ({Check.AuditEvents} chip audit events) → {(Passed ? "PASS" : "FAIL")}"));
        foreach (var problem in Problems.Take(20))
        {
            text.AppendLine("  " + problem);
        }
        return text.ToString();
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
