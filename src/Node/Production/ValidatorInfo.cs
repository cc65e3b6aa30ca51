using Chain.Crypto;
using Chain.Proto.Genesis;
using Chain.Proto.Types;
using Google.Protobuf;

namespace Chain.Node.Production;

/// <summary>The genesis validator set as the block header commits to it.</summary>
public sealed class ValidatorInfo
{
    public ValidatorInfo(GenesisDoc genesis)
    {
        var set = new ValidatorSet();
        foreach (var v in genesis.Validators)
        {
            var pub = Convert.FromHexString(v.PublicKey);
            set.Validators.Add(new Validator { Address = ByteString.CopyFrom(Address.FromPublicKey(pub)), PublicKey = ByteString.CopyFrom(pub), VotingPower = v.Power });
            set.TotalVotingPower += v.Power;
        }

        Set = set;
        var items = new List<byte[]>();
        foreach (var v in set.Validators)
        {
            items.Add(new Validator { PublicKey = v.PublicKey, VotingPower = v.VotingPower }.ToByteArray());
        }

        Hash = MerkleTree.Root(items);
    }

    public ValidatorSet Set { get; }

    public byte[] Hash { get; }

    public long PowerOf(ReadOnlySpan<byte> address)
    {
        foreach (var v in Set.Validators)
        {
            if (v.Address.Span.SequenceEqual(address))
            {
                return v.VotingPower;
            }
        }

        return 0;
    }
}
