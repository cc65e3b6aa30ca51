using System.Buffers.Binary;
using Chain.Crypto;
using Chain.Modules.Bank.Params;
using Chain.Proto.Bank;
using Chain.Proto.Types;
using Chain.State.Modules;
using Chain.State.Store;
using Chain.State.Types;
using Google.Protobuf;

namespace Chain.Modules.Bank.Keeper;

/// <summary>
/// Accounts, balances and supply. Every method takes the store to act on (a block's cache, the mempool's
/// check state, or committed state for queries) and keeps the bank's prefix itself.
/// Also what the tx pipeline uses for accounts and fees (<see cref="IAccountKeeper"/>), and what other modules use
/// (<see cref="IBankKeeper"/>).
/// </summary>
public sealed class BankKeeper : IAccountKeeper, IBankKeeper
{
    /// <summary>The module account fees are paid to; staking distributes from it.</summary>
    public static readonly byte[] FeeCollector = Address.FromPublicKey("module/fee_collector"u8);

    private static IStateStore Scoped(IStateStore store) => new PrefixStore(store, BankKeys.ModulePrefix);

    /// <summary>The bank's key space for reading; a store passed in (gas-metered or not) is read through as it is.</summary>
    private static IStateStore Scoped(IStateReader state) => Scoped(state as IStateStore ?? new ReadOnlyStateStore(state));

    private static ulong ReadU64(byte[]? raw) => raw is { Length: 8 } ? BinaryPrimitives.ReadUInt64BigEndian(raw) : 0;

    public Account? GetAccount(IStateStore store, byte[] address)
    {
        var raw = Scoped(store).Get(BankKeys.Account(address));
        return raw is null ? null : Account.Parser.ParseFrom(raw);
    }

    public void SetAccount(IStateStore store, byte[] address, Account account)
    {
        var stored = account;
        if (account.Address.Length != 0)
        {
            stored = account.Clone();
            stored.Address = string.Empty; // the key holds the address
        }

        Scoped(store).Set(BankKeys.Account(address), stored.ToByteArray());
    }

    /// <summary>Creates the account of <paramref name="address"/> with the next account number when it has none.</summary>
    private void EnsureAccount(IStateStore store, byte[] address)
    {
        if (Scoped(store).Get(BankKeys.Account(address)) is null) // whether it exists, without parsing it
        {
            CreateAccount(store, address);
        }
    }

    private void CreateAccount(IStateStore store, byte[] address)
    {
        var s = Scoped(store);
        var number = ReadU64(s.Get(BankKeys.NextAccountNumber));
        s.Set(BankKeys.NextAccountNumber, U64(number + 1));
        SetAccount(store, address, new Account { AccountNumber = number });
    }

    public ulong GetBalance(IStateReader store, ReadOnlySpan<byte> address, string denom) =>
        ReadU64(Scoped(store).Get(BankKeys.Balance(address, denom)));

    public ulong GetSupply(IStateReader store, string denom) => ReadU64(Scoped(store).Get(BankKeys.Supply(denom)));

    /// <summary>The params genesis wrote (<see cref="BankParams.Default"/> on a store genesis never reached).</summary>
    public Proto.Bank.Params GetParams(IStateReader store)
    {
        var raw = Scoped(store).Get(BankKeys.Params);
        return raw is null ? BankParams.Default() : Proto.Bank.Params.Parser.ParseFrom(raw);
    }

    public void SetParams(IStateStore store, Proto.Bank.Params p) => Scoped(store).Set(BankKeys.Params, p.ToByteArray());

    /// <summary>The number the next new account gets.</summary>
    public ulong GetNextAccountNumber(IStateReader store) => ReadU64(Scoped(store).Get(BankKeys.NextAccountNumber));

    public void SetNextAccountNumber(IStateStore store, ulong number) => Scoped(store).Set(BankKeys.NextAccountNumber, U64(number));

    /// <summary>Every account (address, record) in key order.</summary>
    public IEnumerable<(byte[] Address, Account Account)> AllAccounts(IStateReader state)
    {
        var scoped = new PrefixStore(new ReadOnlyStateStore(state), BankKeys.ModulePrefix);
        foreach (var (k, v) in scoped.IteratePrefix(BankKeys.AllAccounts))
        {
            yield return (k[1..], Account.Parser.ParseFrom(v));
        }
    }

    /// <summary>Moves coins; the sender must hold them all. The recipient's account is created if new. Changes nothing on error.</summary>
    public ExecResult Send(IStateStore store, byte[] from, byte[] to, IReadOnlyList<Coin> amount)
    {
        var toSelf = from.AsSpan().SequenceEqual(to);
        var s = Scoped(store);
        var have = new ulong[amount.Count];
        var received = new ulong[amount.Count];
        var fromKeys = new byte[amount.Count][];
        var toKeys = new byte[amount.Count][];
        for (var i = 0; i < amount.Count; i++)
        {
            var coin = amount[i];
            fromKeys[i] = BankKeys.Balance(from, coin.Denom);
            toKeys[i] = BankKeys.Balance(to, coin.Denom);
            have[i] = ReadU64(s.Get(fromKeys[i]));
            if (have[i] < coin.Amount)
            {
                return BankErrors.Error(BankErrors.InsufficientFunds,
                    $"{Address.ToBech32(from)} has {have[i]}{coin.Denom}, needs {coin.Amount}{coin.Denom}");
            }

            received[i] = toSelf ? 0 : ReadU64(s.Get(toKeys[i]));
            if (received[i] + coin.Amount < received[i])
            {
                return BankErrors.Error(BankErrors.SupplyOverflow, $"balance of {coin.Denom} would overflow");
            }
        }

        EnsureAccount(store, to);

        if (toSelf)
        {
            return ExecResult.Ok; // the balances are what they were
        }

        for (var i = 0; i < amount.Count; i++)
        {
            var coin = amount[i];
            if (have[i] == coin.Amount)
            {
                s.Delete(fromKeys[i]);
            }
            else
            {
                s.Set(fromKeys[i], U64(have[i] - coin.Amount));
            }

            s.Set(toKeys[i], U64(received[i] + coin.Amount));
        }

        return ExecResult.Ok;
    }

    /// <summary>Creates coins in an account and the supply (genesis, and later inflation).</summary>
    public ExecResult Mint(IStateStore store, byte[] to, Coin coin)
    {
        var s = Scoped(store);
        var supply = GetSupply(store, coin.Denom);
        var balance = GetBalance(store, to, coin.Denom);
        if (supply + coin.Amount < supply)
        {
            return BankErrors.Error(BankErrors.SupplyOverflow, $"supply of {coin.Denom} would overflow 64 bits");
        }

        EnsureAccount(store, to);

        s.Set(BankKeys.Supply(coin.Denom), U64(supply + coin.Amount));
        s.Set(BankKeys.Balance(to, coin.Denom), U64(balance + coin.Amount));
        return ExecResult.Ok;
    }

    public ExecResult Mint(IStateStore store, byte[] to, ulong amount) =>
        amount == 0 ? ExecResult.Ok : Mint(store, to, new Coin { Denom = Coins.BaseDenom, Amount = amount });

    public ExecResult Burn(IStateStore store, byte[] from, ulong amount)
    {
        if (amount == 0)
        {
            return ExecResult.Ok;
        }

        var balance = GetBalance(store, from, Coins.BaseDenom);
        if (balance < amount)
        {
            return BankErrors.Error(BankErrors.InsufficientFunds, $"{Address.ToBech32(from)} has {balance}{Coins.BaseDenom}, cannot burn {amount}{Coins.BaseDenom}");
        }

        var s = Scoped(store);
        var supply = GetSupply(store, Coins.BaseDenom);
        s.Set(BankKeys.Supply(Coins.BaseDenom), U64(supply - amount));
        var key = BankKeys.Balance(from, Coins.BaseDenom);
        if (balance == amount)
        {
            s.Delete(key);
        }
        else
        {
            s.Set(key, U64(balance - amount));
        }

        return ExecResult.Ok;
    }

    /// <inheritdoc cref="IBankKeeper.Send(IStateStore, byte[], byte[], ulong)"/>
    public ExecResult Send(IStateStore store, byte[] from, byte[] to, ulong amount) =>
        amount == 0 ? ExecResult.Ok : Send(store, from, to, [new Coin { Denom = Coins.BaseDenom, Amount = amount }]);

    public ExecResult DeductFee(MsgContext context, byte[] payer, IReadOnlyList<Coin> fee)
    {
        var r = Send(context.Store, payer, FeeCollector, fee);
        return r.IsOk
            ? r
            : ExecResult.Error(State.Transactions.TxCodes.Codespace, State.Transactions.TxCodes.InsufficientFunds, $"cannot pay the fee: {r.Log}");
    }

    /// <summary>Every balance (address, denom, amount) in key order.</summary>
    public IEnumerable<(byte[] Address, string Denom, ulong Amount)> AllBalances(IStateReader state)
    {
        var scoped = new PrefixStore(new ReadOnlyStateStore(state), BankKeys.ModulePrefix);
        foreach (var (k, v) in scoped.IteratePrefix(BankKeys.AllBalances))
        {
            yield return (k[1..(1 + Address.Size)], System.Text.Encoding.ASCII.GetString(k, 1 + Address.Size, k.Length - 1 - Address.Size), BinaryPrimitives.ReadUInt64BigEndian(v));
        }
    }

    public IEnumerable<(string Denom, ulong Amount)> AllSupply(IStateReader state)
    {
        var scoped = new PrefixStore(new ReadOnlyStateStore(state), BankKeys.ModulePrefix);
        foreach (var (k, v) in scoped.IteratePrefix(BankKeys.AllSupply))
        {
            yield return (System.Text.Encoding.ASCII.GetString(k, 1, k.Length - 1), BinaryPrimitives.ReadUInt64BigEndian(v));
        }
    }

    private static byte[] U64(ulong value)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, value);
        return b;
    }
}
