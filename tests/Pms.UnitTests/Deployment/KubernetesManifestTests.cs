using Pms.Testing;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Pms.UnitTests.Deployment;

/// <summary>
/// deploy/kubernetes is never applied to a cluster here, so these checks stand in for one: every document parses,
/// has a known kind, probes the health endpoints on the port that serves them, exposes the endpoints Pms.Grpc listens
/// on, and takes every secret from a Secret reference rather than a literal.
/// </summary>
public sealed partial class KubernetesManifestTests
{
    private static readonly string Directory = Path.Combine(RepositoryPaths.Root, "deploy", "kubernetes");

    private static readonly HashSet<string> KnownKinds = ["Kustomization", "Namespace", "ConfigMap", "Deployment", "Service", "PodDisruptionBudget"];

    [Fact]
    public void EveryDocumentParsesAndHasAKnownKindAndName()
    {
        var documents = Documents().ToList();

        Assert.NotEmpty(documents);
        Assert.All(documents, d =>
        {
            Assert.Contains(Text(d.Root, "kind"), KnownKinds);
            Assert.False(string.IsNullOrEmpty(Text(d.Root, "apiVersion")), $"{d.File}: no apiVersion");
            if (Text(d.Root, "kind") != "Kustomization")
            {
                Assert.False(string.IsNullOrEmpty(Text(d.Root, "metadata", "name")), $"{d.File}: no metadata.name");
            }
        });
        Assert.Equal(["pms-grpc", "pms-web"], OfKind("Deployment").Select(d => Text(d, "metadata", "name")).Order());
    }

    [Fact]
    public void TheKustomizationListsEveryManifestFile()
    {
        var kustomization = Assert.Single(OfKind("Kustomization"));
        var listed = Sequence(kustomization, "resources").Select(r => ((YamlScalarNode)r).Value!).Order();
        var files = System.IO.Directory.GetFiles(Directory, "*.yaml").Select(f => Path.GetFileName(f)).Where(f => f != "kustomization.yaml").Order();
        Assert.Equal(files, listed);
    }

    [Theory]
    [InlineData("pms-grpc")]
    [InlineData("pms-web")]
    public void LivenessProbesAliveAndReadinessProbesHealthOnTheHttpPort(string deployment)
    {
        var container = Container(deployment);
        Assert.Equal("/alive", Text(container, "livenessProbe", "httpGet", "path"));
        Assert.Equal("/health", Text(container, "readinessProbe", "httpGet", "path"));
        Assert.Equal("http", Text(container, "livenessProbe", "httpGet", "port"));
        Assert.Equal("http", Text(container, "readinessProbe", "httpGet", "port"));
        Assert.Contains("http", ContainerPorts(container).Keys);
    }

    [Fact]
    public void PmsGrpcExposesExactlyTheKestrelEndpointsItListensOnWithTheirProtocols()
    {
        // Pms.Grpc's own configuration names its endpoints and their protocols (http: HTTP/1.1, grpc: HTTP/2).
        using var appsettings = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "Pms.Grpc", "appsettings.json")));
        var endpoints = appsettings.RootElement.GetProperty("Kestrel").GetProperty("Endpoints").EnumerateObject()
            .ToDictionary(e => e.Name, e => e.Value.GetProperty("Protocols").GetString());
        var config = ConfigMapData("pms-config");
        var ports = ContainerPorts(Container("pms-grpc"));

        Assert.Equal(endpoints.Keys.Order(), ports.Keys.Order());
        foreach (var (name, protocols) in endpoints)
        {
            var url = config[$"Kestrel__Endpoints__{name}__Url"];
            Assert.Equal(ports[name], new Uri(url.Replace("+", "0.0.0.0", StringComparison.Ordinal)).Port);
            Assert.Equal(protocols, config[$"Kestrel__Endpoints__{name}__Protocols"]);
        }
    }

    [Fact]
    public void ServicesTargetPortsTheirPodsHaveAndPmsWebFindsPmsGrpcsHttpPort()
    {
        foreach (var service in OfKind("Service"))
        {
            var selected = Text(service, "spec", "selector", "app.kubernetes.io/name");
            var ports = ContainerPorts(Container(selected));
            foreach (var port in Sequence(service, "spec", "ports").Cast<YamlMappingNode>())
            {
                Assert.Contains(Text(port, "targetPort"), ports.Keys);
            }
        }

        // YARP's service discovery entry names the pms-grpc Service and its HTTP/1.1 (gRPC-Web) port.
        var grpcService = OfKind("Service").Single(s => Text(s, "metadata", "name") == "pms-grpc");
        var httpPort = Sequence(grpcService, "spec", "ports").Cast<YamlMappingNode>().Single(p => Text(p, "name") == "http");
        Assert.Equal($"http://pms-grpc:{Text(httpPort, "port")}", ConfigMapData("pms-web-config")["services__pms-grpc__http__0"]);
    }

    [Fact]
    public void NoSecretValueIsWrittenInTheManifests()
    {
        Assert.Empty(OfKind("Secret"));
        Assert.All(OfKind("Kustomization"), k => Assert.False(k.Children.ContainsKey("secretGenerator"), "a secretGenerator would carry values"));

        foreach (var configMap in OfKind("ConfigMap"))
        {
            Assert.All(Mapping(configMap, "data").Children.Keys.Select(k => ((YamlScalarNode)k).Value!),
                key => Assert.False(SecretName().IsMatch(key), $"ConfigMap {Text(configMap, "metadata", "name")} holds {key}"));
        }

        var secretEnv = 0;
        foreach (var deployment in OfKind("Deployment"))
        {
            var container = Container(Text(deployment, "metadata", "name"));
            var env = container.Children.TryGetValue("env", out var node) ? ((YamlSequenceNode)node).Cast<YamlMappingNode>() : [];
            foreach (var variable in env.Where(v => SecretName().IsMatch(Text(v, "name"))))
            {
                Assert.False(variable.Children.ContainsKey("value"), $"{Text(variable, "name")} has a literal value");
                Assert.Equal("pms-secrets", Text(variable, "valueFrom", "secretKeyRef", "name"));
                secretEnv++;
            }
        }
        Assert.Equal(6, secretEnv); // database and mail connection strings, admin password, JWT key, master key, retired master key
    }

    [GeneratedRegex("password|secret|signingkey|masterkey|connectionstrings", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    private sealed record Document(string File, YamlMappingNode Root);

    private static IEnumerable<Document> Documents()
    {
        foreach (var file in System.IO.Directory.GetFiles(Directory, "*.yaml").Order())
        {
            var stream = new YamlStream();
            using (var reader = new StreamReader(file))
            {
                stream.Load(reader);
            }
            foreach (var document in stream.Documents)
            {
                yield return new Document(Path.GetFileName(file), Assert.IsType<YamlMappingNode>(document.RootNode));
            }
        }
    }

    private static IEnumerable<YamlMappingNode> OfKind(string kind) => Documents().Select(d => d.Root).Where(r => Text(r, "kind") == kind);

    private static YamlMappingNode Container(string deployment)
    {
        var found = OfKind("Deployment").Single(d => Text(d, "metadata", "name") == deployment);
        return Assert.IsType<YamlMappingNode>(Assert.Single(Sequence(found, "spec", "template", "spec", "containers")));
    }

    private static Dictionary<string, int> ContainerPorts(YamlMappingNode container) =>
        Sequence(container, "ports").Cast<YamlMappingNode>().ToDictionary(p => Text(p, "name"), p => int.Parse(Text(p, "containerPort"), System.Globalization.CultureInfo.InvariantCulture));

    private static Dictionary<string, string> ConfigMapData(string name) =>
        Mapping(OfKind("ConfigMap").Single(c => Text(c, "metadata", "name") == name), "data").Children
            .ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => ((YamlScalarNode)p.Value).Value!);

    private static YamlNode Node(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            var mapping = Assert.IsType<YamlMappingNode>(node);
            Assert.True(mapping.Children.TryGetValue(key, out var child), $"no '{key}' in {string.Join('.', path)}");
            node = child;
        }
        return node;
    }

    private static string Text(YamlNode node, params string[] path) => ((YamlScalarNode)Node(node, path)).Value ?? "";

    private static YamlMappingNode Mapping(YamlNode node, params string[] path) => (YamlMappingNode)Node(node, path);

    private static YamlSequenceNode Sequence(YamlNode node, params string[] path) => (YamlSequenceNode)Node(node, path);
}
