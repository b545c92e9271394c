using System.Text;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Mosip.Pms.V1;
using Pms.Grpc.Certificates;
using Pms.Testing;

namespace Pms.IntegrationTests.FtmChips;

/// <summary>The steps of the chip journey, as the portal takes them.</summary>
public static class ChipSteps
{
    public static async Task<FtmChip> AddChipAsync(this FtmChipsFactory pms, TestProvider provider, string? make = null, string? model = null) =>
        await pms.Chips.AddFtmChipAsync(new AddFtmChipRequest
        {
            Make = make ?? "Make " + Guid.NewGuid().ToString("N")[..6],
            Model = model ?? "Model " + Guid.NewGuid().ToString("N")[..6],
        }, provider.Auth);

    public static async Task<FtmChip> UploadAsync(this FtmChipsFactory pms, Metadata auth, FtmChip chip, TestCertificate certificate, string etag = "") =>
        await pms.Chips.UploadFtmChipCertificateAsync(new UploadFtmChipCertificateRequest
        {
            FtmChipId = chip.FtmChipId,
            CertificateData = ByteString.CopyFrom(certificate.PemBytes),
            Etag = etag,
        }, auth);

    public static async Task<FtmChip> ApproveAsync(this FtmChipsFactory pms, Metadata admin, FtmChip chip, string comment = "", string etag = "") =>
        await pms.Chips.ApproveFtmChipAsync(new ApproveFtmChipRequest { FtmChipId = chip.FtmChipId, Comment = comment, Etag = etag }, admin);

    /// <summary>A chip of the provider, added, with its certificate uploaded (PENDING_APPROVAL).</summary>
    public static async Task<FtmChip> PendingChipAsync(this FtmChipsFactory pms, TestProvider provider)
    {
        var chip = await pms.AddChipAsync(provider);
        return await pms.UploadAsync(provider.Auth, chip, pms.ChipCertificate(provider.Organization));
    }

    /// <summary>A chip of the provider, all the way to APPROVED.</summary>
    public static async Task<FtmChip> ApprovedChipAsync(this FtmChipsFactory pms, TestProvider provider, Metadata admin) =>
        await pms.ApproveAsync(admin, await pms.PendingChipAsync(provider));

    public static ParsedCertificate ParsePem(string pem) => CertificateParser.ParseSingle(Encoding.ASCII.GetBytes(pem));

    /// <summary>The ErrorInfo's current_status of an INVALID_STATE_TRANSITION.</summary>
    public static string CurrentStatus(this ErrorInfo info) => info.Metadata["current_status"];
}
