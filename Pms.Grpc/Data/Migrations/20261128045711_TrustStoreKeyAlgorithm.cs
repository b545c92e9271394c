using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pms.Grpc.Data.Migrations
{
    /// <inheritdoc />
    public partial class TrustStoreKeyAlgorithm : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "public_key_algorithm",
                table: "ca_certificates",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "ix_ca_certificates_subject_id",
                table: "ca_certificates",
                columns: new[] { "subject", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_ca_certificates_subject_id",
                table: "ca_certificates");

            migrationBuilder.DropColumn(
                name: "public_key_algorithm",
                table: "ca_certificates");
        }
    }
}
