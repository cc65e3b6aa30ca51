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
        var progress = sync.Progress();
        var response = new StatusResponse
        {
            ChainId = executor.ChainId,
            NodeId = identity.NodeId,
            Moniker = config.Moniker,
            LatestHeight = executor.LastHeight,
            LatestAppHash = ByteString.CopyFrom(executor.LastAppHash),
            MempoolSize = (uint)mempool.Count,
            ValidatorAddress = ByteString.CopyFrom(identity.ValidatorAddress),
            Version = NodeIdentity.Version,
            CatchingUp = progress.CatchingUp,
            SyncTargetHeight = progress.TargetHeight,
            SyncBlocksPerSecond = progress.BlocksPerSecond,
            SyncSecondsLeft = progress.SecondsLeft,
        };
        if (executor.LastHeight > 0 && executor.Blocks.GetBlock(executor.LastHeight) is { } block)
        {
            response.LatestBlockHash = ByteString.CopyFrom(BlockStore.HeaderHash(block.Header));
            response.LatestBlockTimeUnixNanos = block.Header.TimeUnixNanos;
        }

        return Task.FromResult(response);
    }
}
