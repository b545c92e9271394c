namespace Pms.Grpc.Data.Entities;

/// <summary>Marks that the expiry mail for one certificate and one threshold (30, 15, 10, 5, 1 days) was sent.</summary>
public class CertificateExpiryNotice
{
    public Guid Id { get; set; }
    public required string ResourceType { get; set; }
    public required string ResourceId { get; set; }
    public DateTimeOffset CertificateNotAfter { get; set; }
    public int ThresholdDays { get; set; }
    public DateTimeOffset SentAt { get; set; }
}
