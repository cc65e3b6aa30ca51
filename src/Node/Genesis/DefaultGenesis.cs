using Chain.Crypto;
using Chain.Modules.Bank;
using Chain.Node.App;
using Chain.Proto.Bank;
using Chain.Proto.Genesis;
using Chain.Proto.Types;
using Chain.State.Modules;
using Chain.State.Types;

namespace Chain.Node.Genesis;

/// <summary>
/// The genesis that `chaind init` (one validator) and `chaind testnet init` (N validators) write: every module's
/// default section, with the validators' operator accounts funded in the bank's.
/// </summary>
public static class DefaultGenesis
{
    public const string ChainId = "chain-local";
    public const ulong BlockMaxBytes = 4 * 1024 * 1024;
    public const ulong BlockMaxGas = 1_000_000_000;
    public const ulong TxMaxBytes = 1024 * 1024;
    public const long ValidatorPower = 10;
    public const ulong AccountFunds = 1_000_000_000_000;

    /// <param name="chainId">The chain id.</param>
    /// <param name="validatorPublicKey">The node's consensus key (priv_validator_key.json).</param>
    /// <param name="operatorAddress">The 20-byte address of the funded operator account.</param>
    /// <param name="genesisTime">The time of the first block.</param>
    public static GenesisDoc Create(string chainId, byte[] validatorPublicKey, byte[] operatorAddress, DateTimeOffset genesisTime) =>
        Create(chainId, [(validatorPublicKey, operatorAddress)], genesisTime);

    /// <summary>A genesis with one validator of <see cref="ValidatorPower"/> per entry, each operator account funded with <see cref="AccountFunds"/>.</summary>
    /// <param name="chainId">The chain id.</param>
    /// <param name="validators">Each validator's consensus public key and the 20-byte address of its operator account.</param>
    /// <param name="genesisTime">The time of the first block.</param>
    public static GenesisDoc Create(
        string chainId,
        IReadOnlyList<(byte[] ValidatorPublicKey, byte[] OperatorAddress)> validators,
        DateTimeOffset genesisTime)
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
        doc.AppState.AddRange(ModuleCatalog.Create().DefaultAppState());
        var bank = AppStateSections.Get<GenesisState>(doc, BankModule.ModuleName);
        foreach (var (validatorPublicKey, operatorAddress) in validators)
        {
            doc.Validators.Add(new GenesisValidator
            {
                Name = Address.ToBech32(operatorAddress, Address.ValidatorOperatorPrefix),
                PublicKey = Convert.ToHexStringLower(validatorPublicKey),
                Power = ValidatorPower,
            });
            var balance = new Balance { Address = Address.ToBech32(operatorAddress) };
            balance.Coins.Add(new Coin { Denom = Coins.BaseDenom, Amount = AccountFunds });
            bank.Balances.Add(balance);
        }

        AppStateSections.Set(doc, BankModule.ModuleName, bank);
        return doc;
    }
}
