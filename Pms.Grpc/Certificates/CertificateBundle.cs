namespace Pms.Grpc.Certificates;

/// <summary>Working with several certificates uploaded together.</summary>
public static class CertificateBundle
{
    /// <summary>
    /// Orders a CA bundle so that every certificate comes after its issuer when the issuer is in the bundle:
    /// roots first, then what they issued. Otherwise the original order is kept (a stable topological sort).
    /// </summary>
    public static IReadOnlyList<ParsedCertificate> OrderRootFirst(IReadOnlyList<ParsedCertificate> certificates)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        var remaining = certificates.ToList();
        var ordered = new List<ParsedCertificate>(remaining.Count);
        while (remaining.Count > 0)
        {
            var next = remaining.FindIndex(c => c.IsSelfIssued || !remaining.Exists(o => !ReferenceEquals(o, c) && o.SubjectKey == c.IssuerKey));
            // A cycle of names (cross-certificates) has no first element; keep the original order for the rest.
            next = Math.Max(next, 0);
            ordered.Add(remaining[next]);
            remaining.RemoveAt(next);
        }

        return ordered;
    }

    /// <summary>
    /// The end-entity certificate of an upload that may carry its intermediates: the one certificate that issued
    /// none of the others; among several such, the first that is not a CA; failing that, the first certificate.
    /// </summary>
    public static ParsedCertificate SelectLeaf(IReadOnlyList<ParsedCertificate> certificates)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        if (certificates.Count == 0)
        {
            throw new ArgumentException("No certificates.", nameof(certificates));
        }

        var leaves = certificates
            .Where(c => !certificates.Any(o => !ReferenceEquals(o, c) && o.IssuerKey == c.SubjectKey && !o.IsSelfIssued))
            .ToList();
        return leaves.Count switch
        {
            1 => leaves[0],
            > 1 => leaves.FirstOrDefault(c => !c.IsCa) ?? leaves[0],
            _ => certificates[0],
        };
    }
}
