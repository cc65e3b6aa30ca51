namespace Chain.Agents.Tenant;

/// <summary>
/// tenant.toml, the tenant agent's config (docs/tenant.md): the shared agent keys (<see cref="AgentSettings"/>: node,
/// home, key, fee, gas, poll_interval, metrics_address), the spending limits, one [[order]] table per kind of lease to
/// keep, and an optional [tenant_data] section. Unknown keys and bad values stop the agent with a message naming the key.
/// </summary>
/// <param name="Agent">The keys every agent shares. `home` defaults to the chaind home the command runs with.</param>
/// <param name="Budget">
/// `budget`: uchn the agent may put into escrow in total, order deposits and top-ups together (default "1000chn").
/// Spent is what its escrow accounts were deposited less what they refunded, so an order that found no provider
/// costs nothing.
/// </param>
/// <param name="RunwayBlocks">`runway_blocks`: a lease is topped up when its escrow would run out within this many blocks (default 100).</param>
/// <param name="TopUp">`top_up`: uchn added per top-up, or what is left of the budget when less (default "10chn").</param>
/// <param name="Orders">The [[order]] tables: at least one.</param>
/// <param name="TenantData">The [tenant_data] section; null when it names no files.</param>
public sealed record TenantConfig(
    AgentSettings Agent,
    ulong Budget,
    ulong RunwayBlocks,
    ulong TopUp,
    IReadOnlyList<TenantOrder> Orders,
    TenantDataFiles? TenantData)
{
    public const string DefaultBudget = "1000chn";
    public const ulong DefaultRunwayBlocks = 100;
    public const string DefaultTopUp = "10chn";

    /// <summary>Reads and checks <paramref name="path"/>; <paramref name="defaultHome"/> is the home when the file names none.</summary>
    public static TenantConfig Load(string path, string defaultHome) =>
        Parse(ReadText(path), Path.GetFileName(path), Path.GetDirectoryName(Path.GetFullPath(path))!, defaultHome);

    /// <summary>
    /// Reads a config from <paramref name="text"/>; <paramref name="source"/> names it in errors, relative matrix paths are
    /// resolved against <paramref name="baseDirectory"/>, and <paramref name="defaultHome"/> is the home when no `home` key is given.
    /// </summary>
    public static TenantConfig Parse(string text, string source, string baseDirectory, string defaultHome)
    {
        var toml = TomlSettings.Parse(text, source);
        var homeGiven = toml.String("home", string.Empty).Length != 0;
        var agent = AgentSettings.Read(toml);
        if (!homeGiven)
        {
            agent = agent with { Home = defaultHome };
        }

        var budget = Positive(toml, "budget", DefaultBudget);
        var runway = toml.UInt("runway_blocks", DefaultRunwayBlocks, 1);
        var topUp = Positive(toml, "top_up", DefaultTopUp);
        var tables = toml.Tables("order");
        if (tables.Count == 0)
        {
            throw toml.Bad("order", "at least one [[order]] table is required: the kind of lease to keep (max_price and deposit at least)");
        }

        var orders = new List<TenantOrder>();
        for (var i = 0; i < tables.Count; i++)
        {
            var order = TenantOrder.Read(tables[i], i + 1, budget);
            var same = orders.FirstOrDefault(o => o.Resources().Equals(order.Resources()) && o.MaxPrice == order.MaxPrice);
            if (same is not null)
            {
                throw toml.Bad("order", $"[[order]] #{order.Index} asks for the same resources and max_price as #{same.Index}: merge them (leases = {same.Leases + order.Leases})");
            }

            orders.Add(order);
        }

        var data = TenantDataFiles.Read(toml.Section("tenant_data"), baseDirectory);
        toml.CheckNoUnknownKeys();
        return new TenantConfig(agent, budget, runway, topUp, orders, data);
    }

    /// <summary>An amount above 0 (the shared reader may take "0" for keys where nothing is a choice; here it never is).</summary>
    internal static ulong Positive(TomlSettings toml, string key, string fallback)
    {
        var amount = toml.Uchn(key, fallback);
        return amount > 0 ? amount : throw toml.Bad(key, "must be above 0");
    }

    private static string ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AgentConfigException($"{path}: cannot read the config file: {e.Message}");
        }
    }
}
