using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using Mosip.Pms.V1;
using Pms.IntegrationTests.Infrastructure;

namespace Pms.IntegrationTests.Edge;

/// <summary>
/// Pms.Grpc's port also receives plain HTTP (REST calls, browsers, scanners, probes on a wrong path). Those get HTTP
/// answers (404 where nothing is mapped, 401 with the JSON status elsewhere); only gRPC and gRPC-Web calls get gRPC
/// statuses. Before issue 10's last part, every unauthenticated request got HTTP 200 with grpc-status 16.
/// </summary>
public sealed class PlainHttpTests(EdgeFactory pms) : IClassFixture<EdgeFactory>
{
    [Fact]
    public async Task AnUnknownPathAnswers404()
    {
        using var response = await SendAsync(HttpMethod.Get, "/no-such-page", contentType: null);

        await AssertPlainAsync(response, HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("GET", "/v1/partners", null)]
    [InlineData("POST", "/mosip.pms.v1.PartnerService/ListPartners", "application/json")]
    public async Task ARequestWithoutATokenToAProtectedPathAnswers401WithABearerChallengeAndTheJsonStatus(string method, string path,
        string? contentType)
    {
        using var response = await SendAsync(new HttpMethod(method), path, contentType);

        var body = await AssertPlainAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        Assert.Contains("AUTHENTICATION_REQUIRED", body);
    }

    [Fact]
    public async Task GrpcAndGrpcWebCallsWithoutATokenStillGetUnauthenticated()
    {
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, "AUTHENTICATION_REQUIRED", () =>
            new PartnerService.PartnerServiceClient(pms.Channel).ListPartnersAsync(new ListPartnersRequest()).ResponseAsync);

        foreach (var grpcWeb in new[] { "application/grpc-web", "application/grpc-web+proto", "application/grpc-web-text" })
        {
            using var response = await SendAsync(HttpMethod.Post, "/mosip.pms.v1.PartnerService/ListPartners", grpcWeb,
                grpcWeb.EndsWith("text") ? "AAAAAAA="u8.ToArray() : new byte[5]);
            var headers = response.Headers.ToString();
            Assert.True(response.StatusCode == HttpStatusCode.OK && response.Headers.TryGetValues("grpc-status", out var status)
                && status.Single() == "16", $"{grpcWeb}: HTTP {(int)response.StatusCode}\n{headers}");
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? contentType, byte[]? body = null)
    {
        // The test server speaks HTTP/2 without TLS (prior knowledge), as Pms.Grpc's gRPC endpoint does.
        using var client = new HttpClient { BaseAddress = pms.SocketAddress };
        var request = new HttpRequestMessage(method, path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (contentType is not null)
        {
            request.Content = new ByteArrayContent(body ?? "{}"u8.ToArray());
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        return await client.SendAsync(request);
    }

    private static async Task<string> AssertPlainAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        var what = $"HTTP {(int)response.StatusCode}\n{response.Headers}{response.Content.Headers}\n{body}";
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {what}");
        Assert.False(response.Headers.Contains("grpc-status"), $"a plain HTTP request got a gRPC answer: {what}");
        Assert.False(response.Content.Headers.ContentType?.MediaType?.StartsWith("application/grpc") == true, what);
        return body;
    }
}
