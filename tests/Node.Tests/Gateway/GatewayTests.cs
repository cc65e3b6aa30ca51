using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Chain.Client.Keys;
using Chain.Crypto;
using Chain.Node.Api;
using Chain.Node.Config;
using Chain.Node.Gateway;
using Chain.Proto.Bank;
using Google.Api;
using Google.Protobuf.Reflection;

namespace Chain.Node.Tests.Gateway;

/// <summary>
/// The REST gateway of a real node on loopback, spoken to as curl and browsers do (HTTP/1.1 JSON): every gRPC query
/// and BroadcastTx has a google.api.http route that answers JSON, a signed tx POSTed as JSON commits, the OpenAPI
/// document lists every route, and the event stream arrives as server-sent events within the gRPC subscription caps.
/// </summary>
public sealed class GatewayTests(GatewayTests.GatewayNode node) : IClassFixture<GatewayTests.GatewayNode>
{
    /// <summary>A gateway node whose clients may hold two event subscriptions each, so the cap is reachable.</summary>
    public sealed class GatewayNode : IAsyncLifetime
    {
        public TestNode Value { get; } = TestNode.WithGateway(change: c => c with { Grpc = c.Grpc with { MaxSubscriptionsPerClient = 2 } });

        public Task InitializeAsync() => Value.InitializeAsync();

        public Task DisposeAsync() => Value.DisposeAsync();
    }

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    /// <summary>Every gRPC service the chain defines (the generated classes with a ServiceDescriptor).</summary>
    private static IEnumerable<ServiceDescriptor> Services() =>
        typeof(Query).Assembly.GetTypes()
            .Select(t => t.GetProperty("Descriptor", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)?.GetValue(null))
            .OfType<ServiceDescriptor>()
            .OrderBy(s => s.FullName, StringComparer.Ordinal);

    /// <summary>Each route of a method: its verb and path template, the main one and any additional bindings.</summary>
    private static IEnumerable<(string Verb, string Path)> Routes(HttpRule rule) =>
        new[] { rule }.Concat(rule.AdditionalBindings).Select(r => r.PatternCase switch
        {
            HttpRule.PatternOneofCase.Get => ("GET", r.Get),
            HttpRule.PatternOneofCase.Post => ("POST", r.Post),
            _ => (r.PatternCase.ToString(), string.Empty),
        });

    [Fact]
    public async Task Every_query_and_broadcast_has_a_route_that_answers_json()
    {
        using var gateway = new GatewayClient(node.Value);
        var account = node.Value.FundedKey("routes");
        var validator = (await gateway.Get("chain/staking/v1/validators")).GetProperty("validators")[0].GetProperty("operatorAddress").GetString()!;
        var values = new Dictionary<string, string>
        {
            ["address"] = account, ["owner"] = account, ["provider"] = account, ["delegator_address"] = account,
            ["validator_address"] = validator, ["denom"] = "uchn",
            ["id"] = "1", ["lease_id"] = "1", ["round"] = "1", ["height"] = "1",
            ["tx_hash"] = Uri.EscapeDataString(Convert.ToBase64String(new byte[32])),
        };

        var methods = 0;
        var ok = 0;
        foreach (var service in Services())
        {
            foreach (var method in service.Methods)
            {
                if (method.IsServerStreaming)
                {
                    // Streams reach browsers as server-sent events instead (the next tests).
                    Assert.Equal("chain.node.v1.Events.Subscribe", method.FullName);
                    continue;
                }

                var rule = method.GetOptions()?.GetExtension(AnnotationsExtensions.Http);
                Assert.True(rule is not null, $"{method.FullName} has no google.api.http route, so the REST gateway does not serve it");
                methods++;
                foreach (var (verb, template) in Routes(rule))
                {
                    var path = Regex.Replace(template, @"\{([a-z_]+)\}", m =>
                        values.TryGetValue(m.Groups[1].Value, out var v) ? v : throw new InvalidOperationException($"{method.FullName}: no test value for {{{m.Groups[1].Value}}}"));
                    using var response = verb switch
                    {
                        "GET" => await gateway.Http.GetAsync(path.TrimStart('/')),
                        "POST" => await gateway.Http.PostAsync(path.TrimStart('/'), new StringContent("{}", Encoding.UTF8, new System.Net.Http.Headers.MediaTypeHeaderValue("application/json"))),
                        _ => throw new InvalidOperationException($"{method.FullName}: {verb} routes are not expected"),
                    };
                    var body = await response.Content.ReadAsStringAsync();
                    Assert.True(response.Content.Headers.ContentType?.MediaType == "application/json", $"{verb} {path} ({method.FullName}): {(int)response.StatusCode}, not JSON: {body}");
                    var json = JsonDocument.Parse(body).RootElement;
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        ok++;
                    }
                    else
                    {
                        // A gRPC status carried as JSON (not found, invalid argument), never an unrouted 404.
                        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{verb} {path}: {(int)response.StatusCode} {body}");
                        Assert.True(json.TryGetProperty("message", out _), $"{verb} {path}: {body}");
                    }
                }
            }
        }

        Assert.True(methods >= 43, $"only {methods} unary methods found");
        Assert.True(ok >= methods / 2, $"only {ok} of {methods} routes answered 200");
    }

    [Fact]
    public async Task A_signed_tx_posted_as_json_commits_and_is_found_by_its_hash()
    {
        using var gateway = new GatewayClient(node.Value);
        var keyring = new Keyring(new NodeHome(node.Value.Home).KeyringDirectory);
        node.Value.FundedKey("json-sender");
        var sender = keyring.GetPrivateKey("json-sender");
        var to = Address.ToBech32(PrivateKey.Generate().Address);
        var send = new MsgSend { FromAddress = Address.ToBech32(sender.Address), ToAddress = to, Amount = { new Proto.Types.Coin { Denom = "uchn", Amount = 1_234_567 } } };

        var response = await gateway.Broadcast(await gateway.Sign(sender, send));

        var result = response.GetProperty("result");
        Assert.True(result.GetProperty("code").GetInt32() == 0, result.ToString());
        Assert.True(ulong.Parse(response.GetProperty("height").GetString()!) > 0);
        var balance = await gateway.Get($"chain/bank/v1/balances/{to}?denom=uchn");
        Assert.Equal("1234567", balance.GetProperty("balance").GetProperty("amount").GetString());
        var senderBalance = await gateway.Get($"chain/bank/v1/balances/{send.FromAddress}?denom=uchn");
        Assert.Equal((TestNode.AccountFunds - 1_234_567 - GatewayClient.Fee).ToString(), senderBalance.GetProperty("balance").GetProperty("amount").GetString());

        // By hash: in the path when URL-encoded base64 allows it, and always as ?txHash=.
        var hash = response.GetProperty("txHash").GetString()!;
        var found = await gateway.Get($"chain/tx/v1/tx?txHash={Uri.EscapeDataString(hash)}");
        Assert.Equal(0, found.GetProperty("result").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task A_body_larger_than_a_tx_can_be_is_refused_and_changes_nothing()
    {
        var before = (await node.Value.StatusAsync()).MempoolSize;
        // 8 MiB: several times the largest tx the test genesis allows, in base64. The client waits for the server's
        // 100 Continue before it sends the body, so the refusal is read rather than cut off by a reset connection.
        var huge = "{\"txBytes\":\"" + new string('A', 8 * 1024 * 1024) + "\"}";
        using var http = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = Wait }) { BaseAddress = node.Value.GatewayUri, Timeout = Wait };
        using var request = new HttpRequestMessage(HttpMethod.Post, "chain/tx/v1/txs")
        {
            Content = new StringContent(huge, Encoding.UTF8, new System.Net.Http.Headers.MediaTypeHeaderValue("application/json")),
        };
        request.Headers.ExpectContinue = true;
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("too large", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, (await node.Value.StatusAsync()).MempoolSize);
    }

    [Fact]
    public async Task The_explorer_is_not_served_unless_enabled()
    {
        using var gateway = new GatewayClient(node.Value);
        using var page = await gateway.Http.GetAsync("explorer/");
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        using var script = await gateway.Http.GetAsync("explorer/explorer.js");
        Assert.Equal(HttpStatusCode.NotFound, script.StatusCode);
    }

    [Fact]
    public async Task OpenApi_document_lists_every_route()
    {
        using var gateway = new GatewayClient(node.Value);
        var document = await gateway.Get(GatewayHost.OpenApiPath.TrimStart('/'));
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var paths = document.GetProperty("paths");

        // The document names path parameters by their JSON names ({validatorAddress}); compare the shapes.
        static string Shape(string path) => Regex.Replace(path, @"\{[^}]+\}", "{}");
        var listed = paths.EnumerateObject().Select(p => (Shape(p.Name), p.Value)).ToList();
        var routes = 0;
        foreach (var method in Services().SelectMany(s => s.Methods).Where(m => !m.IsServerStreaming))
        {
            foreach (var (verb, template) in Routes(method.GetOptions().GetExtension(AnnotationsExtensions.Http)))
            {
                var entry = listed.Where(l => l.Item1 == Shape(template)).Select(l => l.Value).ToList();
                Assert.True(entry.Count == 1, $"{verb} {template} ({method.FullName}) is not in the OpenAPI document");
                Assert.True(entry[0].TryGetProperty(verb.ToLowerInvariant(), out _), $"{template} is listed without {verb}");
                routes++;
            }
        }

        Assert.Equal(routes, listed.Count);
    }

    /// <summary>
    /// A new_block stream, once the node has let go of the streams earlier tests closed (it notices a closed
    /// connection a moment later, and until then they count against the per-client cap).
    /// </summary>
    private static async Task<HttpResponseMessage> OpenStream(GatewayClient gateway, CancellationToken ct)
    {
        while (true)
        {
            var response = await gateway.Http.GetAsync($"{EventStream.Path.TrimStart('/')}?types=new_block", HttpCompletionOption.ResponseHeadersRead, ct);
            if (response.StatusCode != HttpStatusCode.TooManyRequests)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return response;
            }

            response.Dispose();
            await Task.Delay(TestNode.BlockTime, ct);
        }
    }

    [Fact]
    public async Task Event_stream_delivers_new_blocks_as_server_sent_events()
    {
        using var gateway = new GatewayClient(node.Value);
        var start = (await node.Value.StatusAsync()).LatestHeight;
        using var cancel = new CancellationTokenSource(Wait);
        using var response = await OpenStream(gateway, cancel.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));
        var heights = new List<ulong>();
        while (heights.Count < 2)
        {
            var line = await reader.ReadLineAsync(cancel.Token);
            Assert.NotNull(line); // the stream must stay open
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                var message = JsonDocument.Parse(line["data: ".Length..]).RootElement;
                Assert.Equal("new_block", message.GetProperty("event").GetProperty("type").GetString());
                heights.Add(ulong.Parse(message.GetProperty("height").GetString()!));
            }
        }

        Assert.True(heights[0] > start, $"the first block streamed is {heights[0]}, not one committed after {start}");
        Assert.Equal(heights[0] + 1, heights[1]);
    }

    [Fact]
    public async Task Event_stream_keeps_the_per_client_subscription_cap_and_refuses_bad_filters()
    {
        using var gateway = new GatewayClient(node.Value);
        var path = $"{EventStream.Path.TrimStart('/')}?types=new_block";
        using var cancel = new CancellationTokenSource(Wait);
        using var first = await OpenStream(gateway, cancel.Token);
        using var second = await OpenStream(gateway, cancel.Token);

        using var third = await gateway.Http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Contains("grpc.max_subscriptions_per_client", await third.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var tooMany = string.Join(',', Enumerable.Range(0, EventsApi.MaxEventTypes + 1).Select(i => $"t{i}"));
        first.Dispose();
        second.Dispose();
        using var bad = await gateway.Http.GetAsync($"{EventStream.Path.TrimStart('/')}?types={tooMany}");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains($"more than {EventsApi.MaxEventTypes} event types", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
