namespace Pms.Grpc.Validation;

/// <summary>What one request field may hold. The proto comment of the field states the same limit.</summary>
public abstract record FieldLimit;

/// <summary>
/// A string of at most <paramref name="MaxLength"/> UTF-16 characters (counted after trimming when the RPC trims it).
/// Control characters are refused, except line breaks and tabs in <paramref name="MultiLine"/> text; a
/// <paramref name="Secret"/> (a password) may hold any character, since it is hashed and never stored as text.
/// </summary>
public sealed record TextLimit(int MaxLength, bool Trimmed = false, bool MultiLine = false, bool Secret = false) : FieldLimit;

/// <summary>An integer in [<paramref name="Min"/>, <paramref name="Max"/>].</summary>
public sealed record NumberLimit(long Min, long Max) : FieldLimit;

/// <summary>A <c>google.protobuf.Timestamp</c> between <paramref name="Min"/> and <paramref name="Max"/>, with valid nanos.</summary>
public sealed record TimeLimit(DateTimeOffset Min, DateTimeOffset Max) : FieldLimit;

/// <summary>
/// Certificate bytes: the size limit (1 MiB) is the certificate engine's, which answers it with its own reason
/// (<c>CERTIFICATE_DATA_TOO_LARGE</c>) before parsing; the edge only notes that the field is bounded.
/// </summary>
public sealed record CertificateDataLimit : FieldLimit;
