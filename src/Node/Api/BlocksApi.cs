using Chain.Node.Production;
using Chain.Proto.NodeService;
using Chain.State.Blocks;
using Chain.State.Execution;
using Google.Protobuf;
using Grpc.Core;
using Status = Grpc.Core.Status;

namespace Chain.Node.Api;

/// <summary>chain.node.v1.Blocks: committed blocks with their results, and the validator set of each height.</summary>
public sealed class BlocksApi(BlockExecutor executor, ValidatorSetStore validatorSets) : Blocks.BlocksBase
{
    public override Task<GetBlockResponse> GetBlock(GetBlockRequest request, ServerCallContext context)
    {
        var latest = executor.LastHeight;
        var height = request.Height == 0 ? latest : request.Height;
        if (height == 0)
        {
            throw new RpcException(new Status(StatusCode.NotFound, "no block has been committed yet"));
        }

        if (height > latest)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"height {height} is above the latest committed height {latest}"));
        }

        var block = executor.Blocks.GetBlock(height)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"block {height} is not stored on this node"));
        var response = new GetBlockResponse
        {
            Block = block,
            BlockId = new Proto.Types.BlockId { Hash = ByteString.CopyFrom(BlockStore.HeaderHash(block.Header)) },
        };
        var results = executor.Blocks.GetResults(height);
        if (results is not null)
        {
            response.Results.AddRange(results.Results);
            response.BeginBlockEvents.AddRange(results.BeginBlockEvents);
            response.EndBlockEvents.AddRange(results.EndBlockEvents);
        }

        return Task.FromResult(response);
    }

    public override Task<GetValidatorsResponse> GetValidators(GetValidatorsRequest request, ServerCallContext context)
    {
        var next = executor.LastHeight + 1;
        var height = request.Height == 0 ? next : request.Height;
        if (height > next + 1)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"the validators of height {height} are not known yet; the latest committed height is {next - 1}, so they are known up to {next + 1}"));
        }

        var set = height == next + 1 ? validatorSets.SetsAt(next)?.Next : validatorSets.ValidatorsAt(height);
        if (set is null)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"the validators of height {height} are not stored on this node"));
        }

        var response = new GetValidatorsResponse { Height = height, TotalVotingPower = set.TotalVotingPower };
        response.Validators.AddRange(set.ToProto().Validators);
        return Task.FromResult(response);
    }
}
