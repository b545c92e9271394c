using Microsoft.OpenApi.Any;
using Microsoft.OpenApi.Models;
using Swashbuckle.AspNetCore.SwaggerGen;
using V1 = Mosip.Pms.V1;

namespace Pms.Grpc.FtmChips;

/// <summary>
/// Describes the watch over server-sent events (<see cref="FtmChipWatchOverHttp"/>) in the OpenAPI document. It is a
/// hand-written endpoint that reads its own query string, so nothing generates its description: this filter writes it,
/// beside the transcoded RPCs, under the same tag and with the same error schema.
/// </summary>
public sealed class FtmChipWatchOverHttpDocument : IDocumentFilter
{
    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(context);
        var status = context.SchemaGenerator.GenerateSchema(typeof(Google.Rpc.Status), context.SchemaRepository);
        var statusNames = V1.WatchFtmChipsRequest.Descriptor.FindFieldByNumber(V1.WatchFtmChipsRequest.StatusFieldNumber).EnumType.Values
            .Where(v => v.Number != 0)
            .Select(v => (IOpenApiAny)new OpenApiString(v.Name))
            .ToList();

        document.Paths[FtmChipWatchOverHttp.Path] = new OpenApiPathItem
        {
            Operations =
            {
                [OperationType.Get] = new OpenApiOperation
                {
                    OperationId = "WatchFtmChipsOverHttp",
                    Tags = [new OpenApiTag { Name = "FtmChipService" }],
                    Summary = "Follow chip changes as server-sent events (WatchFtmChips over plain HTTP).",
                    Description = "One `message` event per change (its `id` is the audit event's id, its `data` an FtmChipEvent as JSON), " +
                        "a `: heartbeat` comment every 15 s, and a last `end` event whose data is the google.rpc.Status saying why the " +
                        "server ended the stream (SESSION_REVOKED, TOKEN_EXPIRED, WATCH_TOO_SLOW, EVENT_STREAM_INTERRUPTED, " +
                        "SERVER_SHUTTING_DOWN). A provider sees its own chips; admins and internal services every chip. No resume: " +
                        "Last-Event-ID is ignored, so call GET /v1/ftm-chips after reconnecting. At most 8 open watches per user on " +
                        "one replica, gRPC and HTTP together.",
                    Parameters =
                    [
                        new OpenApiParameter
                        {
                            Name = "partnerId",
                            In = ParameterLocation.Query,
                            Description = "Only this partner's chips (a partner id, a UUID).",
                            Schema = new OpenApiSchema { Type = "string", Format = "uuid" },
                        },
                        new OpenApiParameter
                        {
                            Name = "status",
                            In = ParameterLocation.Query,
                            Description = "Only changes that leave a chip in this status (its name or number).",
                            Schema = new OpenApiSchema { Type = "string", Enum = statusNames },
                        },
                    ],
                    Responses = new OpenApiResponses
                    {
                        ["200"] = new OpenApiResponse
                        {
                            Description = "The stream: headers and a `: watching` comment as soon as the watch listens, then events.",
                            Content = { ["text/event-stream"] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = "string" } } },
                        },
                        ["400"] = Refusal("A bad partnerId or status (VALIDATION_FAILED, naming the field).", status),
                        ["401"] = Refusal("No valid access token (AUTHENTICATION_REQUIRED).", status),
                        ["403"] = Refusal("A caller that may not read chips, or a provider without consent or deactivated.", status),
                        ["429"] = Refusal("Too many open watches for this user (TOO_MANY_WATCHES), or the server is busy.", status),
                    },
                },
            },
        };
    }

    private static OpenApiResponse Refusal(string description, OpenApiSchema status) => new()
    {
        Description = description,
        Content = { ["application/json"] = new OpenApiMediaType { Schema = status } },
    };
}
