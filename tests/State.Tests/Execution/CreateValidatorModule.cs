using Chain.Crypto;
using Chain.Proto.Bank;
using Chain.Proto.Staking;
using GenesisState = Chain.Proto.Bank.GenesisState;
using Chain.Proto.Types;
using Chain.State.Modules;
using Chain.State.Store;
using Google.Protobuf;

namespace Chain.State.Tests.Execution;

/// <summary>
/// A stand-in for the staking module in gen tx tests: its genesis is a bank section whose accounts it creates (with
/// their account numbers), it is the chain's account keeper (fees are not supported), and its handler of the real
/// <see cref="MsgCreateValidator"/> stores the validator and queues it, so that its EndBlock returns the validator
/// with power value / 10^6, as staking does. It also records the block time its handler saw.
/// </summary>
internal sealed class CreateValidatorModule : Module<GenesisState>, IAccountKeeper
{
    public const string ModuleName = "validators";
    public const ulong PowerReduction = 1_000_000;
    private static readonly byte[] PendingKey = "validators/pending"u8.ToArray();

    public CreateValidatorModule() => Handlers = [new CreateValidatorHandler()];

    public override string Name => ModuleName;

    public override IReadOnlyList<IMsgHandler> Handlers { get; }

    public override IReadOnlyList<object> Keepers => [this];

    public override GenesisState DefaultGenesis() => new();

    public override ExecResult ValidateGenesis(GenesisState genesis) => ExecResult.Ok;

    public override ExecResult InitGenesis(MsgContext context, GenesisState genesis)
    {
        foreach (var account in genesis.Accounts)
        {
            SetAccount(context.Store, Address.FromBech32(account.Address), new Account { AccountNumber = account.AccountNumber });
        }

        return ExecResult.Ok;
    }

    public override GenesisState ExportGenesis(IStateReader state, ulong height) => new();

    public override IReadOnlyList<ValidatorPowerUpdate> EndBlock(MsgContext context)
    {
        var pending = Pending(context.Store);
        if (pending.Validators.Count == 0)
        {
            return [];
        }

        context.Store.Delete(PendingKey);
        return pending.Validators.Select(v => new ValidatorPowerUpdate(v.PublicKey.ToByteArray(), v.Power)).ToArray();
    }

    public Account? GetAccount(IStateStore store, byte[] address) =>
        store.Get(AccountKey(address)) is { } bytes ? Account.Parser.ParseFrom(bytes) : null;

    public void SetAccount(IStateStore store, byte[] address, Account account) => store.Set(AccountKey(address), account.ToByteArray());

    public ExecResult DeductFee(MsgContext context, byte[] payer, IReadOnlyList<Coin> fee) => ExecResult.Error(ModuleName, 1, "fees are not supported");

    private static byte[] AccountKey(byte[] address) => [.. "validators/account/"u8, .. address];

    private static GenesisValidatorSet Pending(IStateReader store) =>
        store.Get(PendingKey) is { } bytes ? GenesisValidatorSet.Parser.ParseFrom(bytes) : new GenesisValidatorSet();

    private sealed class CreateValidatorHandler : MsgHandler<MsgCreateValidator>
    {
        protected override ExecResult ValidateBasic(MsgCreateValidator message) =>
            Address.TryFromBech32(message.ValidatorAddress, out _, out var error, Address.ValidatorOperatorPrefix)
                ? ExecResult.Ok
                : ExecResult.Error(ModuleName, 2, error);

        protected override byte[] Signer(MsgCreateValidator message) => Address.FromBech32(message.ValidatorAddress, Address.ValidatorOperatorPrefix);

        protected override ExecResult Handle(MsgContext context, MsgCreateValidator message)
        {
            var key = (byte[])[.. "validators/validator/"u8, .. message.Pubkey.Span];
            if (context.Store.Get(key) is not null)
            {
                return ExecResult.Error(ModuleName, 3, $"a validator with consensus key {Convert.ToHexStringLower(message.Pubkey.Span)} already exists");
            }

            context.Store.Set(key, BitConverter.GetBytes(context.Block.TimeUnixNanos));
            var pending = Pending(context.Store);
            pending.Validators.Add(new ValidatorPower { PublicKey = message.Pubkey, Power = (long)(message.Value / PowerReduction) });
            context.Store.Set(PendingKey, pending.ToByteArray());
            return ExecResult.Ok;
        }
    }

    /// <summary>The block time the handler saw when it created the validator with <paramref name="publicKey"/>; null when none.</summary>
    public static long? CreatedAt(IStateReader state, byte[] publicKey) =>
        state.Get([.. "validators/validator/"u8, .. publicKey]) is { } bytes ? BitConverter.ToInt64(bytes) : null;
}
