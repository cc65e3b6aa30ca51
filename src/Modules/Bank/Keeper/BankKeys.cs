using System.Text;

namespace Chain.Modules.Bank.Keeper;

/// <summary>
/// The bank's key space under "bank/": "a"+address → Account, "b"+address+denom → balance (u64 BE),
/// "s"+denom → supply (u64 BE), "n" → next account number, "p" → Params.
/// </summary>
public static class BankKeys
{
    public static readonly byte[] ModulePrefix = "bank/"u8.ToArray();
    public static readonly byte[] NextAccountNumber = "n"u8.ToArray();
    public static readonly byte[] Params = "p"u8.ToArray();

    /// <summary>The full state key (with the "bank/" prefix) of a key of the bank's space: what proofs are about.</summary>
    public static byte[] InState(ReadOnlySpan<byte> moduleKey) => [.. ModulePrefix, .. moduleKey];

    public static byte[] Account(ReadOnlySpan<byte> address) => Concat((byte)'a', address, []);

    public static byte[] Balance(ReadOnlySpan<byte> address, string denom)
    {
        // Denoms are ASCII (Coins.IsValidDenom): written straight into the key, with no array of their own (a non-ASCII
        // char still encodes as '?', as it did through Encoding.ASCII.GetBytes).
        var key = Concat((byte)'b', address, [], Encoding.ASCII.GetByteCount(denom));
        Encoding.ASCII.GetBytes(denom, key.AsSpan(1 + address.Length));
        return key;
    }

    public static byte[] BalancesOf(ReadOnlySpan<byte> address) => Concat((byte)'b', address, []);

    public static byte[] Supply(string denom) => Concat((byte)'s', Encoding.ASCII.GetBytes(denom), []);

    public static readonly byte[] AllSupply = "s"u8.ToArray();

    public static readonly byte[] AllBalances = "b"u8.ToArray();

    public static readonly byte[] AllAccounts = "a"u8.ToArray();

    private static byte[] Concat(byte kind, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, int room = 0)
    {
        var key = new byte[1 + a.Length + b.Length + room];
        key[0] = kind;
        a.CopyTo(key.AsSpan(1));
        b.CopyTo(key.AsSpan(1 + a.Length));
        return key;
    }
}
