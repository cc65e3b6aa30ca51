using Chain.Consensus.Engine;
using Chain.Consensus.Evidence;
using Chain.Consensus.Validators;
using Chain.Proto.Consensus;
using Chain.Proto.Genesis;
using Chain.State.App;
using Chain.State.Blocks;
using Chain.State.Modules;
using Chain.State.Storage;
using Google.Protobuf;

namespace Chain.Node.Production;

/// <summary>
/// The validator sets of every height, kept in the Blocks family as "v"+height → <see cref="HeightValidators"/>.
/// The record of height H+1 is written in the same batch as block H, so a restarted node rebuilds where consensus
/// starts (<see cref="Resume"/>) from its own store, and evidence against any past height can be checked.
/// Height 1 comes from genesis (<see cref="GenesisSet"/>).
/// </summary>
public sealed class ValidatorSetStore : IValidatorSetHistory
{
    private const int Described = 5;
    private readonly IKeyValueStore _store;
    private readonly BlockStore _blocks;

    public ValidatorSetStore(IKeyValueStore store, BlockStore blocks, IReadOnlyList<ValidatorUpdate> genesisValidators)
    {
        _store = store;
        _blocks = blocks;
        Genesis = HeightStart.FromGenesis(ConsensusValidatorSet.Create(genesisValidators));
    }

    /// <summary>Height 1 and its sets, from genesis.</summary>
    public HeightStart Genesis { get; }

    /// <summary>The store of <paramref name="app"/>'s chain, its height 1 set from <see cref="GenesisSet"/>.</summary>
    /// <exception cref="GenesisStateException">The genesis file's validators and the application's disagree, or there are none.</exception>
    public static ValidatorSetStore For(ChainApp app) =>
        new(app.Store, app.Executor.Blocks, GenesisSet(app.Genesis, app.GenesisValidators));

    /// <summary>
    /// The validators of height 1: genesis.json's `validators` when the application chose none at genesis
    /// (<see cref="ChainApp.GenesisValidators"/>: what the modules' EndBlock returned at height 0, after the gen txs);
    /// the application's when genesis.json lists none; when both are there, they must be the same set.
    /// </summary>
    /// <exception cref="GenesisStateException">Both are there and differ, or both are empty.</exception>
    public static IReadOnlyList<ValidatorUpdate> GenesisSet(GenesisDoc genesis, IReadOnlyList<ValidatorPowerUpdate> fromApp)
    {
        var listed = GenesisValidators(genesis).ToArray();
        var chosen = fromApp.Select(u => new ValidatorUpdate(Crypto.Address.FromPublicKey(u.PublicKey), u.PublicKey, u.Power)).ToArray();
        if (chosen.Length == 0)
        {
            return listed.Length > 0
                ? listed
                : throw new GenesisStateException(
                    "genesis has no validators: genesis.json lists none, and its gen_txs and modules made none at genesis");
        }

        if (listed.Length == 0)
        {
            return chosen;
        }

        if (!Describe(listed, int.MaxValue).SequenceEqual(Describe(chosen, int.MaxValue)))
        {
            throw new GenesisStateException(
                $"genesis.json's validators [{string.Join(", ", Describe(listed, Described))}] differ from the ones the chain made at genesis "
                + $"from its gen_txs and module state [{string.Join(", ", Describe(chosen, Described))}]; "
                + "remove 'validators' from genesis.json (`chaind genesis collect-gentxs` does) or make them the same, then wipe data/");
        }

        return listed;
    }

    /// <summary>The validators listed in genesis.json, as updates (address from the public key).</summary>
    public static IEnumerable<ValidatorUpdate> GenesisValidators(GenesisDoc genesis)
    {
        foreach (GenesisValidator v in genesis.Validators)
        {
            byte[] publicKey = Convert.FromHexString(v.PublicKey);
            yield return new ValidatorUpdate(Crypto.Address.FromPublicKey(publicKey), publicKey, v.Power);
        }
    }

    /// <summary>"key:power" of each validator in key order, the first <paramref name="count"/> and how many more.</summary>
    private static IEnumerable<string> Describe(IEnumerable<ValidatorUpdate> validators, int count)
    {
        var all = validators.Select(v => $"{Convert.ToHexStringLower(v.PublicKey)}:{v.VotingPower}").Order(StringComparer.Ordinal).ToArray();
        return all.Length <= count ? all : [.. all.Take(count), $"and {all.Length - count} more"];
    }

    /// <summary>Where consensus resumes: the first height not committed, its sets and the last seen commit.</summary>
    public HeightStart Resume()
    {
        ulong last = _blocks.LatestHeight;
        if (last == 0)
        {
            return Genesis;
        }

        (ConsensusValidatorSet Validators, ConsensusValidatorSet Next) sets = SetsAt(last + 1)
            ?? throw new InvalidDataException(
                $"the store has block {last} but not the validator sets of height {last + 1}; it was written by an older chaind: wipe data/ and start again");
        Proto.Types.Commit commit = _blocks.GetSeenCommit(last)
            ?? throw new InvalidDataException($"the store has block {last} but not its commit");
        return new HeightStart(last + 1, sets.Validators, sets.Next, commit);
    }

    /// <summary>The validators of <paramref name="height"/> and of the height after it; null when not (yet) known.</summary>
    public (ConsensusValidatorSet Validators, ConsensusValidatorSet Next)? SetsAt(ulong height)
    {
        if (height == Genesis.Height)
        {
            return (Genesis.Validators, Genesis.NextValidators);
        }

        HeightValidators? record = Read(height);
        return record is null
            ? null
            : (ConsensusValidatorSet.FromProto(record.Validators), ConsensusValidatorSet.FromProto(record.NextValidators));
    }

    /// <summary>Stages the sets of <paramref name="next"/>.Height into the batch of the block before it.</summary>
    public static void Stage(HeightStart next, IWriteBatch batch)
    {
        var record = new HeightValidators
        {
            Height = next.Height,
            Validators = next.Validators.ToProto(),
            NextValidators = next.NextValidators.ToProto(),
        };
        batch.Put(ColumnFamily.Blocks, Key(next.Height), record.ToByteArray());
    }

    public ConsensusValidatorSet? ValidatorsAt(ulong height) => SetsAt(height)?.Validators;

    private HeightValidators? Read(ulong height)
    {
        byte[]? bytes = _store.Get(ColumnFamily.Blocks, Key(height));
        if (bytes is null)
        {
            return null;
        }

        try
        {
            return HeightValidators.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"the validator sets of height {height} in the store are corrupt: {e.Message}", e);
        }
    }

    private static byte[] Key(ulong height) => BlockStore.Key('v', height);
}
