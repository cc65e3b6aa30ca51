using Chain.Crypto;
using Chain.Proto.Types;
using Chain.State.Storage;
using Google.Protobuf;

namespace Chain.Node.Production;

/// <summary>
/// Evidence already carried by a committed block, kept in the Blocks family as "e"+SHA-256(evidence) so that
/// no block can punish the same misbehaviour twice, across restarts too. Staged in the block's own batch.
/// </summary>
public sealed class CommittedEvidence(IKeyValueStore store)
{
    public bool Contains(Evidence evidence) => store.Contains(ColumnFamily.Blocks, Key(evidence));

    public static void Stage(EvidenceList? evidence, IWriteBatch batch)
    {
        if (evidence is null)
        {
            return;
        }

        foreach (Evidence e in evidence.Evidence)
        {
            batch.Put(ColumnFamily.Blocks, Key(e), []);
        }
    }

    private static byte[] Key(Evidence evidence)
    {
        var key = new byte[33];
        key[0] = (byte)'e';
        Hashes.Sha256(evidence.ToByteArray()).CopyTo(key, 1);
        return key;
    }
}
