using System.Globalization;
using System.Text.RegularExpressions;
using Chain.Crypto;
using Chain.Node.App;
using Chain.Proto.Genesis;
using Chain.State.Modules;

namespace Chain.Node.Genesis;

/// <summary>The checks a genesis document passes before a node starts from it; each failure names the key path.</summary>
public static partial class GenesisRules
{
    public const ulong MaxBlockBytes = 100UL * 1024 * 1024;

    /// <summary>Total voting power stays far from overflow when summed with priorities (as CometBFT does).</summary>
    public const long MaxTotalPower = long.MaxValue / 8;

    /// <summary>
    /// Throws <see cref="GenesisException"/> at the first rule <paramref name="doc"/> breaks: the chain's own keys, then
    /// every module's section (<see cref="ModuleSet.ValidateGenesis"/>; the node's modules unless others are given).
    /// </summary>
    public static void Validate(GenesisDoc doc, string source = "genesis.json", ModuleSet? moduleSet = null)
    {
        void Fail(string path, string message) => throw new GenesisException($"{source}: '{path}' {message}");

        if (!ChainIdPattern().IsMatch(doc.ChainId))
        {
            Fail("chain_id", $"\"{doc.ChainId}\" must be 1 to 48 characters of a-z, 0-9 and '-'");
        }

        if (!TryParseTime(doc.GenesisTime, out _))
        {
            Fail("genesis_time", $"\"{doc.GenesisTime}\" must be an RFC 3339 time such as 2026-01-02T15:04:05Z");
        }

        if (doc.InitialHeight < 1)
        {
            Fail("initial_height", "must be at least 1");
        }

        var consensus = doc.ConsensusParams;
        if (consensus is null)
        {
            Fail("consensus_params", "is missing");
        }
        else
        {
            if (consensus.BlockMaxBytes is 0 or > MaxBlockBytes)
            {
                Fail("consensus_params.block_max_bytes", $"must be from 1 to {MaxBlockBytes} (100 MiB)");
            }

            if (consensus.BlockMaxGas == 0)
            {
                Fail("consensus_params.block_max_gas", "must be above 0");
            }

            if (consensus.TxMaxBytes == 0 || consensus.TxMaxBytes > consensus.BlockMaxBytes)
            {
                Fail("consensus_params.tx_max_bytes", $"must be from 1 to block_max_bytes ({consensus.BlockMaxBytes})");
            }
        }

        if (doc.Validators.Count == 0)
        {
            Fail("validators", "must list at least one validator");
        }

        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        long totalPower = 0;
        for (var i = 0; i < doc.Validators.Count; i++)
        {
            var v = doc.Validators[i];
            var path = $"validators[{i}]";
            if (v.Name.Length > 0
                && !Address.TryFromBech32(v.Name, out _, out _, Address.ValidatorOperatorPrefix)
                && !Address.TryFromBech32(v.Name, out _, out _))
            {
                Fail(path + ".name", $"\"{v.Name}\" must be a bech32 address with prefix '{Address.ValidatorOperatorPrefix}' or '{Address.AccountPrefix}', or empty");
            }

            if (!TryParsePublicKey(v.PublicKey, out _))
            {
                Fail(path + ".public_key", "must be the hex of a valid 33-byte compressed secp256k1 public key");
            }

            if (!keys.Add(v.PublicKey))
            {
                Fail(path + ".public_key", "repeats the key of an earlier validator");
            }

            if (v.Power <= 0)
            {
                Fail(path + ".power", "must be above 0");
            }

            if (v.Power > MaxTotalPower - totalPower)
            {
                Fail(path + ".power", $"brings the total voting power above {MaxTotalPower}");
            }

            totalPower += v.Power;
        }

        var modules = (moduleSet ?? ModuleCatalog.Create()).ValidateGenesis(doc);
        if (!modules.IsOk)
        {
            throw new GenesisException($"{source}: {modules.Log}");
        }
    }

    /// <summary>Writes <paramref name="time"/> as genesis_time: RFC 3339 in UTC with seven fractional digits.</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Reads an RFC 3339 time ("2026-01-02T15:04:05Z", fractions up to nanoseconds, an offset or Z).</summary>
    public static bool TryParseTime(string text, out DateTimeOffset time)
    {
        time = default;
        var match = Rfc3339Pattern().Match(text);
        if (!match.Success)
        {
            return false;
        }

        // .NET keeps 7 fractional digits; RFC 3339 allows any number, Go writes up to 9.
        var fraction = match.Groups["fraction"].Value;
        var normalized = match.Groups["seconds"].Value
            + (fraction.Length > 0 ? "." + fraction[..Math.Min(7, fraction.Length)] : string.Empty)
            + (match.Groups["zone"].Value is "Z" or "z" ? "+00:00" : match.Groups["zone"].Value);
        normalized = normalized.Replace('t', 'T');
        return DateTimeOffset.TryParse(normalized, CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
    }

    /// <summary>Decodes the hex of a valid compressed secp256k1 public key.</summary>
    public static bool TryParsePublicKey(string hex, out byte[] key)
    {
        key = [];
        if (hex.Length != Secp256k1.CompressedPublicKeySize * 2 || !hex.All(char.IsAsciiHexDigit))
        {
            return false;
        }

        key = Convert.FromHexString(hex);
        return Secp256k1.IsValidPublicKey(key);
    }

    [GeneratedRegex("^[a-z0-9-]{1,48}$", RegexOptions.CultureInvariant)]
    private static partial Regex ChainIdPattern();

    [GeneratedRegex(@"^(?<seconds>\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2})(\.(?<fraction>\d{1,9}))?(?<zone>[Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339Pattern();
}
