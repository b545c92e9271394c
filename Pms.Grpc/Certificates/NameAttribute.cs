namespace Pms.Grpc.Certificates;

/// <summary>
/// One attribute of a distinguished name as <see cref="DistinguishedNames"/> reads it: its type's dotted OID, its value
/// as text when it is a string type, and otherwise the value's DER.
/// </summary>
public readonly record struct NameAttribute(string Oid, string? Text, ReadOnlyMemory<byte> ValueDer);
