namespace Pms.Grpc.AtRest;

/// <summary>
/// One 256-bit AES key for one purpose, with the id of the master key it was derived from. The id travels in every
/// envelope, so a value sealed under another master key is named as such instead of failing as "tampered".
/// </summary>
public sealed class AtRestKey
{
    public const int Size = 32;
    public const int IdSize = 4;

    private readonly byte[] _value;
    private readonly byte[] _id;

    public AtRestKey(ReadOnlySpan<byte> value, ReadOnlySpan<byte> id)
    {
        if (value.Length != Size)
        {
            throw new ArgumentException($"An at-rest key is {Size} bytes, not {value.Length}.", nameof(value));
        }
        if (id.Length != IdSize)
        {
            throw new ArgumentException($"An at-rest key id is {IdSize} bytes, not {id.Length}.", nameof(id));
        }
        _value = value.ToArray();
        _id = id.ToArray();
    }

    internal ReadOnlySpan<byte> Value => _value;

    public ReadOnlySpan<byte> Id => _id;

    public string IdHex => Convert.ToHexStringLower(_id);
}
