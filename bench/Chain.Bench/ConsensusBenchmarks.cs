using BenchmarkDotNet.Attributes;
using Chain.Consensus.Signing;
using Chain.Crypto;
using Chain.Proto.Types;
using Google.Protobuf;

namespace Chain.Bench;

/// <summary>
/// Consensus throughput: one committed height per operation on an in-process cluster (so ops/s = heights/s,
/// each height one round), with SHA-256 stand-in signatures (the state machine, WAL and guard alone) or
/// real secp256k1; and the cost of verifying one vote.
/// Run: dotnet run -c Release --project bench/Chain.Bench -- --filter '*Consensus*' --job short
/// </summary>
[MemoryDiagnoser]
public class ConsensusBenchmarks
{
    private ConsensusCluster _cluster = null!;
    private readonly Secp256k1SignatureVerifier _verifier = new();
    private byte[] _publicKey = null!;
    private Vote _vote = null!;

    [Params(4, 100)]
    public int Validators { get; set; }

    [Params(false, true)]
    public bool Secp256k1 { get; set; }

    [GlobalSetup(Target = nameof(CommitHeight))]
    public void SetupCluster()
    {
        _cluster = new ConsensusCluster(Validators, Secp256k1);
        _cluster.CommitOneHeight();
    }

    [GlobalSetup(Target = nameof(VerifyVote))]
    public void SetupVote()
    {
        PrivateKey key = PrivateKey.Generate();
        _publicKey = key.PublicKey;
        _vote = new Vote
        {
            Type = SignedMsgType.Precommit,
            Height = 1234,
            Round = 0,
            BlockId = new BlockId { Hash = ByteString.CopyFrom(new byte[32]) },
            TimestampUnixNanos = 1_700_000_000_000_000_000,
            ValidatorAddress = ByteString.CopyFrom(key.Address),
        };
        _vote.Signature = ByteString.CopyFrom(new Secp256k1VoteSigner(key).Sign(CanonicalSignBytes.ForVote("bench", _vote)));
    }

    [Benchmark]
    public void CommitHeight() => _cluster.CommitOneHeight();

    /// <summary>Canonical sign bytes + SHA-256 + libsecp256k1 verify, as the engine does per incoming vote.
    /// Independent of the params: read the Validators=4, Secp256k1=True row.</summary>
    [Benchmark]
    public bool VerifyVote() => _verifier.Verify(_publicKey, CanonicalSignBytes.ForVote("bench", _vote), _vote.Signature.Span);
}
