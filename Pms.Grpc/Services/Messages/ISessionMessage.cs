using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;

namespace Pms.Grpc.Services.Messages;

/// <summary>
/// The fields <c>LoginResponse</c> and <c>RefreshSessionResponse</c> share. The generated classes take this interface
/// through the partial declarations in this folder (their properties already match), so one mapping fills both.
/// </summary>
public interface ISessionMessage
{
    string AccessToken { get; set; }

    string RefreshToken { get; set; }

    Timestamp ExpiresAt { get; set; }

    Timestamp RefreshTokenExpiresAt { get; set; }

    RepeatedField<string> Roles { get; }

    string UserId { get; set; }

    string Username { get; set; }

    string PartnerId { get; set; }

    bool ConsentRequired { get; set; }
}
