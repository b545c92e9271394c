namespace Pms.Grpc.Data.Entities;

public enum CaCertificateType
{
    Root = 1,
    Intermediate = 2,
}
