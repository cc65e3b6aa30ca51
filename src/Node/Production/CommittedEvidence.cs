using System.Text;
using Chain.Consensus.Evidence;
using Chain.Crypto;
using Chain.Proto.Types;
using Chain.State.Storage;

namespace Chain.Node.Production;

/// <summary>
/// The offences already punished by a committed block, kept in the Blocks family as "e"+SHA-256(offence key) (the
/// validator, height, round and vote type of <see cref="DuplicateVoteOffence"/>), so that no block can punish the same
/// misbehaviour twice, however the evidence is restated (votes swapped, another timestamp, another pair of the
/// offender's conflicting votes), across restarts too. Staged in the block's own batch.
/// </summary>
public sealed class CommittedEvidence(IKeyValueStore store) : ICommittedOffences
{
    public bool Contains(Evidence evidence) =>
        evidence.DuplicateVoteEvidence is { } duplicate && Contains(duplicate);

    public bool Contains(DuplicateVoteEvidence evidence) => store.Contains(ColumnFamily.Blocks, Key(evidence));

    public static void Stage(EvidenceList? evidence, IWriteBatch batch)
    {
        if (evidence is null)
        {
            return;
        }

        foreach (Evidence e in evidence.Evidence)
        {
            if (e.DuplicateVoteEvidence is { } duplicate)
            {
                batch.Put(ColumnFamily.Blocks, Key(duplicate), []);
            }
        }
    }

    private static byte[] Key(DuplicateVoteEvidence evidence)
    {
        var key = new byte[33];
        key[0] = (byte)'e';
        Hashes.Sha256(Encoding.UTF8.GetBytes(DuplicateVoteOffence.Key(evidence))).CopyTo(key, 1);
        return key;
    }
}
