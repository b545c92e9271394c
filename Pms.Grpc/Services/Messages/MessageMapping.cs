using Google.Protobuf.WellKnownTypes;
using Pms.Grpc.Certificates;
using Pms.Grpc.Identity;

namespace Pms.Grpc.Services.Messages;

/// <summary>Fills the fields that twin messages share, once for both.</summary>
public static class MessageMapping
{
    public static T WithSession<T>(this T message, SessionTokens session) where T : ISessionMessage
    {
        message.AccessToken = session.AccessToken;
        message.RefreshToken = session.RefreshToken;
        message.ExpiresAt = Timestamp.FromDateTimeOffset(session.AccessTokenExpiresAt);
        message.RefreshTokenExpiresAt = Timestamp.FromDateTimeOffset(session.RefreshTokenExpiresAt);
        message.Roles.Add(session.User.Roles);
        message.UserId = session.User.Id.ToString();
        message.Username = session.User.Username;
        message.PartnerId = session.User.PartnerId?.ToString() ?? "";
        message.ConsentRequired = session.ConsentRequired;
        return message;
    }

    public static T WithPair<T>(this T message, CertificatePairView pair) where T : ICertificatePairMessage
    {
        message.Subject = pair.Subject;
        message.Issuer = pair.Issuer;
        message.CaSignedCertificatePem = pair.CaSignedCertificatePem;
        message.MosipSignedCertificatePem = pair.MosipSignedCertificatePem;
        message.UploadedAt = Timestamp.FromDateTimeOffset(pair.UploadedAt);
        message.CaSignedNotAfter = Timestamp.FromDateTimeOffset(pair.CaSignedNotAfter);
        message.MosipSignedNotBefore = Timestamp.FromDateTimeOffset(pair.MosipSignedNotBefore);
        message.MosipSignedNotAfter = Timestamp.FromDateTimeOffset(pair.MosipSignedNotAfter);
        message.CaSignedExpired = pair.CaSignedExpired;
        message.MosipSignedExpired = pair.MosipSignedExpired;
        return message;
    }
}
