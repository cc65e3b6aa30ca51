using Chain.Modules.Market.Matching;
using Chain.Proto.Market;

namespace Chain.Agents.Tenant;

/// <summary>
/// One [[order]] table of tenant.toml: a kind of lease the tenant wants <see cref="Leases"/> of. Orders the agent
/// posts for it carry exactly these resources and price, which is how the agent recognises its orders and leases of
/// this kind on chain after a restart.
/// </summary>
/// <param name="Index">1-based position of the table in the file (the metrics' and logs' name for the kind).</param>
/// <param name="Gpus">`gpus`: GPUs per lease (1 to 1,024; default 1).</param>
/// <param name="GpuModel">`gpu_model`: "vendor/model", either part may use '*', or "*" for any (default "*").</param>
/// <param name="MinVramGi">`min_vram_gi`: least memory per GPU in GiB (default 0: any).</param>
/// <param name="CpuMillicores">`cpu_millicores`: least CPU of the provider in millicores (default 0).</param>
/// <param name="MemoryMib">`memory_mib`: least memory of the provider in MiB (default 0).</param>
/// <param name="Region">`region`: the provider's region, or "" for any (default "").</param>
/// <param name="MaxPrice">`max_price`: the most uchn per block the tenant pays (required).</param>
/// <param name="Deposit">`deposit`: the order's first escrow deposit (required; the chain's min_order_deposit or more).</param>
/// <param name="BiddingWindow">`bidding_window`: blocks the order takes bids before the cheapest wins (default 20).</param>
/// <param name="Leases">`leases`: how many active leases of this kind to keep (default 1).</param>
public sealed record TenantOrder(
    int Index,
    uint Gpus,
    string GpuModel,
    uint MinVramGi,
    ulong CpuMillicores,
    ulong MemoryMib,
    string Region,
    ulong MaxPrice,
    ulong Deposit,
    ulong BiddingWindow,
    uint Leases)
{
    /// <summary>A short name for logs: "#1 (2 x nvidia/h100)".</summary>
    public string Name => $"#{Index} ({Gpus} x {GpuModel})";

    public Resources Resources() => new()
    {
        GpuCount = Gpus,
        GpuModel = GpuModel,
        MinVramGi = MinVramGi,
        CpuMillicores = CpuMillicores,
        MemoryMib = MemoryMib,
        Region = Region,
    };

    public MsgCreateOrder Message(string owner) => new()
    {
        Owner = owner,
        Resources = Resources(),
        MaxPricePerBlock = MaxPrice,
        BiddingWindowBlocks = BiddingWindow,
        Deposit = Deposit,
    };

    /// <summary>Whether <paramref name="order"/> is of this kind: the same resources and maximum price.</summary>
    public bool Matches(Order order) => order.Resources is not null && order.Resources.Equals(Resources()) && order.MaxPricePerBlock == MaxPrice;

    internal static TenantOrder Read(TomlSettings toml, int index, ulong budget)
    {
        var gpus = (uint)toml.UInt("gpus", 1, 1, 1024);
        var model = toml.String("gpu_model", "*");
        var shape = ProviderAttributes.ValidateResources(new Resources { GpuCount = 1, GpuModel = model });
        if (!shape.IsOk)
        {
            throw toml.Bad("gpu_model", $"\"{model}\" must be \"vendor/model\" (either part may use '*') or \"*\"");
        }

        var vram = (uint)toml.UInt("min_vram_gi", 0, 0, uint.MaxValue);
        var cpu = toml.UInt("cpu_millicores", 0);
        var memory = toml.UInt("memory_mib", 0);
        var region = toml.String("region", string.Empty);
        if (region.Length != 0 && !ProviderAttributes.IsRegion(region))
        {
            throw toml.Bad("region", $"\"{region}\" must be empty (any region) or lower-case letters, digits and '-'");
        }

        var maxPrice = Required(toml, "max_price", "the most uchn per block this kind of lease may cost, e.g. \"100000uchn\"");
        var deposit = Required(toml, "deposit", "the escrow deposit each order opens with, e.g. \"5chn\"");
        if (deposit > budget)
        {
            throw toml.Bad("deposit", $"{deposit}uchn is more than the whole budget ({budget}uchn): no order could ever be posted");
        }

        var window = toml.UInt("bidding_window", 20, 1);
        var leases = (uint)toml.UInt("leases", 1, 1, 1000);
        toml.CheckNoUnknownKeys();
        return new TenantOrder(index, gpus, model, vram, cpu, memory, region, maxPrice, deposit, window, leases);
    }

    private static ulong Required(TomlSettings toml, string key, string what) =>
        toml.String(key, string.Empty).Length == 0 ? throw toml.Bad(key, "required: " + what) : TenantConfig.Positive(toml, key, string.Empty);
}
