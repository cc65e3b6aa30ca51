using Chain.Crypto;
using Chain.Modules.Bank.Genesis;
using Chain.Node.App;
using Chain.Proto.Bank;
using Chain.Proto.Genesis;
using Chain.Proto.Staking;
using Chain.Proto.Types;
using Chain.State.Modules;
using Chain.State.Storage;
using Chain.State.Types;

namespace Chain.Node.Genesis;

/// <summary>
/// The genesis that `chaind init` (one validator) and `chaind testnet init` (N validators) write, built the way a real
/// network's is: every module's default section, each operator account funded with <see cref="AccountFunds"/>, a
/// gentx per validator self-delegating <see cref="SelfDelegation"/> (so every validator has power
/// <see cref="ValidatorPower"/>), collected into gen_txs. While the chain's modules have no handler for
/// MsgCreateValidator (before the staking module lands), the same validators are listed in `validators` instead.
/// </summary>
public static class DefaultGenesis
{
    public const string ChainId = "chain-local";
    public const ulong BlockMaxBytes = 4 * 1024 * 1024;
    public const ulong BlockMaxGas = 1_000_000_000;
    public const ulong TxMaxBytes = 1024 * 1024;
    public const ulong AccountFunds = 1_000_000_000_000;

    /// <summary>What each validator's gentx self-delegates: 10,000 CHN.</summary>
    public const ulong SelfDelegation = 10_000_000_000;

    /// <summary>The consensus power <see cref="SelfDelegation"/> gives (uchn / 10^6): equal for every validator.</summary>
    public const long ValidatorPower = (long)(SelfDelegation / GenTx.PowerReduction);

    public const string CommissionRate = "0.10";
    public const string CommissionMaxRate = "0.20";
    public const string CommissionMaxChangeRate = "0.01";
    public const ulong MinSelfDelegation = 1;

    /// <summary>Every module's default section and the consensus params; no accounts and no validators yet.</summary>
    public static GenesisDoc Empty(string chainId, DateTimeOffset genesisTime, ModuleSet? modules = null)
    {
        var doc = new GenesisDoc
        {
            ChainId = chainId,
            GenesisTime = GenesisRules.FormatTime(genesisTime),
            InitialHeight = 1,
            ConsensusParams = new ConsensusParams
            {
                BlockMaxBytes = BlockMaxBytes,
                BlockMaxGas = BlockMaxGas,
                TxMaxBytes = TxMaxBytes,
            },
        };
        doc.AppState.AddRange((modules ?? ModuleCatalog.Create()).DefaultAppState());
        return doc;
    }

    /// <summary>
    /// A genesis whose validators are <paramref name="operators"/>: each operator account funded with
    /// <see cref="AccountFunds"/>, and a gentx each (returned, in genesis order) self-delegating
    /// <see cref="SelfDelegation"/> with the default commission.
    /// </summary>
    /// <param name="chainId">The chain id.</param>
    /// <param name="operators">Each validator's operator account key, consensus public key (priv_validator_key.json) and moniker.</param>
    /// <param name="genesisTime">The time of the first block.</param>
    /// <param name="modules">The chain's modules (the catalog's unless given): whether they handle MsgCreateValidator decides gen_txs or a validators list.</param>
    public static (GenesisDoc Genesis, IReadOnlyList<GenTx> GenTxs) Create(
        string chainId,
        IReadOnlyList<GenesisOperator> operators,
        DateTimeOffset genesisTime,
        ModuleSet? modules = null)
    {
        modules ??= ModuleCatalog.Create();
        var doc = Empty(chainId, genesisTime, modules);
        var gentxs = new List<(string, GenTx)>(operators.Count);
        foreach (var op in operators)
        {
            var balance = new Balance { Address = Address.ToBech32(op.AccountKey.Address) };
            balance.Coins.Add(new Coin { Denom = Coins.BaseDenom, Amount = AccountFunds });
            BankGenesis.Fund(doc, balance);
            gentxs.Add((op.Moniker, GenTx.Create(op.AccountKey, op.ConsensusPublicKey, chainId, SelfDelegation, new Description { Moniker = op.Moniker }, Commission(), MinSelfDelegation)));
        }

        if (GenTx.IsHandledBy(modules))
        {
            return (doc, GenTxCollector.Collect(doc, gentxs));
        }

        var listed = gentxs.Select(g => g.Item2).OrderBy(g => g.Operator, ByteArrayComparer.Instance).ToArray();
        GenTxCollector.List(doc, listed);
        return (doc, listed);
    }

    /// <summary>The default commission: rate <see cref="CommissionRate"/>, max <see cref="CommissionMaxRate"/>, max change <see cref="CommissionMaxChangeRate"/>.</summary>
    public static CommissionRates Commission() => new()
    {
        Rate = Dec.Parse(CommissionRate).ToString(),
        MaxRate = Dec.Parse(CommissionMaxRate).ToString(),
        MaxChangeRate = Dec.Parse(CommissionMaxChangeRate).ToString(),
    };
}
