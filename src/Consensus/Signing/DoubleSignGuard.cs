using Chain.Proto.Consensus;
using Chain.Proto.Types;
using Google.Protobuf;

namespace Chain.Consensus.Signing;

/// <summary>
/// Signs this validator's proposals and votes, never two different messages for one (height, round, step).
/// Before a signature leaves, the signed (height, round, step) and the hash of the sign bytes (timestamp
/// zeroed) are saved durably. A request for the same step is honoured only for the identical message,
/// and then the stored signature and timestamp are returned (so replay after a crash reproduces the
/// same vote); a request for an earlier step is refused. This holds across restarts because the state
/// is read back from the store.
/// </summary>
public sealed class DoubleSignGuard
{
    private const uint StepProposal = 1;
    private const uint StepPrevote = 2;
    private const uint StepPrecommit = 3;

    private readonly IVoteSigner _signer;
    private readonly ISignerStateStore _store;
    private readonly string _chainId;
    private LastSignState? _last;

    public DoubleSignGuard(IVoteSigner signer, ISignerStateStore store, string chainId)
    {
        _signer = signer;
        _store = store;
        _chainId = chainId;
        _last = store.Load();
    }

    public byte[] Address => _signer.Address;

    /// <summary>The last signed state (null if nothing was ever signed).</summary>
    public LastSignState? LastSigned => _last?.Clone();

    /// <summary>Signs <paramref name="vote"/> in place (signature, and the timestamp when re-signing).</summary>
    public GuardResult SignVote(Vote vote)
    {
        uint step = vote.Type switch
        {
            SignedMsgType.Prevote => StepPrevote,
            SignedMsgType.Precommit => StepPrecommit,
            _ => 0,
        };
        if (step == 0)
        {
            return new GuardResult(GuardDecision.Refused, $"cannot sign a vote of type {vote.Type}");
        }

        byte[] withoutTime = CanonicalSignBytes.ForVote(_chainId, vote, 0);
        GuardResult result = Sign(vote.Height, vote.Round, step, withoutTime, vote.TimestampUnixNanos, () => CanonicalSignBytes.ForVote(_chainId, vote), out byte[] signature, out long timestamp);
        if (result.IsSigned)
        {
            vote.Signature = ByteString.CopyFrom(signature);
            vote.TimestampUnixNanos = timestamp;
        }

        return result;
    }

    /// <summary>Signs <paramref name="proposal"/> in place.</summary>
    public GuardResult SignProposal(Proposal proposal)
    {
        byte[] withoutTime = CanonicalSignBytes.ForProposal(_chainId, proposal, 0);
        GuardResult result = Sign(proposal.Height, proposal.Round, StepProposal, withoutTime, proposal.TimestampUnixNanos, () => CanonicalSignBytes.ForProposal(_chainId, proposal), out byte[] signature, out long timestamp);
        if (result.IsSigned)
        {
            proposal.Signature = ByteString.CopyFrom(signature);
            proposal.TimestampUnixNanos = timestamp;
        }

        return result;
    }

    private GuardResult Sign(ulong height, uint round, uint step, byte[] withoutTime, long requestedTimestamp, Func<byte[]> signBytes, out byte[] signature, out long timestamp)
    {
        signature = [];
        timestamp = 0;
        byte[] hash = Chain.Crypto.Hashes.Sha256(withoutTime);
        if (_last is not null)
        {
            int order = Compare(height, round, step, _last);
            if (order < 0)
            {
                return new GuardResult(GuardDecision.Refused,
                    $"height/round/step regression: asked to sign {height}/{round}/{step}, already signed {_last.Height}/{_last.Round}/{_last.Step}");
            }

            if (order == 0)
            {
                if (!_last.SignBytesHash.Span.SequenceEqual(hash))
                {
                    return new GuardResult(GuardDecision.Refused,
                        $"conflicting data at height/round/step {height}/{round}/{step}: a different message was already signed");
                }

                signature = _last.Signature.ToByteArray();
                timestamp = _last.TimestampUnixNanos;
                return new GuardResult(GuardDecision.Resigned);
            }
        }

        byte[] bytes = signBytes();
        signature = _signer.Sign(bytes);
        timestamp = requestedTimestamp;
        var next = new LastSignState
        {
            Height = height,
            Round = round,
            Step = step,
            SignBytesHash = ByteString.CopyFrom(hash),
            Signature = ByteString.CopyFrom(signature),
            TimestampUnixNanos = timestamp,
        };
        _store.Save(next);
        _last = next;
        return new GuardResult(GuardDecision.Signed);
    }

    private static int Compare(ulong height, uint round, uint step, LastSignState last)
    {
        int c = height.CompareTo(last.Height);
        if (c != 0)
        {
            return c;
        }

        c = round.CompareTo(last.Round);
        return c != 0 ? c : step.CompareTo(last.Step);
    }
}
