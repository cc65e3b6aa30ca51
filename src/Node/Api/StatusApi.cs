using Chain.Crypto;
using Chain.Node.Config;
using Chain.Node.Reactors;
using Chain.Proto.NodeService;
using Chain.State.Blocks;
using Chain.State.Execution;
using Google.Protobuf;
using Grpc.Core;
using Status = Grpc.Core.Status;

namespace Chain.Node.Api;

/// <summary>chain.node.v1.Status: who this node is and where its chain stands.</summary>
public sealed class StatusApi(BlockExecutor executor, Mempool.Mempool mempool, NodeConfig config, NodeIdentity identity, BlockSyncReactor sync) : Proto.NodeService.Status.StatusBase
{
    public override Task<StatusResponse> GetStatus(StatusRequest request, ServerCallContext context)
    {
        // One read of the tip: the height, its block and the app hash must belong together while blocks commit.
        var tip = executor.Tip;
        var progress = sync.Progress();
        var response = new StatusResponse
        {
            ChainId = executor.ChainId,
            NodeId = identity.NodeId,
            Moniker = config.Moniker,
            LatestHeight = tip.Height,
            LatestAppHash = ByteString.CopyFrom(tip.AppHash),
            MempoolSize = (uint)mempool.Count,
            ValidatorAddress = ByteString.CopyFrom(identity.ValidatorAddress),
            Version = NodeIdentity.Version,
            CatchingUp = progress.CatchingUp,
            SyncTargetHeight = progress.TargetHeight,
            SyncBlocksPerSecond = progress.BlocksPerSecond,
            SyncSecondsLeft = progress.SecondsLeft,
        };
        if (tip.Height > 0 && executor.Blocks.Summary(tip.Height) is { } block)
        {
            response.LatestBlockHash = ByteString.CopyFrom(block.Hash);
            response.LatestBlockTimeUnixNanos = block.TimeUnixNanos;
        }

        return Task.FromResult(response);
    }
}
