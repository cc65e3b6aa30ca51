using System.Text.Json;
using System.Text.Json.Serialization;

namespace Chain.Node.Genesis;

/// <summary>
/// A gentx file, config/gentx/gentx-&lt;node id&gt;.json: the base64 of the signed tx bytes ("tx"), with the validator's
/// operator address and moniker alongside for people reading it (they must match the tx). `chaind genesis gentx`
/// writes one; `chaind genesis collect-gentxs` reads every one in the directory into genesis.json's gen_txs.
/// </summary>
public static class GenTxFile
{
    /// <summary>A gentx file is a few hundred bytes; anything far larger is not one.</summary>
    public const int MaxBytes = 1024 * 1024;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>gentx-&lt;name&gt;.json in <paramref name="directory"/>; the name is the node id (or the operator's account address).</summary>
    public static string PathFor(string directory, string name) => Path.Combine(directory, $"gentx-{name}.json");

    public static void Write(string path, GenTx gentx)
    {
        var content = new Content(gentx.ValidatorAddress, gentx.Moniker, Convert.ToBase64String(gentx.Bytes));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(content, Json) + Environment.NewLine);
    }

    /// <summary>Reads and checks a gentx file for <paramref name="chainId"/>; <see cref="GenesisException"/> names the file and what is wrong.</summary>
    public static GenTx Read(string path, string chainId)
    {
        var name = Path.GetFileName(path);
        Content? content;
        try
        {
            if (new FileInfo(path).Length > MaxBytes)
            {
                throw new GenesisException($"{name}: larger than {MaxBytes} bytes; not a gentx file");
            }

            content = JsonSerializer.Deserialize<Content>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new GenesisException($"{name}: not a gentx file (expected {{\"validator_address\", \"moniker\", \"tx\"}}): {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GenesisException($"{path}: cannot read the gentx file: {e.Message}", e);
        }

        if (content is null || string.IsNullOrEmpty(content.Tx))
        {
            throw new GenesisException($"{name}: 'tx' is missing: it holds the base64 of the signed tx");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(content.Tx);
        }
        catch (FormatException e)
        {
            throw new GenesisException($"{name}: 'tx' is not base64", e);
        }

        var gentx = GenTx.TryDecode(bytes, chainId, out var error)
            ?? throw new GenesisException($"{name}: the tx {error}");
        if (content.ValidatorAddress is { Length: > 0 } address && address != gentx.ValidatorAddress)
        {
            throw new GenesisException($"{name}: 'validator_address' {address} is not the tx's validator {gentx.ValidatorAddress}");
        }

        if (content.Moniker is { Length: > 0 } moniker && moniker != gentx.Moniker)
        {
            throw new GenesisException($"{name}: 'moniker' {moniker} is not the tx's moniker {gentx.Moniker}");
        }

        return gentx;
    }

    private sealed record Content(string? ValidatorAddress, string? Moniker, string? Tx);
}
