using System.Text;
using Pms.Grpc.AtRest;
using Pms.Testing;

namespace Pms.UnitTests.AtRest;

public class AtRestEncryptionTests
{
    private const string MasterKey = "unit-tests-master-key-0123456789abcdef";

    private static readonly AtRestEncryption Encryption = For(MasterKey);

    private static AtRestEncryption For(string masterKey) => new(() => Encoding.UTF8.GetBytes(masterKey));

    public static TheoryData<string> PersonalDataColumns => new(EncryptedColumn.All.Where(c => c.Purpose == AtRestPurpose.PersonalData).Select(c => c.Column));

    [Theory]
    [MemberData(nameof(PersonalDataColumns))]
    public void PersonalDataStoredByTheOlderFormatStillOpens(string columnName)
    {
        var column = EncryptedColumn.All.Single(c => c.Column == columnName);
        var rowId = Guid.CreateVersion7();
        var legacy = LegacyAtRestWriters.ProtectPersonalData(MasterKey, "+41 79 123 45 67", rowId, column.LegacyField!);

        Assert.Equal("+41 79 123 45 67", Encoding.UTF8.GetString(Encryption.Unprotect(legacy, column, rowId)));
        Assert.False(Encryption.IsCurrent(legacy));
        Assert.Throws<AtRestDecryptionException>(() => Encryption.Unprotect(legacy, column, Guid.CreateVersion7()));
        Assert.Contains("MasterKey is not the key it was stored with",
            Assert.Throws<AtRestDecryptionException>(() => For(MasterKey + "!").Unprotect(legacy, column, rowId)).Message);
    }

    [Fact]
    public void AnOlderValueOfOneColumnDoesNotOpenAsAnother()
    {
        var rowId = Guid.CreateVersion7();
        var legacy = LegacyAtRestWriters.ProtectPersonalData(MasterKey, "someone@example.org", rowId, EncryptedColumn.PartnerEmail.LegacyField!);

        Assert.Throws<AtRestDecryptionException>(() => Encryption.Unprotect(legacy, EncryptedColumn.PartnerPhoneNumber, rowId));
        Assert.Throws<AtRestDecryptionException>(() => Encryption.Unprotect(legacy, EncryptedColumn.SigningCaPrivateKey, rowId));
    }

    [Fact]
    public void NewValuesAreCurrentAndBoundToTheirColumnAndRow()
    {
        var rowId = Guid.CreateVersion7();
        var stored = Encryption.Protect("someone@example.org"u8, EncryptedColumn.PartnerEmail, rowId);

        Assert.True(Encryption.IsCurrent(stored));
        Assert.Equal(Encryption.CurrentPrefix, stored[..5]);
        Assert.Equal("someone@example.org"u8.ToArray(), Encryption.Unprotect(stored, EncryptedColumn.PartnerEmail, rowId));
        Assert.Throws<AtRestDecryptionException>(() => Encryption.Unprotect(stored, EncryptedColumn.PartnerAddress, rowId));
        Assert.Throws<AtRestDecryptionException>(() => Encryption.Unprotect(stored, EncryptedColumn.PartnerEmail, Guid.CreateVersion7()));
        Assert.False(For(MasterKey + "!").IsCurrent(stored));
    }

    [Fact]
    public void EachPurposeHasItsOwnKey()
    {
        var rowId = Guid.CreateVersion7();
        var stored = Encryption.Protect("secret"u8, EncryptedColumn.PartnerEmail, rowId);
        // The same table, column and row, another purpose: only the key differs.
        var samePlaceOtherPurpose = EncryptedColumn.PartnerEmail with { Purpose = AtRestPurpose.SigningCaPrivateKey };

        Assert.Contains("failed authentication",
            Assert.Throws<AtRestDecryptionException>(() => Encryption.Unprotect(stored, samePlaceOtherPurpose, rowId)).Message);
    }

    [Fact]
    public void ValuesUnderARetiredMasterKeyStillOpenAndAreNotCurrent()
    {
        const string newMasterKey = "unit-tests-next-master-key-0123456789abcdef";
        var rowId = Guid.CreateVersion7();
        var sealedBefore = Encryption.Protect("before the rotation"u8, EncryptedColumn.PartnerAddress, rowId);
        var legacy = LegacyAtRestWriters.ProtectPersonalData(MasterKey, "older still", rowId, EncryptedColumn.PartnerAddress.LegacyField!);
        var rotated = new AtRestEncryption(() => Encoding.UTF8.GetBytes(newMasterKey), () => [Encoding.UTF8.GetBytes(MasterKey)]);

        Assert.Equal("before the rotation"u8.ToArray(), rotated.Unprotect(sealedBefore, EncryptedColumn.PartnerAddress, rowId));
        Assert.Equal("older still"u8.ToArray(), rotated.Unprotect(legacy, EncryptedColumn.PartnerAddress, rowId));
        Assert.False(rotated.IsCurrent(sealedBefore));
        Assert.True(rotated.IsCurrent(rotated.Protect("after"u8, EncryptedColumn.PartnerAddress, rowId)));
        Assert.False(Encryption.IsCurrent(rotated.Protect("after"u8, EncryptedColumn.PartnerAddress, rowId)));
        // Without the retired key the value is named as another master key's.
        Assert.Contains("another master key",
            Assert.Throws<AtRestDecryptionException>(() => For(newMasterKey).Unprotect(sealedBefore, EncryptedColumn.PartnerAddress, rowId)).Message);
    }

    [Fact]
    public void EveryColumnNamesADistinctPlace()
    {
        var rowId = Guid.CreateVersion7();

        Assert.Equal(EncryptedColumn.All.Count, EncryptedColumn.All.Select(c => c.Context(rowId)).Distinct().Count());
    }
}
