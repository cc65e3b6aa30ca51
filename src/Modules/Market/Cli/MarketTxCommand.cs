using System.CommandLine;
using Chain.Client.Cli;
using Chain.Proto.Market;
using Google.Protobuf;

namespace Chain.Modules.Market.Cli;

/// <summary>
/// `chaind tx market ...`: provider registration, orders, bids, leases and escrow. The first argument is always
/// the keyring key that signs (the provider or the tenant); amounts are uchn ("1500uchn" or "1.5chn").
/// </summary>
internal sealed class MarketTxCommand(CliContext context)
{
    /// <summary>Market txs touch more records than a transfer (accepting a bid refunds every other bid).</summary>
    private const ulong DefaultGas = 1_000_000;
    private const string DefaultFees = "10000uchn";

    public Command Build()
    {
        var market = new Command(MarketModule.ModuleName, "Compute market transactions: providers, orders, bids, leases, escrow");
        market.Add(ProviderCommand("create-provider", "Register the key as a provider (pays the provider bond)", (owner, uri, region, attrs) =>
        {
            var m = new MsgCreateProvider { Owner = owner, HostUri = uri, Region = region };
            m.Attributes.AddRange(attrs);
            return m;
        }));
        market.Add(ProviderCommand("update-provider", "Replace the provider's host URI, region and attributes", (owner, uri, region, attrs) =>
        {
            var m = new MsgUpdateProvider { Owner = owner, HostUri = uri, Region = region };
            m.Attributes.AddRange(attrs);
            return m;
        }));
        market.Add(Simple("delete-provider", "Delete the provider (no open or active bids) and get the bond back", null, (owner, _) => new MsgDeleteProvider { Owner = owner }));
        market.Add(CreateOrder());
        market.Add(Simple("close-order", "Close an open order; bids and escrow are refunded", "order_id", (owner, id) => new MsgCloseOrder { Owner = owner, OrderId = id }));
        market.Add(CreateBid());
        market.Add(Simple("close-bid", "Withdraw an open bid; its deposit is refunded", "bid_id", (provider, id) => new MsgCloseBid { Provider = provider, BidId = id }));
        market.Add(Simple("accept-bid", "Accept a bid of your order: a lease forms at the bid's price", "bid_id", (tenant, id) => new MsgCreateLease { Tenant = tenant, BidId = id }));
        market.Add(Simple("close-lease", "Close a lease as its tenant or its provider", "lease_id", (signer, id) => new MsgCloseLease { Signer = signer, LeaseId = id }));
        market.Add(Deposit());
        market.Add(Simple("withdraw", "Withdraw what a lease has paid so far (provider)", "lease_id", (provider, id) => new MsgWithdrawLease { Provider = provider, LeaseId = id }));
        return market;
    }

    private Argument<string> KeyArgument() => new("key") { Description = "Name of the keyring key that signs and pays" };

    private Command ProviderCommand(string name, string description, Func<string, string, string, IReadOnlyList<string>, IMessage> make)
    {
        var key = KeyArgument();
        var hostUri = new Option<string>("--host-uri") { Description = "Where tenants reach the provider, e.g. https://gpu.example.com:8443", Required = true };
        var region = new Option<string>("--region") { Description = "Region, e.g. eu-west", Required = true };
        var attributes = new Option<string[]>("--attribute")
        {
            Description = "An attribute, repeatable: gpu/vendor/nvidia/model/h100/ram/80Gi, gpu/count/8, cpu/millicores/64000, memory/mib/524288",
            AllowMultipleArgumentsPerToken = false,
        };
        var broadcast = new TxBroadcastOptions(context, DefaultGas, DefaultFees);
        var command = new Command(name, description) { key, hostUri, region, attributes };
        broadcast.AddTo(command);
        command.SetAction(context.Handler.Wrap(async (parse, ct) =>
        {
            var (signer, address) = broadcast.Key(parse, parse.GetRequiredValue(key));
            var msg = make(address, parse.GetRequiredValue(hostUri), parse.GetRequiredValue(region), parse.GetValue(attributes) ?? []);
            return await broadcast.SignAndBroadcastAsync(parse, signer, [msg], ct);
        }));
        return command;
    }

    private Command Simple(string name, string description, string? idName, Func<string, ulong, IMessage> make)
    {
        var key = KeyArgument();
        var id = idName is null ? null : new Argument<ulong>(idName) { Description = "Id (a number)" };
        var broadcast = new TxBroadcastOptions(context, DefaultGas, DefaultFees);
        var command = new Command(name, description) { key };
        if (id is not null)
        {
            command.Add(id);
        }

        broadcast.AddTo(command);
        command.SetAction(context.Handler.Wrap(async (parse, ct) =>
        {
            var (signer, address) = broadcast.Key(parse, parse.GetRequiredValue(key));
            var msg = make(address, id is null ? 0 : parse.GetValue(id));
            return await broadcast.SignAndBroadcastAsync(parse, signer, [msg], ct);
        }));
        return command;
    }

    private Command CreateOrder()
    {
        var key = KeyArgument();
        var gpus = new Option<uint>("--gpus") { Description = "Number of GPUs", DefaultValueFactory = _ => 1u };
        var model = new Option<string>("--gpu-model") { Description = "vendor/model, '*' wildcards allowed: nvidia/h100, nvidia/*, *", DefaultValueFactory = _ => "*" };
        var vram = new Option<uint>("--min-vram-gi") { Description = "Minimum memory per GPU in GiB", DefaultValueFactory = _ => 0u };
        var cpu = new Option<ulong>("--cpu-millicores") { Description = "CPU in millicores", DefaultValueFactory = _ => 0UL };
        var memory = new Option<ulong>("--memory-mib") { Description = "Memory in MiB", DefaultValueFactory = _ => 0UL };
        var region = new Option<string>("--region") { Description = "Region the provider must be in (default: any)", DefaultValueFactory = _ => string.Empty };
        var maxPrice = new Option<string>("--max-price") { Description = "Most the tenant pays per block, e.g. 1000uchn", Required = true };
        var window = new Option<ulong>("--bidding-window") { Description = "Blocks during which bids are taken", DefaultValueFactory = _ => 10UL };
        var deposit = new Option<string>("--deposit") { Description = "Escrow deposit, at least the min_order_deposit param, e.g. 5chn", Required = true };
        var broadcast = new TxBroadcastOptions(context, DefaultGas, DefaultFees);
        var command = new Command("create-order", "Post an order for GPU compute and fund its escrow") { key, gpus, model, vram, cpu, memory, region, maxPrice, window, deposit };
        broadcast.AddTo(command);
        command.SetAction(context.Handler.Wrap(async (parse, ct) =>
        {
            var (signer, address) = broadcast.Key(parse, parse.GetRequiredValue(key));
            var msg = new MsgCreateOrder
            {
                Owner = address,
                Resources = new Resources
                {
                    GpuCount = parse.GetValue(gpus),
                    GpuModel = parse.GetRequiredValue(model),
                    MinVramGi = parse.GetValue(vram),
                    CpuMillicores = parse.GetValue(cpu),
                    MemoryMib = parse.GetValue(memory),
                    Region = parse.GetValue(region) ?? string.Empty,
                },
                MaxPricePerBlock = ClientInput.Uchn(parse.GetRequiredValue(maxPrice), "--max-price"),
                BiddingWindowBlocks = parse.GetValue(window),
                Deposit = ClientInput.Uchn(parse.GetRequiredValue(deposit), "--deposit"),
            };
            return await broadcast.SignAndBroadcastAsync(parse, signer, [msg], ct);
        }));
        return command;
    }

    private Command CreateBid()
    {
        var key = KeyArgument();
        var order = new Argument<ulong>("order_id") { Description = "The order to bid on" };
        var price = new Argument<string>("price") { Description = "Price per block, at most the order's, e.g. 900uchn" };
        var broadcast = new TxBroadcastOptions(context, DefaultGas, DefaultFees);
        var command = new Command("bid", "Bid on an open order as a provider (pays the bid deposit)") { key, order, price };
        broadcast.AddTo(command);
        command.SetAction(context.Handler.Wrap(async (parse, ct) =>
        {
            var (signer, address) = broadcast.Key(parse, parse.GetRequiredValue(key));
            var msg = new MsgCreateBid { Provider = address, OrderId = parse.GetValue(order), PricePerBlock = ClientInput.Uchn(parse.GetRequiredValue(price), "price") };
            return await broadcast.SignAndBroadcastAsync(parse, signer, [msg], ct);
        }));
        return command;
    }

    private Command Deposit()
    {
        var key = KeyArgument();
        var escrow = new Argument<ulong>("escrow_id") { Description = "The escrow account (the order's / lease's id)" };
        var amount = new Argument<string>("amount") { Description = "Amount to add, e.g. 5chn" };
        var broadcast = new TxBroadcastOptions(context, DefaultGas, DefaultFees);
        var command = new Command("deposit", "Top up the escrow of your order or lease (tenant)") { key, escrow, amount };
        broadcast.AddTo(command);
        command.SetAction(context.Handler.Wrap(async (parse, ct) =>
        {
            var (signer, address) = broadcast.Key(parse, parse.GetRequiredValue(key));
            var msg = new MsgDepositEscrow { Tenant = address, EscrowId = parse.GetValue(escrow), Amount = ClientInput.Uchn(parse.GetRequiredValue(amount), "amount") };
            return await broadcast.SignAndBroadcastAsync(parse, signer, [msg], ct);
        }));
        return command;
    }
}
