using Chain.Crypto;
using Chain.Modules.Market.Keeper;
using Chain.Proto.Market;
using Google.Protobuf;
using Xunit.Abstractions;

namespace Chain.Modules.Market.Tests;

/// <summary>
/// Long random runs of market messages from many accounts over many blocks. After every block (besides every
/// module invariant, which <see cref="MarketChain.Commit"/> checks: escrow books, module account holdings,
/// indexes, bank supply = balances) this checks that the total supply is unchanged, no balance exceeds the supply
/// (an underflow would), every record only moved along the state machine, escrow counters never go back, and
/// no active lease has run past the height its funds cover.
/// <para>
/// The runs come from a fixed seed, <see cref="DefaultSeed"/>, whose runs reach every outcome the test asserts it
/// reached, so the test passes or fails the same way every time. To try fresh random runs, set
/// MARKET_PROPERTY_SEED=random (the test prints the seed it drew); to replay runs, set MARKET_PROPERTY_SEED to
/// their seed. See docs/market.md, "Testing".
/// </para>
/// </summary>
public sealed class MarketPropertyTests(ITestOutputHelper output)
{
    private const int Accounts = 12;
    private const int Blocks = 120;
    private const int Runs = 6;

    /// <summary>The seed of the runs the test makes by default: they reach every outcome it checks for (see MARKET_PROPERTY_SEED).</summary>
    private const string DefaultSeed = "1t7JlHC0tUFH4af81";

    /// <summary>The accounts' keys, fixed so that a seed replays the same runs (records are ordered by address).</summary>
    private static readonly PrivateKey[] AccountKeys = [.. Enumerable.Range(0, Accounts)
        .Select(i => PrivateKey.FromBytes(Hashes.Sha256(System.Text.Encoding.UTF8.GetBytes($"market-property-test/account/{i}"))))];

    private static readonly string[][] AttributeSets =
    [
        MarketChain.H100Attributes,
        ["gpu/vendor/nvidia/model/a100/ram/40Gi", "gpu/count/4", "cpu/millicores/32000", "memory/mib/262144"],
        ["gpu/vendor/amd/model/mi300x/ram/192Gi", "gpu/count/8", "cpu/millicores/96000", "memory/mib/1048576"],
    ];

    private static readonly string[] Models = ["nvidia/h100", "nvidia/*", "*", "amd/mi300x", "nvidia/a100"];

    private static readonly Dictionary<OrderState, OrderState[]> OrderMoves = new()
    {
        [OrderState.Open] = [OrderState.Active, OrderState.Closed],
        [OrderState.Active] = [OrderState.Closed],
        [OrderState.Closed] = [],
    };

    private static readonly Dictionary<BidState, BidState[]> BidMoves = new()
    {
        [BidState.Open] = [BidState.Active, BidState.Lost, BidState.Closed],
        [BidState.Active] = [BidState.Closed],
        [BidState.Lost] = [],
        [BidState.Closed] = [],
    };

    private static readonly Dictionary<LeaseState, LeaseState[]> LeaseMoves = new()
    {
        [LeaseState.Active] = [LeaseState.InsufficientFunds, LeaseState.Closed],
        [LeaseState.InsufficientFunds] = [],
        [LeaseState.Closed] = [],
    };

    private static readonly Dictionary<EscrowState, EscrowState[]> EscrowMoves = new()
    {
        [EscrowState.Open] = [EscrowState.Closed],
        [EscrowState.Closed] = [],
    };

    /// <summary>One message: which kind, who sends it, which record it names, and a number for prices and amounts.</summary>
    private readonly record struct Op(int Kind, int Actor, int Target, int Amount);

    /// <summary>Message kinds 0-10 (see <see cref="Message"/>) weighted towards bids and orders, so that leases form often.</summary>
    private static readonly int[] KindWeights = [0, 1, 2, 3, 3, 3, 4, 5, 5, 5, 5, 5, 6, 7, 7, 8, 9, 10];

    private static readonly Gen<Op> OpGen = Gen.Select(Gen.Int[0, KindWeights.Length - 1], Gen.Int[0, Accounts - 1], Gen.Int[0, 1000], Gen.Int[1, 3000])
        .Select(t => new Op(KindWeights[t.Item1], t.Item2, t.Item3, t.Item4));

    [Fact]
    public void Random_market_runs_keep_every_invariant_after_every_block()
    {
        var seed = SeedToRun();
        output.WriteLine($"MARKET_PROPERTY_SEED={seed}");
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);

        // One sample of all the runs: CsCheck generates the first sample from the seed (the later ones it would draw at random).
        OpGen.Array[0, 8].Array[Blocks].Array[Runs].Sample(
            runs =>
            {
                foreach (var blocks in runs)
                {
                    Run(blocks, seen);
                }
            },
            seed: seed,
            iter: 1,
            threads: 1);

        var counts = string.Join(", ", seen.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
        output.WriteLine(counts);

        // The runs reached every part of the state machine, not only refusals.
        foreach (var kind in new[] { "ok:MsgCreateProvider", "ok:MsgCreateOrder", "ok:MsgCreateBid", "ok:MsgCreateLease", "ok:MsgCloseLease",
                     "ok:MsgDepositEscrow", "ok:MsgWithdrawLease", "ok:MsgCloseBid", "ok:MsgCloseOrder", "auction", "insufficient_funds", "refused" })
        {
            Assert.True(
                seen.GetValueOrDefault(kind) > 0,
                $"the runs of seed {seed} never reached '{kind}' ({counts}); "
                + (seed == DefaultSeed ? "the market changed under the default seed: pick a seed whose runs reach every outcome (MARKET_PROPERTY_SEED=random prints one)" : "try another seed"));
        }
    }

    /// <summary>
    /// MARKET_PROPERTY_SEED: unset or empty runs <see cref="DefaultSeed"/>; "random" draws a fresh seed; anything else
    /// is a seed to replay (as this test prints it, or as CsCheck prints a failing sample).
    /// </summary>
    private static string SeedToRun() => Environment.GetEnvironmentVariable("MARKET_PROPERTY_SEED") switch
    {
        null or "" => DefaultSeed,
        "random" => new PCG((uint)Random.Shared.Next(), (ulong)Random.Shared.NextInt64()).ToString(),
        var given => given,
    };

    private static void Run(Op[][] blocks, Dictionary<string, int> seen)
    {
        using var c = new MarketChain(AccountKeys, balance: 50_000_000);
        var snapshot = Snapshot(c);
        foreach (var ops in blocks)
        {
            var txs = new List<byte[]>(ops.Length);
            foreach (var op in ops)
            {
                var (signer, message) = Message(c, op);
                txs.Add(c.Tx(signer, message));
            }

            var results = c.Commit([.. txs]); // module invariants and the supply are checked here
            for (var i = 0; i < results.Results.Count; i++)
            {
                var name = ops[i].Kind switch
                {
                    0 => "MsgCreateProvider", 1 => "MsgUpdateProvider", 2 => "MsgDeleteProvider", 3 => "MsgCreateOrder", 4 => "MsgCloseOrder",
                    5 => "MsgCreateBid", 6 => "MsgCloseBid", 7 => "MsgCreateLease", 8 => "MsgCloseLease", 9 => "MsgDepositEscrow", _ => "MsgWithdrawLease",
                };
                Count(seen, results.Results[i].Code == 0 ? "ok:" + name : "refused");
            }

            foreach (var e in results.EndBlockEvents)
            {
                foreach (var a in e.Attributes)
                {
                    if (a.Value is "auction" or "insufficient_funds")
                    {
                        Count(seen, a.Value);
                    }
                }
            }

            var next = Snapshot(c);
            CheckTransitions(snapshot, next);
            CheckBlock(c);
            snapshot = next;
        }
    }

    private static void Count(Dictionary<string, int> seen, string key) => seen[key] = seen.GetValueOrDefault(key) + 1;

    private static (int Signer, IMessage Message) Message(MarketChain c, Op op)
    {
        var nextOrder = c.Keeper.Records.PeekNextId(c.State, MarketKeys.NextOrderId);
        var nextBid = c.Keeper.Records.PeekNextId(c.State, MarketKeys.NextBidId);
        var actor = op.Actor;
        var asOwner = op.Amount % 4 != 0; // mostly the party the message must come from; sometimes anyone

        // Mostly a live record (an open order or bid, an active lease), sometimes any id, including 0 and unknown ones.
        var orderId = (ulong)op.Target % (nextOrder + 1);
        var bidId = (ulong)op.Target % (nextBid + 1);
        if (asOwner)
        {
            var records = c.Keeper.Records;
            var live = op.Kind switch
            {
                4 or 5 => records.All(c.State, MarketKeys.Orders, Order.Parser).Where(o => o.State == OrderState.Open).Select(o => o.Id).ToList(),
                6 or 7 => records.All(c.State, MarketKeys.Bids, Bid.Parser).Where(b => b.State == BidState.Open).Select(b => b.Id).ToList(),
                8 or 9 or 10 => records.All(c.State, MarketKeys.Leases, Lease.Parser).Where(l => l.State == LeaseState.Active).Select(l => l.Id).ToList(),
                _ => [],
            };
            if (live.Count > 0)
            {
                orderId = bidId = live[op.Target % live.Count];
            }

            if (op.Kind == 5)
            {
                var providers = records.All(c.State, MarketKeys.Providers, Provider.Parser).Select(p => Index(c, p.Owner)).ToList();
                if (providers.Count > 0)
                {
                    actor = providers[op.Actor % providers.Count];
                }
            }
        }

        switch (op.Kind)
        {
            case 0:
                return (actor, c.CreateProvider(actor, op.Target % 2 == 0 ? "eu-west" : "us-east", AttributeSets[op.Target % AttributeSets.Length]));
            case 1:
                var update = new MsgUpdateProvider { Owner = c.A(actor), HostUri = "https://updated.example.com", Region = "eu-west" };
                update.Attributes.AddRange(AttributeSets[op.Amount % AttributeSets.Length]);
                return (actor, update);
            case 2:
                return (actor, new MsgDeleteProvider { Owner = c.A(actor) });
            case 3:
                var resources = new Resources { GpuCount = (uint)(1 + op.Target % 8), GpuModel = Models[op.Target % Models.Length], MinVramGi = (uint)(op.Amount % 3 * 40) };
                return (actor, c.CreateOrder(actor, maxPrice: (ulong)(50 + op.Amount % 1500), window: (ulong)(1 + op.Target % 8), deposit: (ulong)(8_000 + op.Amount * 10), resources: resources));
            case 4:
                return (asOwner && c.Order(orderId) is { } o ? Index(c, o.Owner) : actor, new MsgCloseOrder { Owner = c.A(asOwner && c.Order(orderId) is { } o2 ? Index(c, o2.Owner) : actor), OrderId = orderId });
            case 5:
                var price = asOwner && c.Order(orderId) is { } bo ? 1 + (ulong)op.Amount % bo.MaxPricePerBlock : (ulong)(op.Amount % 1600);
                return (actor, c.CreateBid(actor, orderId, price));
            case 6:
                var bidder = asOwner && c.Bid(bidId) is { } b ? Index(c, b.Provider) : actor;
                return (bidder, new MsgCloseBid { Provider = c.A(bidder), BidId = bidId });
            case 7:
                var tenant = asOwner && c.Bid(bidId) is { } wb && c.Order(wb.OrderId) is { } wo ? Index(c, wo.Owner) : actor;
                return (tenant, new MsgCreateLease { Tenant = c.A(tenant), BidId = bidId });
            case 8:
                var closer = asOwner && c.Lease(orderId) is { } l ? Index(c, op.Amount % 2 == 0 ? l.Tenant : l.Provider) : actor;
                return (closer, new MsgCloseLease { Signer = c.A(closer), LeaseId = orderId });
            case 9:
                var depositor = asOwner && c.Escrow(orderId) is { } e ? Index(c, e.Owner) : actor;
                return (depositor, new MsgDepositEscrow { Tenant = c.A(depositor), EscrowId = orderId, Amount = (ulong)(op.Amount * 3 % 7000) });
            default:
                var provider = asOwner && c.Lease(orderId) is { } wl ? Index(c, wl.Provider) : actor;
                return (provider, new MsgWithdrawLease { Provider = c.A(provider), LeaseId = orderId });
        }
    }

    private static int Index(MarketChain c, string address)
    {
        for (var i = 0; i < c.Keys.Length; i++)
        {
            if (c.A(i) == address)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"{address} is not a test account");
    }

    private sealed record State(
        Dictionary<ulong, OrderState> Orders,
        Dictionary<ulong, BidState> Bids,
        Dictionary<ulong, LeaseState> Leases,
        Dictionary<ulong, EscrowAccount> Escrows);

    private static State Snapshot(MarketChain c)
    {
        var r = c.Keeper.Records;
        return new State(
            r.All(c.State, MarketKeys.Orders, Order.Parser).ToDictionary(o => o.Id, o => o.State),
            r.All(c.State, MarketKeys.Bids, Bid.Parser).ToDictionary(b => b.Id, b => b.State),
            r.All(c.State, MarketKeys.Leases, Lease.Parser).ToDictionary(l => l.Id, l => l.State),
            r.All(c.State, MarketKeys.EscrowAccounts, EscrowAccount.Parser).ToDictionary(e => e.Id));
    }

    /// <summary>States reachable from <paramref name="from"/> in zero or more moves (a record may move twice in one block).</summary>
    private static HashSet<T> Reachable<T>(T from, Dictionary<T, T[]> moves)
        where T : notnull
    {
        var seen = new HashSet<T> { from };
        var queue = new Queue<T>([from]);
        while (queue.TryDequeue(out var s))
        {
            foreach (var n in moves[s])
            {
                if (seen.Add(n))
                {
                    queue.Enqueue(n);
                }
            }
        }

        return seen;
    }

    private static void CheckMoves<T>(string what, Dictionary<ulong, T> before, Dictionary<ulong, T> after, T initial, Dictionary<T, T[]> moves)
        where T : struct, Enum
    {
        foreach (var id in before.Keys)
        {
            Assert.True(after.ContainsKey(id), $"{what} {id} disappeared");
        }

        foreach (var (id, now) in after)
        {
            var from = before.TryGetValue(id, out var was) ? was : initial;
            Assert.True(Reachable(from, moves).Contains(now), $"{what} {id} moved from {from} to {now}, which the state machine does not allow");
        }
    }

    private static void CheckTransitions(State before, State after)
    {
        CheckMoves("order", before.Orders, after.Orders, OrderState.Open, OrderMoves);
        CheckMoves("bid", before.Bids, after.Bids, BidState.Open, BidMoves);
        CheckMoves("lease", before.Leases, after.Leases, LeaseState.Active, LeaseMoves);
        CheckMoves("escrow", before.Escrows.ToDictionary(kv => kv.Key, kv => kv.Value.State), after.Escrows.ToDictionary(kv => kv.Key, kv => kv.Value.State), EscrowState.Open, EscrowMoves);
        foreach (var (id, was) in before.Escrows)
        {
            var now = after.Escrows[id];
            Assert.True(now.Deposited >= was.Deposited && now.PaidOut >= was.PaidOut && now.Taken >= was.Taken && now.Refunded >= was.Refunded && now.SettledHeight >= was.SettledHeight,
                $"escrow {id} counters went back: {was} -> {now}");
        }
    }

    private static void CheckBlock(MarketChain c)
    {
        Assert.Equal(c.GenesisSupply, c.Supply());
        foreach (var (address, amount) in c.Balances())
        {
            Assert.True(amount <= c.GenesisSupply, $"{address} holds {amount}uchn, more than the supply: a balance went below zero");
        }

        foreach (var lease in c.Keeper.Records.All(c.State, MarketKeys.Leases, Lease.Parser))
        {
            var escrow = c.Escrow(lease.Id)!;
            if (lease.State == LeaseState.Active)
            {
                var runOut = MarketRecords.FundsRunOutHeight(escrow);
                Assert.True(runOut > c.Height, $"lease {lease.Id} is active at height {c.Height} but its funds ran out at {runOut}");
                Assert.True(escrow.SettledHeight <= c.Height);
            }
        }
    }
}
