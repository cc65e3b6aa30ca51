using Chain.Crypto;
using Chain.Modules.Staking.Keeper;
using Chain.Proto.Staking;
using Chain.State.Queries;
using Chain.State.Store;
using Chain.State.Types;
using Google.Protobuf;
using Grpc.Core;

namespace Chain.Modules.Staking.Queries;

/// <summary>chain.staking.v1.Query over the committed state: validators, delegations, unbonding, rewards, commission, pools, params, signing infos, minter.</summary>
public sealed class StakingQueryService(QueryContext state, StakingModule module) : Query.QueryBase
{
    private const uint MaxLimit = KeyPages.MaxLimit;

    private StakingRecords Records => module.Records;

    public override Task<QueryValidatorsResponse> Validators(QueryValidatorsRequest request, ServerCallContext context)
    {
        var committed = state.Committed;
        var response = new QueryValidatorsResponse { Height = state.Height };
        var items = Records.AllValidators(committed)
            .Where(v => request.Status == BondStatus.Unspecified || v.Status == request.Status)
            .Select(v => (Key: StakingRecords.Operator(v), Item: v));
        response.Pagination = Page(items, request.Pagination, response.Validators);
        return Task.FromResult(response);
    }

    public override Task<QueryValidatorResponse> Validator(QueryValidatorRequest request, ServerCallContext context)
    {
        var op = ParseOperator(request.ValidatorAddress, "validator_address");
        var v = Records.GetValidator(state.Committed, op) ?? throw NotFound($"validator {request.ValidatorAddress} does not exist");
        return Task.FromResult(new QueryValidatorResponse { Validator = v, Height = state.Height });
    }

    public override Task<QueryDelegationsResponse> ValidatorDelegations(QueryValidatorDelegationsRequest request, ServerCallContext context)
    {
        var committed = state.Committed;
        var op = ParseOperator(request.ValidatorAddress, "validator_address");
        var v = Records.GetValidator(committed, op) ?? throw NotFound($"validator {request.ValidatorAddress} does not exist");
        var response = new QueryDelegationsResponse { Height = state.Height };
        var items = Records.DelegatorsOf(committed, op).Select(del => (Key: del, Item: WithBalance(v, Records.GetDelegation(committed, del, op)!)));
        response.Pagination = Page(items, request.Pagination, response.Delegations);
        return Task.FromResult(response);
    }

    public override Task<QueryDelegationsResponse> DelegatorDelegations(QueryDelegatorDelegationsRequest request, ServerCallContext context)
    {
        var committed = state.Committed;
        var del = QueryContext.ParseAddress(request.DelegatorAddress, "delegator_address");
        var response = new QueryDelegationsResponse { Height = state.Height };
        var items = Records.DelegationsOf(committed, del).Select(d =>
        {
            var op = Address.FromBech32(d.ValidatorAddress, Address.ValidatorOperatorPrefix);
            return (Key: op, Item: WithBalance(Records.GetValidator(committed, op)!, d));
        });
        response.Pagination = Page(items, request.Pagination, response.Delegations);
        return Task.FromResult(response);
    }

    public override Task<QueryDelegationResponse> Delegation(QueryDelegationRequest request, ServerCallContext context)
    {
        var committed = state.Committed;
        var del = QueryContext.ParseAddress(request.DelegatorAddress, "delegator_address");
        var op = ParseOperator(request.ValidatorAddress, "validator_address");
        var v = Records.GetValidator(committed, op) ?? throw NotFound($"validator {request.ValidatorAddress} does not exist");
        var d = Records.GetDelegation(committed, del, op) ?? throw NotFound($"{request.DelegatorAddress} has no delegation to {request.ValidatorAddress}");
        return Task.FromResult(new QueryDelegationResponse { Delegation = WithBalance(v, d), Height = state.Height });
    }

    public override Task<QueryUnbondingDelegationsResponse> UnbondingDelegations(QueryUnbondingDelegationsRequest request, ServerCallContext context)
    {
        var committed = state.Committed;
        var response = new QueryUnbondingDelegationsResponse { Height = state.Height };
        if (request.DelegatorAddress.Length == 0 && request.ValidatorAddress.Length == 0)
        {
            throw Invalid("give delegator_address, validator_address or both");
        }

        if (request.DelegatorAddress.Length > 0)
        {
            var del = QueryContext.ParseAddress(request.DelegatorAddress, "delegator_address");
            var filter = request.ValidatorAddress.Length > 0 ? StakingRecords.OperatorText(ParseOperator(request.ValidatorAddress, "validator_address")) : null;
            response.UnbondingDelegations.AddRange(Records.UnbondingsOf(committed, del).Where(u => filter is null || u.ValidatorAddress == filter).Take((int)MaxLimit));
        }
        else
        {
            response.UnbondingDelegations.AddRange(Records.UnbondingsFrom(committed, ParseOperator(request.ValidatorAddress, "validator_address")).Take((int)MaxLimit));
        }

        return Task.FromResult(response);
    }

    public override Task<QueryRedelegationsResponse> Redelegations(QueryRedelegationsRequest request, ServerCallContext context)
    {
        var committed = state.Committed;
        var del = QueryContext.ParseAddress(request.DelegatorAddress, "delegator_address");
        var filter = request.ValidatorSrcAddress.Length > 0 ? StakingRecords.OperatorText(ParseOperator(request.ValidatorSrcAddress, "validator_src_address")) : null;
        var response = new QueryRedelegationsResponse { Height = state.Height };
        response.Redelegations.AddRange(Records.RedelegationsOf(committed, del).Where(r => filter is null || r.ValidatorSrcAddress == filter).Take((int)MaxLimit));
        return Task.FromResult(response);
    }

    public override Task<QueryPoolResponse> Pool(QueryPoolRequest request, ServerCallContext context)
    {
        var committed = state.Committed;
        return Task.FromResult(new QueryPoolResponse
        {
            Pool = new Pool
            {
                BondedTokens = module.Bank.GetBalance(committed, StakingAccounts.BondedPool, Coins.BaseDenom),
                NotBondedTokens = module.Bank.GetBalance(committed, StakingAccounts.NotBondedPool, Coins.BaseDenom),
            },
            Height = state.Height,
        });
    }

    public override Task<QueryParamsResponse> Params(QueryParamsRequest request, ServerCallContext context)
    {
        var committed = state.Committed;
        return Task.FromResult(new QueryParamsResponse
        {
            Staking = Records.GetParams(committed),
            Distribution = Records.GetDistributionParams(committed),
            Slashing = Records.GetSlashingParams(committed),
            Mint = Records.GetMintParams(committed),
            Height = state.Height,
        });
    }

    public override Task<QueryRewardsResponse> Rewards(QueryRewardsRequest request, ServerCallContext context)
    {
        var committed = state.Committed;
        var height = state.Height;
        var del = QueryContext.ParseAddress(request.DelegatorAddress, "delegator_address");
        var response = new QueryRewardsResponse { Height = height };
        var total = Dec.Zero;
        IEnumerable<Delegation> delegations;
        if (request.ValidatorAddress.Length > 0)
        {
            var op = ParseOperator(request.ValidatorAddress, "validator_address");
            var d = Records.GetDelegation(committed, del, op) ?? throw NotFound($"{request.DelegatorAddress} has no delegation to {request.ValidatorAddress}");
            delegations = [d];
        }
        else
        {
            delegations = Records.DelegationsOf(committed, del).Take((int)MaxLimit);
        }

        foreach (var d in delegations)
        {
            var v = Records.GetValidator(committed, Address.FromBech32(d.ValidatorAddress, Address.ValidatorOperatorPrefix))!;
            var reward = module.Distribution.PendingRewards(committed, v, d, height);
            total += reward;
            response.Rewards.Add(new DelegationReward { ValidatorAddress = d.ValidatorAddress, Reward = reward.ToString() });
        }

        response.Total = total.ToString();
        return Task.FromResult(response);
    }

    public override Task<QueryCommissionResponse> Commission(QueryCommissionRequest request, ServerCallContext context)
    {
        var committed = state.Committed;
        var op = ParseOperator(request.ValidatorAddress, "validator_address");
        _ = Records.GetValidator(committed, op) ?? throw NotFound($"validator {request.ValidatorAddress} does not exist");
        return Task.FromResult(new QueryCommissionResponse
        {
            Commission = module.Distribution.GetCommission(committed, op).ToString(),
            OutstandingRewards = module.Distribution.GetOutstanding(committed, op).ToString(),
            Height = state.Height,
        });
    }

    public override Task<QueryCommunityPoolResponse> CommunityPool(QueryCommunityPoolRequest request, ServerCallContext context) =>
        Task.FromResult(new QueryCommunityPoolResponse { Pool = module.Distribution.GetCommunityPool(state.Committed).ToString(), Height = state.Height });

    public override Task<QuerySigningInfoResponse> SigningInfo(QuerySigningInfoRequest request, ServerCallContext context)
    {
        var committed = state.Committed;
        byte[] cons;
        if (request.Address.StartsWith(Address.ValidatorOperatorPrefix, StringComparison.Ordinal))
        {
            var v = Records.GetValidator(committed, ParseOperator(request.Address, "address")) ?? throw NotFound($"validator {request.Address} does not exist");
            cons = StakingRecords.ConsensusAddress(v);
        }
        else if (!Address.TryFromBech32(request.Address, out cons, out var error, Address.ValidatorConsensusPrefix))
        {
            throw Invalid($"address: {error} (give a chainvalcons... or chainvaloper... address)");
        }

        var info = Records.GetSigningInfo(committed, cons) ?? throw NotFound($"no signing info for {request.Address}: the validator has never been bonded");
        return Task.FromResult(new QuerySigningInfoResponse { Info = info, Height = state.Height });
    }

    public override Task<QuerySigningInfosResponse> SigningInfos(QuerySigningInfosRequest request, ServerCallContext context)
    {
        var response = new QuerySigningInfosResponse { Height = state.Height };
        response.Infos.AddRange(Records.AllSigningInfos(state.Committed).Take((int)MaxLimit));
        return Task.FromResult(response);
    }

    public override Task<QueryMinterResponse> Minter(QueryMinterRequest request, ServerCallContext context) =>
        Task.FromResult(new QueryMinterResponse { Minter = Records.GetMinter(state.Committed), Height = state.Height });

    private static DelegationResponse WithBalance(Validator v, Delegation d) => new()
    {
        Delegation = d,
        Balance = v.Tokens == 0 ? 0 : v.TokensFromSharesTruncated(Dec.Parse(d.Shares)).TruncateU64(),
    };

    private static PageResponse Page<T>(IEnumerable<(byte[] Key, T Item)> items, PageRequest? request, Google.Protobuf.Collections.RepeatedField<T> into) =>
        new() { NextKey = ByteString.CopyFrom(KeyPages.Page(items, request?.Key.ToByteArray() ?? [], request?.Limit ?? 0, into)) };

    private static byte[] ParseOperator(string text, string field) =>
        Address.TryFromBech32(text, out var op, out var error, Address.ValidatorOperatorPrefix) ? op : throw Invalid($"{field}: {error}");

    private static RpcException NotFound(string message) => new(new Status(StatusCode.NotFound, message));

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
