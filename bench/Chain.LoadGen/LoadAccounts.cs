using System.Globalization;
using System.Text;
using Chain.Crypto;

namespace Chain.LoadGen;

/// <summary>
/// The load generator's senders. Key i is derived from its index (SHA-256 of "chain-loadgen-key-i"), so the fund
/// step and the send step agree on the accounts without a key file. These keys are public: testnets only.
/// </summary>
public static class LoadAccounts
{
    /// <summary>Each funded account's balance in uchn: enough for millions of transfers with their fees.</summary>
    public const ulong Funds = 1_000_000_000_000;

    public static PrivateKey Key(int index) =>
        PrivateKey.FromBytes(Hashes.Sha256(Encoding.ASCII.GetBytes("chain-loadgen-key-" + index.ToString(CultureInfo.InvariantCulture))));

    /// <summary>Keys 0 to count-1, derived on all cores.</summary>
    public static PrivateKey[] Keys(int count)
    {
        var keys = new PrivateKey[count];
        Parallel.For(0, count, i => keys[i] = Key(i));
        return keys;
    }
}
