using Chain.Modules.Bank.Genesis;
using Chain.Proto.Genesis;
using Chain.State.Storage;
using Chain.State.Types;

namespace Chain.Node.Genesis;

/// <summary>
/// Puts gen txs into a genesis (`chaind genesis collect-gentxs`, `chaind init`, `chaind testnet init`): each checked
/// against the genesis (one per operator and per consensus key, the operator funded with its self-delegation),
/// sorted by operator address so every collector writes the same genesis from the same files, into gen_txs; the
/// fixed validators list is cleared, since the chain's staking module makes the validators from the gen txs.
/// </summary>
public static class GenTxCollector
{
    /// <summary>Replaces the gen_txs of <paramref name="doc"/> with <paramref name="gentxs"/> and clears its validators; returns them in genesis order.</summary>
    /// <param name="doc">The genesis; its bank section must fund every operator.</param>
    /// <param name="gentxs">Each gentx with where it came from (a file name), which every error names.</param>
    /// <exception cref="GenesisException">Two gentxs for one operator or consensus key, or an operator not funded enough.</exception>
    public static IReadOnlyList<GenTx> Collect(GenesisDoc doc, IReadOnlyList<(string Source, GenTx GenTx)> gentxs)
    {
        if (gentxs.Count == 0)
        {
            throw new GenesisException("no gentxs to collect");
        }

        var byOperator = new Dictionary<string, string>(StringComparer.Ordinal);
        var byKey = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (source, gentx) in gentxs)
        {
            if (!byOperator.TryAdd(gentx.ValidatorAddress, source))
            {
                throw new GenesisException($"{source}: validator {gentx.ValidatorAddress} already has a gentx in {byOperator[gentx.ValidatorAddress]}");
            }

            var key = Convert.ToHexStringLower(gentx.ConsensusPublicKey);
            if (!byKey.TryAdd(key, source))
            {
                throw new GenesisException($"{source}: consensus key {key} is already the key of the validator in {byKey[key]}");
            }

            var funds = Funds(doc, gentx.AccountAddress);
            if (funds < gentx.SelfDelegation)
            {
                throw new GenesisException(
                    $"{source}: account {gentx.AccountAddress} has {funds}{Coins.BaseDenom} in genesis, less than the {gentx.SelfDelegation}{Coins.BaseDenom} it self-delegates; "
                    + $"fund it with `chaind genesis add-genesis-account {gentx.AccountAddress} {gentx.SelfDelegation}{Coins.BaseDenom}`");
            }
        }

        var sorted = gentxs.Select(g => g.GenTx).OrderBy(g => g.Operator, ByteArrayComparer.Instance).ToArray();
        doc.GenTxs.Clear();
        doc.GenTxs.AddRange(sorted.Select(g => Google.Protobuf.ByteString.CopyFrom(g.Bytes)));
        doc.Validators.Clear();
        return sorted;
    }

    /// <summary>
    /// The validators list a chain without a create-validator handler needs instead of gen txs: one entry per gentx
    /// with the power its self-delegation gives, so the set is the one the gen txs would make.
    /// </summary>
    public static void List(GenesisDoc doc, IEnumerable<GenTx> gentxs)
    {
        doc.GenTxs.Clear();
        doc.Validators.Clear();
        foreach (var gentx in gentxs.OrderBy(g => g.Operator, ByteArrayComparer.Instance))
        {
            doc.Validators.Add(new GenesisValidator
            {
                Name = gentx.ValidatorAddress,
                PublicKey = Convert.ToHexStringLower(gentx.ConsensusPublicKey),
                Power = gentx.Power,
            });
        }
    }

    /// <summary>
    /// The validators a genesis names, by consensus key: those its `validators` list holds, then those its gen txs
    /// create that the list lacks, with the power their self-delegation gives (what staking gives a new validator).
    /// The chain's modules have the last word at genesis; this is what people and the CLI read from the file.
    /// </summary>
    public static IReadOnlyList<(string PublicKey, long Power, string Name)> Validators(GenesisDoc doc)
    {
        var validators = doc.Validators.Select(v => (v.PublicKey.ToLowerInvariant(), v.Power, v.Name)).ToList();
        foreach (var bytes in doc.GenTxs)
        {
            if (GenTx.TryDecode(bytes.ToByteArray(), doc.ChainId, out _) is { } gentx)
            {
                var key = Convert.ToHexStringLower(gentx.ConsensusPublicKey);
                if (!validators.Exists(v => v.Item1 == key))
                {
                    validators.Add((key, gentx.Power, gentx.ValidatorAddress));
                }
            }
        }

        return validators;
    }

    /// <summary>The uchn <paramref name="address"/> holds in the genesis's bank section.</summary>
    public static ulong Funds(GenesisDoc doc, string address)
    {
        ulong total = 0;
        foreach (var balance in BankGenesis.Section(doc).Balances)
        {
            if (balance.Address == address)
            {
                foreach (var coin in balance.Coins)
                {
                    if (coin.Denom == Coins.BaseDenom)
                    {
                        total += coin.Amount;
                    }
                }
            }
        }

        return total;
    }
}
