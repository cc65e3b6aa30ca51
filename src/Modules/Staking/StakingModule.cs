using Chain.Modules.Bank.Keeper;
using Chain.Modules.Staking.Genesis;
using Chain.Modules.Staking.Handlers;
using Chain.Modules.Staking.Invariants;
using Chain.Modules.Staking.Keeper;
using Chain.Modules.Staking.Queries;
using Chain.Proto.Staking;
using Chain.State.Modules;
using Chain.State.Queries;
using Chain.State.Store;

namespace Chain.Modules.Staking;

/// <summary>
/// Delegated proof of stake (Cosmos SDK x/staking, x/distribution, x/slashing, x/evidence and x/mint in one module):
/// BeginBlock mints, distributes the fee collector to the last commit's validators by F1, counts liveness and
/// slashes the block's evidence; EndBlock picks the bonded set and returns the validator updates. Needs the bank's
/// <see cref="IBankKeeper"/>; offers <see cref="IWorkRewards"/> to the work module.
/// </summary>
public sealed class StakingModule : Module<GenesisState>
{
    public const string ModuleName = "staking";

    public StakingModule(IBankKeeper bank)
    {
        Bank = bank;
        Records = new StakingRecords();
        Distribution = new DistributionKeeper(Records, bank);
        Staking = new StakingKeeper(Records, Distribution, bank);
        Slasher = new SlashKeeper(Records, Staking, Distribution, bank);
        Slashing = new SlashingKeeper(Records, Staking, Slasher);
        ValidatorSet = new ValidatorSetKeeper(Records, Staking, bank);
        Mint = new MintKeeper(Records, bank);
        Handlers =
        [
            new CreateValidatorHandler(Staking), new EditValidatorHandler(Staking), new DelegateHandler(Staking), new UndelegateHandler(Staking),
            new BeginRedelegateHandler(Staking), new CancelUnbondingHandler(Staking), new UnjailHandler(Slashing),
            new WithdrawRewardHandler(Records, Distribution), new WithdrawCommissionHandler(Records, Distribution), new FundCommunityPoolHandler(Distribution, bank),
        ];
        Keepers = [new WorkRewards(Records)];
    }

    public IBankKeeper Bank { get; }

    public StakingRecords Records { get; }

    public DistributionKeeper Distribution { get; }

    public StakingKeeper Staking { get; }

    public SlashKeeper Slasher { get; }

    public SlashingKeeper Slashing { get; }

    public ValidatorSetKeeper ValidatorSet { get; }

    public MintKeeper Mint { get; }

    public override string Name => ModuleName;

    public override IReadOnlyList<IMsgHandler> Handlers { get; }

    public override IReadOnlyList<object> Keepers { get; }

    public override GenesisState DefaultGenesis() => StakingGenesis.Default();

    public override ExecResult ValidateGenesis(GenesisState genesis) => StakingGenesis.Import(Records, Distribution, new CacheState(EmptyState.Instance), genesis);

    public override ExecResult InitGenesis(MsgContext context, GenesisState genesis)
    {
        var r = StakingGenesis.Import(Records, Distribution, context.Store, genesis);
        return r.IsOk ? StakingGenesis.CheckPools(Records, Bank, context.Store) : r;
    }

    public override GenesisState ExportGenesis(IStateReader state, ulong height) => StakingGenesis.Export(Records, Distribution, state, height);

    /// <summary>Mint, then distribute the fee collector by the last commit, then liveness and evidence (the SDK's order).</summary>
    public override void BeginBlock(MsgContext context)
    {
        Mint.BeginBlock(context);
        Distribution.AllocateTokens(context, context.Block.LastCommitVotes);
        Slashing.BeginBlock(context);
    }

    public override IReadOnlyList<ValidatorPowerUpdate> EndBlock(MsgContext context) => ValidatorSet.EndBlock(context);

    public override IReadOnlyList<string> CheckInvariants(IStateReader state) => StakingInvariants.Check(Records, Distribution, Bank, state);

    public override IReadOnlyList<QueryService> QueryServices(QueryContext queries) => [QueryService.Of(new StakingQueryService(queries, this))];
}
