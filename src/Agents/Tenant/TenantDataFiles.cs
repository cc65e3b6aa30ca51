namespace Chain.Agents.Tenant;

/// <summary>
/// The optional [tenant_data] section of tenant.toml: the tenant's own int8 matrices, which every active lease is set
/// to compute on, and how many tiles of each receipt the agent asks to see.
/// </summary>
/// <param name="A">`a`: path of A, rows x n bytes row by row (rows = file length / n); relative to the config file.</param>
/// <param name="B">`b`: path of B, n x n bytes column by column; relative to the config file.</param>
/// <param name="RequestTiles">`request_tiles`: tiles asked per receipt (1 to 256, and at most the chain's samples; default 4).</param>
public sealed record TenantDataFiles(string A, string B, uint RequestTiles)
{
    internal static TenantDataFiles? Read(TomlSettings toml, string baseDirectory)
    {
        var a = toml.String("a", string.Empty);
        var b = toml.String("b", string.Empty);
        var tiles = (uint)toml.UInt("request_tiles", 4, 1, 256);
        toml.CheckNoUnknownKeys();
        if (a.Length == 0 && b.Length == 0)
        {
            return null;
        }

        return new TenantDataFiles(File(toml, "a", a, baseDirectory), File(toml, "b", b, baseDirectory), tiles);
    }

    private static string File(TomlSettings toml, string key, string path, string baseDirectory)
    {
        if (path.Length == 0)
        {
            throw toml.Bad(key, "required with the other matrix: give both a and b, or neither");
        }

        var full = Path.GetFullPath(path, baseDirectory);
        return System.IO.File.Exists(full) ? full : throw toml.Bad(key, $"no file at {full}");
    }
}
