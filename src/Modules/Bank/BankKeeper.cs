using System.Buffers.Binary;
using Chain.Crypto;
using Chain.Proto.Bank;
using Chain.Proto.Types;
using Chain.State.Modules;
using Chain.State.Store;
using Google.Protobuf;

namespace Chain.Modules.Bank;

/// <summary>
/// Accounts, balances and supply. Every method takes the store to act on (a block's cache, the mempool's
/// check state, or committed state for queries) and keeps the bank's prefix itself.
/// Also what the tx pipeline uses for accounts and fees (<see cref="IAccountKeeper"/>).
/// </summary>
public sealed class BankKeeper : IAccountKeeper
{
    /// <summary>The module account fees are paid to; staking distributes from it.</summary>
    public static readonly byte[] FeeCollector = Address.FromPublicKey("module/fee_collector"u8);

    private static IStateStore Scoped(IStateStore store) => new PrefixStore(store, BankKeys.ModulePrefix);

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

    /// <summary>The account of <paramref name="address"/>, created with the next account number when missing.</summary>
    public Account GetOrCreateAccount(IStateStore store, byte[] address)
    {
        var account = GetAccount(store, address);
        if (account is not null)
        {
            account.Address = Address.ToBech32(address);
            return account;
        }

        var s = Scoped(store);
        var raw = s.Get(BankKeys.NextAccountNumber);
        var number = raw is { Length: 8 } ? BinaryPrimitives.ReadUInt64BigEndian(raw) : 0;
        s.Set(BankKeys.NextAccountNumber, U64(number + 1));
        account = new Account { AccountNumber = number };
        SetAccount(store, address, account);
        account.Address = Address.ToBech32(address);
        return account;
    }

    public ulong GetBalance(IStateReader store, ReadOnlySpan<byte> address, string denom)
    {
        var raw = new PrefixStore(new ReadOnlyStateStore(store), BankKeys.ModulePrefix).Get(BankKeys.Balance(address, denom));
        return raw is { Length: 8 } ? BinaryPrimitives.ReadUInt64BigEndian(raw) : 0;
    }

    public ulong GetBalance(IStateStore store, ReadOnlySpan<byte> address, string denom)
    {
        var raw = Scoped(store).Get(BankKeys.Balance(address, denom));
        return raw is { Length: 8 } ? BinaryPrimitives.ReadUInt64BigEndian(raw) : 0;
    }

    public ulong GetSupply(IStateStore store, string denom)
    {
        var raw = Scoped(store).Get(BankKeys.Supply(denom));
        return raw is { Length: 8 } ? BinaryPrimitives.ReadUInt64BigEndian(raw) : 0;
    }

    public Params GetParams(IStateStore store)
    {
        var raw = Scoped(store).Get(BankKeys.Params);
        return raw is null ? new Params { SendEnabled = true } : Params.Parser.ParseFrom(raw);
    }

    public void SetParams(IStateStore store, Params p) => Scoped(store).Set(BankKeys.Params, p.ToByteArray());

    /// <summary>Moves coins; the sender must hold them all. The recipient's account is created if new. Changes nothing on error.</summary>
    public ExecResult Send(IStateStore store, byte[] from, byte[] to, IReadOnlyList<Coin> amount)
    {
        var s = Scoped(store);
        foreach (var coin in amount)
        {
            var have = GetBalance(store, from, coin.Denom);
            if (have < coin.Amount)
            {
                return BankErrors.Error(BankErrors.InsufficientFunds,
                    $"{Address.ToBech32(from)} has {have}{coin.Denom}, needs {coin.Amount}{coin.Denom}");
            }
        }

        if (GetAccount(store, to) is null)
        {
            GetOrCreateAccount(store, to);
        }

        foreach (var coin in amount)
        {
            var fromKey = BankKeys.Balance(from, coin.Denom);
            var left = GetBalance(store, from, coin.Denom) - coin.Amount;
            if (left == 0)
            {
                s.Delete(fromKey);
            }
            else
            {
                s.Set(fromKey, U64(left));
            }

            var received = GetBalance(store, to, coin.Denom);
            if (received + coin.Amount < received)
            {
                return BankErrors.Error(BankErrors.SupplyOverflow, $"balance of {coin.Denom} would overflow");
            }

            s.Set(BankKeys.Balance(to, coin.Denom), U64(received + coin.Amount));
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

        GetOrCreateAccount(store, to);
        s.Set(BankKeys.Supply(coin.Denom), U64(supply + coin.Amount));
        s.Set(BankKeys.Balance(to, coin.Denom), U64(balance + coin.Amount));
        return ExecResult.Ok;
    }

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
