using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pms.Grpc.Data.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_events",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    actor_id = table.Column<Guid>(type: "uuid", nullable: true),
                    actor_username = table.Column<string>(type: "text", nullable: false),
                    action = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    resource_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    resource_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    from_status = table.Column<string>(type: "text", nullable: true),
                    to_status = table.Column<string>(type: "text", nullable: true),
                    comment = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    outcome = table.Column<string>(type: "text", nullable: false),
                    detail = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_events", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ca_certificates",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    partner_domain = table.Column<int>(type: "integer", nullable: false),
                    type = table.Column<int>(type: "integer", nullable: false),
                    subject = table.Column<string>(type: "text", nullable: false),
                    issuer = table.Column<string>(type: "text", nullable: false),
                    serial_number = table.Column<string>(type: "text", nullable: false),
                    not_before = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    not_after = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    thumbprint_sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    issuer_certificate_id = table.Column<Guid>(type: "uuid", nullable: true),
                    der = table.Column<byte[]>(type: "bytea", nullable: false),
                    uploaded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    uploaded_by = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ca_certificates", x => x.id);
                    table.ForeignKey(
                        name: "fk_ca_certificates_ca_certificates_issuer_certificate_id",
                        column: x => x.issuer_certificate_id,
                        principalTable: "ca_certificates",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "certificate_expiry_notices",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    resource_type = table.Column<string>(type: "text", nullable: false),
                    resource_id = table.Column<string>(type: "text", nullable: false),
                    certificate_not_after = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    threshold_days = table.Column<int>(type: "integer", nullable: false),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_certificate_expiry_notices", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "generated_secrets",
                columns: table => new
                {
                    name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    value = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_generated_secrets", x => x.name);
                });

            migrationBuilder.CreateTable(
                name: "partners",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    partner_type = table.Column<int>(type: "integer", nullable: false),
                    first_name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    last_name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    organization_name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    address_encrypted = table.Column<byte[]>(type: "bytea", nullable: false),
                    phone_number_encrypted = table.Column<byte[]>(type: "bytea", nullable: false),
                    email_encrypted = table.Column<byte[]>(type: "bytea", nullable: false),
                    email_lookup_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    consent_version = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    consent_given_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_partners", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "signing_authority_keys",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    certificate_pem = table.Column<string>(type: "text", nullable: false),
                    encrypted_private_key = table.Column<byte[]>(type: "bytea", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    is_active = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_signing_authority_keys", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ftm_chips",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    partner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    organization_name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    make = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    model = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    review_comment = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    ca_signed_certificate_pem = table.Column<string>(type: "text", nullable: true),
                    mosip_signed_certificate_pem = table.Column<string>(type: "text", nullable: true),
                    certificate_uploaded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ca_signed_not_after = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    mosip_signed_not_before = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    mosip_signed_not_after = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ftm_chips", x => x.id);
                    table.ForeignKey(
                        name: "fk_ftm_chips_partners_partner_id",
                        column: x => x.partner_id,
                        principalTable: "partners",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "partner_certificates",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    partner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    ca_signed_certificate_pem = table.Column<string>(type: "text", nullable: false),
                    mosip_signed_certificate_pem = table.Column<string>(type: "text", nullable: false),
                    subject = table.Column<string>(type: "text", nullable: false),
                    issuer = table.Column<string>(type: "text", nullable: false),
                    thumbprint_sha256 = table.Column<string>(type: "text", nullable: false),
                    ca_signed_not_before = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ca_signed_not_after = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    mosip_signed_not_before = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    mosip_signed_not_after = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    uploaded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    uploaded_by = table.Column<Guid>(type: "uuid", nullable: false),
                    is_current = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_partner_certificates", x => x.id);
                    table.ForeignKey(
                        name: "fk_partner_certificates_partners_partner_id",
                        column: x => x.partner_id,
                        principalTable: "partners",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "users",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    username = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    normalized_username = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    password_hash = table.Column<string>(type: "text", nullable: false),
                    roles = table.Column<List<string>>(type: "text[]", nullable: false),
                    partner_id = table.Column<Guid>(type: "uuid", nullable: true),
                    access_failed_count = table.Column<int>(type: "integer", nullable: false),
                    lockout_end = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    is_enabled = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    password_changed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_users", x => x.id);
                    table.ForeignKey(
                        name: "fk_users_partners_partner_id",
                        column: x => x.partner_id,
                        principalTable: "partners",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "password_reset_tokens",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    token_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    consumed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_password_reset_tokens", x => x.id);
                    table.ForeignKey(
                        name: "fk_password_reset_tokens_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "refresh_tokens",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    token_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    family_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    replaced_by_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_refresh_tokens", x => x.id);
                    table.ForeignKey(
                        name: "fk_refresh_tokens_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_occurred_at_id",
                table: "audit_events",
                columns: new[] { "occurred_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_resource_type_resource_id_occurred_at",
                table: "audit_events",
                columns: new[] { "resource_type", "resource_id", "occurred_at" });

            migrationBuilder.CreateIndex(
                name: "ix_ca_certificates_issuer_certificate_id",
                table: "ca_certificates",
                column: "issuer_certificate_id");

            migrationBuilder.CreateIndex(
                name: "ix_ca_certificates_not_after_id",
                table: "ca_certificates",
                columns: new[] { "not_after", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_ca_certificates_partner_domain_thumbprint_sha256",
                table: "ca_certificates",
                columns: new[] { "partner_domain", "thumbprint_sha256" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_ca_certificates_uploaded_at_id",
                table: "ca_certificates",
                columns: new[] { "uploaded_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_certificate_expiry_notices_resource_type_resource_id_certif",
                table: "certificate_expiry_notices",
                columns: new[] { "resource_type", "resource_id", "certificate_not_after", "threshold_days" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_ftm_chips_active_make_model",
                table: "ftm_chips",
                columns: new[] { "partner_id", "make", "model" },
                unique: true,
                filter: "status NOT IN (4, 5)");

            migrationBuilder.CreateIndex(
                name: "ix_ftm_chips_created_at_id",
                table: "ftm_chips",
                columns: new[] { "created_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_ftm_chips_make_id",
                table: "ftm_chips",
                columns: new[] { "make", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_ftm_chips_model_id",
                table: "ftm_chips",
                columns: new[] { "model", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_ftm_chips_mosip_signed_not_after",
                table: "ftm_chips",
                column: "mosip_signed_not_after");

            migrationBuilder.CreateIndex(
                name: "ix_ftm_chips_organization_name_id",
                table: "ftm_chips",
                columns: new[] { "organization_name", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_ftm_chips_partner_id_created_at_id",
                table: "ftm_chips",
                columns: new[] { "partner_id", "created_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_ftm_chips_status_created_at_id",
                table: "ftm_chips",
                columns: new[] { "status", "created_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_ftm_chips_updated_at_id",
                table: "ftm_chips",
                columns: new[] { "updated_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_partner_certificates_mosip_signed_not_after",
                table: "partner_certificates",
                column: "mosip_signed_not_after",
                filter: "is_current");

            migrationBuilder.CreateIndex(
                name: "ix_partner_certificates_partner_id",
                table: "partner_certificates",
                column: "partner_id",
                unique: true,
                filter: "is_current");

            migrationBuilder.CreateIndex(
                name: "ix_partner_certificates_partner_id_uploaded_at",
                table: "partner_certificates",
                columns: new[] { "partner_id", "uploaded_at" });

            migrationBuilder.CreateIndex(
                name: "ix_partners_created_at_id",
                table: "partners",
                columns: new[] { "created_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_partners_email_lookup_hash",
                table: "partners",
                column: "email_lookup_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_partners_organization_name",
                table: "partners",
                column: "organization_name");

            migrationBuilder.CreateIndex(
                name: "ix_password_reset_tokens_token_hash",
                table: "password_reset_tokens",
                column: "token_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_password_reset_tokens_user_id",
                table: "password_reset_tokens",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_refresh_tokens_family_id",
                table: "refresh_tokens",
                column: "family_id");

            migrationBuilder.CreateIndex(
                name: "ix_refresh_tokens_token_hash",
                table: "refresh_tokens",
                column: "token_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_refresh_tokens_user_id_revoked_at",
                table: "refresh_tokens",
                columns: new[] { "user_id", "revoked_at" });

            migrationBuilder.CreateIndex(
                name: "ix_signing_authority_keys_is_active",
                table: "signing_authority_keys",
                column: "is_active",
                unique: true,
                filter: "is_active");

            migrationBuilder.CreateIndex(
                name: "ix_users_normalized_username",
                table: "users",
                column: "normalized_username",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_users_partner_id",
                table: "users",
                column: "partner_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_events");

            migrationBuilder.DropTable(
                name: "ca_certificates");

            migrationBuilder.DropTable(
                name: "certificate_expiry_notices");

            migrationBuilder.DropTable(
                name: "ftm_chips");

            migrationBuilder.DropTable(
                name: "generated_secrets");

            migrationBuilder.DropTable(
                name: "partner_certificates");

            migrationBuilder.DropTable(
                name: "password_reset_tokens");

            migrationBuilder.DropTable(
                name: "refresh_tokens");

            migrationBuilder.DropTable(
                name: "signing_authority_keys");

            migrationBuilder.DropTable(
                name: "users");

            migrationBuilder.DropTable(
                name: "partners");
        }
    }
}
