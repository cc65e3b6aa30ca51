using Chain.Modules.Market.Matching;

namespace Chain.Agents.Provider;

/// <summary>
/// provider.toml (docs/provider.md has every key). The key signing for the provider comes from the keyring under
/// `home`; the config only names it.
/// </summary>
/// <param name="Agent">node, home, key, fee, gas, poll_interval, metrics_address.</param>
/// <param name="Device">Where receipts are computed: auto (a CUDA GPU if found, else the CPU), cpu, ilgpu, ilgpu-cpu, cuda.</param>
/// <param name="Gpus">GPUs this machine leases out; the agent bids only for what still fits, and closes leases beyond it.</param>
/// <param name="HostUri">Registration: where tenants reach the provider (used when the key is not yet a provider).</param>
/// <param name="Region">Registration: the region.</param>
/// <param name="Attributes">Registration: attributes such as gpu/vendor/nvidia/model/h100/ram/80Gi.</param>
/// <param name="WorkBond">The work bond the agent keeps (it deposits the difference when below, until the first slash).</param>
/// <param name="MaxOpenBids">Open bids at most.</param>
/// <param name="BidDepositBudget">uchn that open bids may hold in deposits at most.</param>
/// <param name="UndercutStep">uchn per block below the lowest competing bid.</param>
/// <param name="WithdrawEvery">Blocks between withdrawals of each lease's earnings.</param>
/// <param name="FloorPrices">uchn per GPU per block by "vendor/model", and "default".</param>
/// <param name="TenantDataDirectory">Where tenants' matrices for tenant-data rounds are put: LEASE.a.bin and LEASE.b.bin.</param>
/// <param name="FakeFraction">Testing only: the share of tiles the agent fakes (to show that the chain catches it).</param>
public sealed record ProviderConfig(
    AgentSettings Agent,
    string Device,
    uint Gpus,
    string HostUri,
    string Region,
    IReadOnlyList<string> Attributes,
    ulong WorkBond,
    uint MaxOpenBids,
    ulong BidDepositBudget,
    ulong UndercutStep,
    ulong WithdrawEvery,
    IReadOnlyDictionary<string, ulong> FloorPrices,
    string TenantDataDirectory,
    double FakeFraction)
{
    public static ProviderConfig Load(string path) => Read(TomlSettings.Load(path));

    public static ProviderConfig Read(TomlSettings toml)
    {
        var agent = AgentSettings.Read(toml);
        var device = toml.String("device", "auto");
        if (!Chain.Work.Prover.ProverFactory.Devices.Contains(device))
        {
            throw toml.Bad("device", $"\"{device}\" is not one of {string.Join(", ", Chain.Work.Prover.ProverFactory.Devices)}");
        }

        var attributes = toml.Strings("attributes");
        var hostUri = toml.String("host_uri", string.Empty);
        var region = toml.String("region", string.Empty);
        if (hostUri.Length > 0 || attributes.Count > 0)
        {
            var valid = ProviderAttributes.ValidateProvider(hostUri, region, attributes);
            if (!valid.IsOk)
            {
                throw toml.Bad("host_uri/region/attributes", valid.Log);
            }
        }

        var floors = toml.Map("floor_price", (key, text) =>
        {
            try
            {
                return Chain.Client.Cli.ClientInput.Uchn(text, key);
            }
            catch (Chain.Client.Cli.CliException e)
            {
                throw toml.Bad(key, e.Message);
            }
        });
        var testing = toml.Section("testing");
        var fake = testing.Fraction("fake_fraction", 0);
        testing.CheckNoUnknownKeys();
        var config = new ProviderConfig(
            agent,
            device,
            (uint)toml.UInt("gpus", 1, 1, 1_024),
            hostUri,
            region,
            attributes,
            toml.Uchn("work_bond", "0uchn"),
            (uint)toml.UInt("max_open_bids", 4, 1, 100),
            toml.Uchn("bid_deposit_budget", "100chn"),
            toml.Uchn("undercut_step", "1uchn"),
            toml.UInt("withdraw_every", 100, 1),
            floors,
            toml.String("tenant_data_dir", Path.Combine(agent.Home, "tenant-data")),
            fake);
        toml.CheckNoUnknownKeys();
        return config;
    }

    /// <summary>The floor for <paramref name="gpus"/> GPUs of <paramref name="model"/> ("vendor/model"): its per-GPU floor (or "default", or 0) times the count.</summary>
    public ulong Floor(string model, uint gpus)
    {
        var perGpu = FloorPrices.TryGetValue(model, out var f) ? f : FloorPrices.TryGetValue("default", out var d) ? d : 0;
        return (ulong)UInt128.Min((UInt128)perGpu * Math.Max(1u, gpus), ulong.MaxValue);
    }
}
