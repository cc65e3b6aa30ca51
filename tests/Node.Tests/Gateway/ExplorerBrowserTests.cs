using System.Text.RegularExpressions;
using Chain.Client.Keys;
using Chain.Crypto;
using Chain.Node.Config;
using Chain.Proto.Market;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Chain.Node.Tests.Gateway;

/// <summary>
/// The explorer page in a real headless browser (Debian's chromium, driven by Playwright) against a real node: a
/// provider registers and bonds, a tenant orders two H100s, the provider bids and the tenant accepts, all as JSON
/// through the gateway; then the page must show the chain moving, the lease with its escrow runway, the validator,
/// the H100 price and drawn charts. A full-page screenshot is saved (EXPLORER_SCREENSHOT, or a temp file) and its
/// path printed.
/// </summary>
public sealed class ExplorerBrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Where Debian's chromium package puts the browser (scripts/ensure-deps.sh installs it).</summary>
    public const string Chromium = "/usr/bin/chromium";

    private const float Timeout = 60_000;
    private const ulong PricePerBlock = 55_000;
    private const ulong Deposit = 50_000_000;

    private readonly TestNode _node = TestNode.WithGateway(explorer: true);

    public Task InitializeAsync() => _node.InitializeAsync();

    public Task DisposeAsync() => _node.DisposeAsync();

    private PrivateKey Key(string name)
    {
        _node.FundedKey(name);
        return new Keyring(new NodeHome(_node.Home).KeyringDirectory).GetPrivateKey(name);
    }

    [Fact]
    public async Task Explorer_shows_the_chain_moving_a_lease_with_its_runway_validators_prices_and_charts()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: run scripts/ensure-deps.sh (it installs Debian's chromium)");

        // A lease, made through the gateway as a browser wallet would.
        using var gateway = new GatewayClient(_node);
        var provider = Key("explorer-provider");
        var tenant = Key("explorer-tenant");
        var (providerAddress, tenantAddress) = (Address.ToBech32(provider.Address), Address.ToBech32(tenant.Address));
        var create = new MsgCreateProvider { Owner = providerAddress, HostUri = "https://gpu.example.com:8443", Region = "eu-west" };
        create.Attributes.AddRange(["gpu/vendor/nvidia/model/h100/ram/80Gi", "gpu/count/8", "cpu/millicores/64000", "memory/mib/524288"]);
        await gateway.Commit(provider, create);
        await gateway.Commit(provider, new Proto.Work.MsgDepositWorkBond { Provider = providerAddress, Amount = TestNode.WorkBondPerLease });
        var resources = new Resources { GpuCount = 2, GpuModel = "nvidia/h100", MinVramGi = 80, CpuMillicores = 32_000, MemoryMib = 262_144 };
        await gateway.Commit(tenant, new MsgCreateOrder { Owner = tenantAddress, Resources = resources, MaxPricePerBlock = 100_000, BiddingWindowBlocks = 1_000, Deposit = Deposit });
        var orderId = ulong.Parse((await gateway.Get($"chain/market/v1/orders?owner={tenantAddress}")).GetProperty("orders")[0].GetProperty("id").GetString()!);
        await gateway.Commit(provider, new MsgCreateBid { Provider = providerAddress, OrderId = orderId, PricePerBlock = PricePerBlock });
        var bidId = ulong.Parse((await gateway.Get($"chain/market/v1/bids?orderId={orderId}")).GetProperty("bids")[0].GetProperty("id").GetString()!);
        await gateway.Commit(tenant, new MsgCreateLease { Tenant = tenantAddress, BidId = bidId });
        var leaseId = (await gateway.Get($"chain/market/v1/leases?owner={tenantAddress}")).GetProperty("leases")[0].GetProperty("id").GetString()!;

        // The page and its bundle are served by the node; /explorer sends browsers to /explorer/.
        using (var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = _node.GatewayUri })
        {
            using var redirect = await http.GetAsync("explorer");
            Assert.Equal((System.Net.HttpStatusCode.Redirect, "/explorer/"), (redirect.StatusCode, redirect.Headers.Location?.ToString()));
            using var bundle = await http.GetAsync("explorer/explorer.js");
            Assert.Equal(System.Net.HttpStatusCode.OK, bundle.StatusCode);
            Assert.Equal("text/javascript", bundle.Content.Headers.ContentType?.MediaType);
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1500, Height = 1200 } });
        page.SetDefaultTimeout(Timeout);
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(new Uri(_node.GatewayUri, "explorer/").ToString());

        // The height shown advances as blocks arrive on the event stream.
        await page.WaitForFunctionAsync("() => /^\\d+$/.test(document.getElementById('height').textContent)");
        var first = ulong.Parse(await page.TextContentAsync("#height") ?? "0");
        await page.WaitForFunctionAsync($"() => Number(document.getElementById('height').textContent) >= {first + 2}");
        Assert.Equal("live", await page.TextContentAsync("#live"));

        // The lease, its escrow and its runway: the balance pays whole blocks at its price.
        var lease = page.Locator($"#leases tr[data-lease-id='{leaseId}']");
        await lease.Locator("td.runway").Filter(new LocatorFilterOptions { HasTextRegex = new Regex(@"^\d[\d,]* blocks") }).WaitForAsync();
        var runwayBlocks = ulong.Parse(Regex.Match(await lease.Locator("td.runway").TextContentAsync() ?? string.Empty, @"^[\d,]+").Value.Replace(",", string.Empty));
        Assert.InRange(runwayBlocks, 1UL, Deposit / PricePerBlock);
        Assert.EndsWith("CHN", await lease.Locator("td.escrow").TextContentAsync());
        Assert.Contains("nvidia/h100", await lease.TextContentAsync());

        // The validator with its uptime from the chain's signing window; the H100 price per GPU; the provider.
        var validator = page.Locator("#validators tr[data-validator]");
        await validator.First.Locator("td.uptime").Filter(new LocatorFilterOptions { HasTextRegex = new Regex(@"^\d+(\.\d)?%$") }).WaitForAsync();
        Assert.Equal(1, await validator.CountAsync());
        Assert.Contains("test-node", await validator.First.TextContentAsync());
        var price = page.Locator("#prices tr[data-model='nvidia/h100']");
        await price.WaitForAsync();
        Assert.Contains((PricePerBlock / 2).ToString("N0", System.Globalization.CultureInfo.InvariantCulture), await price.TextContentAsync());
        await page.Locator($"#providers tr[data-provider='{providerAddress}']").WaitForAsync();

        // Charts: the block-interval canvas has pixels drawn, and the price chart has a series for the H100.
        await page.WaitForFunctionAsync(@"() => {
            const canvas = document.querySelector('#chart-interval canvas');
            if (!canvas || canvas.width === 0) return false;
            const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
            return false;
        }");
        await page.Locator("#chart-price").GetByText("nvidia/h100").First.WaitForAsync();

        var screenshot = Environment.GetEnvironmentVariable("EXPLORER_SCREENSHOT") is { Length: > 0 } path
            ? Path.GetFullPath(path)
            : Path.Combine(Path.GetTempPath(), $"chain-explorer-{Environment.ProcessId}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        output.WriteLine($"explorer screenshot: {screenshot}");
        Assert.True(new FileInfo(screenshot).Length > 10_000, "the screenshot is (nearly) empty");
        Assert.Empty(errors);
    }
}
