using System.Security.Cryptography;
using System.Text;
using Chain.Consensus.Blocks;
using Chain.Proto.Types;
using Google.Protobuf;

namespace Chain.Consensus.Tests.Simulation;

/// <summary>Blocks of the simulated chain: one tx naming who built it; a tx "INVALID" makes the block invalid, a tag
/// starting with "UNTIMELY" makes its time run too far ahead of the validators' clocks.</summary>
public sealed class SimBlocks(string chainId) : IProposalValidator
{
    public string ChainId { get; } = chainId;

    public Block Make(BlockRequest request, string tag, bool invalid = false)
    {
        ByteString tx = ByteString.CopyFrom(Encoding.UTF8.GetBytes(invalid ? "INVALID" : tag));
        var block = new Block
        {
            Header = new Header
            {
                ChainId = ChainId,
                Height = request.Height,
                TimeUnixNanos = request.Round,
                ProposerAddress = ByteString.CopyFrom(request.ProposerAddress),
                LastBlockId = request.LastCommit?.BlockId ?? new BlockId(),
                DataHash = ByteString.CopyFrom(SHA256.HashData(tx.Span)),
                ValidatorsHash = ByteString.CopyFrom(request.Validators.Hash()),
            },
            Data = new Data(),
        };
        block.Data.Txs.Add(tx);
        block.Header.AppHash = ByteString.CopyFrom(Encoding.UTF8.GetBytes(tag));
        return block;
    }

    public bool IsValid(Block block)
    {
        if (block.Header is null || block.Header.ChainId != ChainId || block.Data is null || block.Data.Txs.Count != 1)
        {
            return false;
        }

        ByteString tx = block.Data.Txs[0];
        return SHA256.HashData(tx.Span).AsSpan().SequenceEqual(block.Header.DataHash.Span) && tx.ToStringUtf8() != "INVALID";
    }

    public bool IsTimely(Block block) =>
        block.Data is not { Txs.Count: 1 } data || !data.Txs[0].ToStringUtf8().StartsWith("UNTIMELY", StringComparison.Ordinal);
}
