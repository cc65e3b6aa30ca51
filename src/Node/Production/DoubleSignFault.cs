using System.Security.Cryptography;
using System.Text;
using Chain.Consensus.Blocks;
using Chain.Consensus.Signing;
using Chain.Proto.Types;
using Google.Protobuf;

namespace Chain.Node.Production;

/// <summary>
/// Test only (<c>testing.double_sign_at_height</c>): makes this validator equivocate, so that evidence and slashing
/// can be tested against a real double signer. After the first prevote this validator signs at each height from the
/// configured one on, <see cref="ConflictWith"/> signs a second prevote for the same height and round but another
/// block id: nil against a block, a made-up block id against nil. It goes on at every height (until the validator
/// leaves the set and stops voting) because one pair alone can arrive after the peers finished that height, on a
/// busy machine, and then proves nothing to them. It signs with the
/// consensus key directly, past the <see cref="DoubleSignGuard"/>, whose last-signed state stays that of the honest
/// vote (so a restart replays as usual); nothing else bypasses the guard. The conflicting vote only goes to peers:
/// neither this node's engine nor its WAL sees it, so the rest of its consensus is that of an honest validator.
/// </summary>
public sealed class DoubleSignFault(ulong atHeight, IVoteSigner signer, string chainId)
{
    private ulong _lastHeight;

    /// <summary>The first height at which this validator double-signs (never 0: the setting is off then).</summary>
    public ulong AtHeight => atHeight;

    /// <summary>A validly signed prevote conflicting with <paramref name="signed"/> when this is the first prevote of
    /// this validator at a height from <see cref="AtHeight"/> on; otherwise null.</summary>
    public Vote? ConflictWith(Vote signed)
    {
        if (atHeight == 0 || signed.Height < atHeight || signed.Height == _lastHeight || signed.Type != SignedMsgType.Prevote
            || !signed.ValidatorAddress.Span.SequenceEqual(signer.Address))
        {
            return null;
        }

        _lastHeight = signed.Height;
        Vote conflicting = signed.Clone();
        conflicting.BlockId = BlockIdentity.IsNil(signed.BlockId)
            ? new BlockId { Hash = ByteString.CopyFrom(SHA256.HashData(Encoding.UTF8.GetBytes($"testing.double_sign_at_height {signed.Height}/{signed.Round}"))) }
            : BlockIdentity.Nil.Clone();
        conflicting.Signature = ByteString.CopyFrom(signer.Sign(CanonicalSignBytes.ForVote(chainId, conflicting)));
        return conflicting;
    }
}
