using Chain.Consensus.Signing;
using Chain.Consensus.Tests.Simulation;
using Chain.Proto.Types;
using Google.Protobuf;

namespace Chain.Consensus.Tests.Signing;

public sealed class DoubleSignGuardTests : IDisposable
{
    private const string ChainId = "test-chain";
    private readonly string _dir = Directory.CreateTempSubdirectory("consensus-guard-").FullName;
    private readonly FakeKey _key = new(7);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private DoubleSignGuard Open() => new(_key, new FileSignerStateStore(Path.Combine(_dir, "priv_validator_state.pb")), ChainId);

    private static Vote Vote(SignedMsgType type, uint round, byte block, long timestamp) => new()
    {
        Type = type,
        Height = 5,
        Round = round,
        BlockId = new BlockId { Hash = ByteString.CopyFrom(Enumerable.Repeat(block, 32).ToArray()) },
        TimestampUnixNanos = timestamp,
    };

    [Fact]
    public void After_a_restart_a_conflicting_vote_is_refused_and_the_identical_one_is_re_signed()
    {
        Vote first = Vote(SignedMsgType.Prevote, 0, 0xAA, 100);
        Assert.Equal(GuardDecision.Signed, Open().SignVote(first).Decision);

        DoubleSignGuard restarted = Open();
        GuardResult conflict = restarted.SignVote(Vote(SignedMsgType.Prevote, 0, 0xBB, 200));
        Assert.Equal(GuardDecision.Refused, conflict.Decision);
        Assert.Contains("conflicting", conflict.Reason);

        Vote again = Vote(SignedMsgType.Prevote, 0, 0xAA, 300); // same vote, later clock
        Assert.Equal(GuardDecision.Resigned, restarted.SignVote(again).Decision);
        Assert.Equal(first.Signature, again.Signature);
        Assert.Equal(100, again.TimestampUnixNanos);
    }

    [Fact]
    public void Going_back_to_an_earlier_step_is_refused()
    {
        DoubleSignGuard guard = Open();
        Assert.True(guard.SignVote(Vote(SignedMsgType.Precommit, 1, 0xAA, 1)).IsSigned);
        Assert.Equal(GuardDecision.Refused, Open().SignVote(Vote(SignedMsgType.Prevote, 1, 0xAA, 1)).Decision);
        Assert.Equal(GuardDecision.Refused, Open().SignVote(Vote(SignedMsgType.Precommit, 0, 0xAA, 1)).Decision);
        Assert.Equal(GuardDecision.Signed, Open().SignVote(Vote(SignedMsgType.Prevote, 2, 0xCC, 1)).Decision);
    }

    [Fact]
    public void Proposals_are_guarded_like_votes()
    {
        var p = new Proposal { Height = 5, Round = 0, PolRound = -1, BlockId = new BlockId { Hash = ByteString.CopyFrom(new byte[32]) } };
        Assert.Equal(GuardDecision.Signed, Open().SignProposal(p).Decision);
        var other = p.Clone();
        other.PolRound = 0;
        other.Signature = ByteString.Empty;
        Assert.Equal(GuardDecision.Refused, Open().SignProposal(other).Decision);
    }

    [Fact]
    public void A_corrupt_state_file_refuses_to_start_rather_than_forget()
    {
        File.WriteAllBytes(Path.Combine(_dir, "priv_validator_state.pb"), [0xFF, 0xFF, 0xFF]);
        Assert.Throws<InvalidDataException>(Open);
    }
}
