namespace Pms.Grpc.Certificates;

/// <summary>Compares encodings by their bytes (e.g. the DER of names), for dictionaries keyed by them.</summary>
internal sealed class DerBytesComparer : IEqualityComparer<ReadOnlyMemory<byte>>
{
    public static readonly DerBytesComparer Instance = new();

    public bool Equals(ReadOnlyMemory<byte> x, ReadOnlyMemory<byte> y) => x.Span.SequenceEqual(y.Span);

    public int GetHashCode(ReadOnlyMemory<byte> obj)
    {
        var hash = new HashCode();
        hash.AddBytes(obj.Span);
        return hash.ToHashCode();
    }
}
