using Chain.Consensus.Engine;
using Chain.Consensus.Evidence;
using Chain.Consensus.Validators;
using Chain.Proto.Consensus;
using Chain.Proto.Genesis;
using Chain.State.Blocks;
using Chain.State.Storage;
using Google.Protobuf;

namespace Chain.Node.Production;

/// <summary>
/// The validator sets of every height, kept in the Blocks family as "v"+height → <see cref="HeightValidators"/>.
/// The record of height H+1 is written in the same batch as block H, so a restarted node rebuilds where consensus
/// starts (<see cref="Resume"/>) from its own store, and evidence against any past height can be checked.
/// Height 1 comes from genesis.
/// </summary>
public sealed class ValidatorSetStore : IValidatorSetHistory
{
    private readonly IKeyValueStore _store;
    private readonly BlockStore _blocks;

    public ValidatorSetStore(IKeyValueStore store, BlockStore blocks, GenesisDoc genesis)
    {
        _store = store;
        _blocks = blocks;
        Genesis = HeightStart.FromGenesis(ConsensusValidatorSet.Create(GenesisValidators(genesis)));
    }

    /// <summary>Height 1 and its sets, from genesis.</summary>
    public HeightStart Genesis { get; }

    /// <summary>The genesis validators as updates (address from the public key).</summary>
    public static IEnumerable<ValidatorUpdate> GenesisValidators(GenesisDoc genesis)
    {
        foreach (GenesisValidator v in genesis.Validators)
        {
            byte[] publicKey = Convert.FromHexString(v.PublicKey);
            yield return new ValidatorUpdate(Crypto.Address.FromPublicKey(publicKey), publicKey, v.Power);
        }
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
