using System.Globalization;
using System.Text;

namespace Chain.Node.Config;

/// <summary>Writes a config as commented TOML: the config.toml that init creates.</summary>
public static class NodeConfigWriter
{
    public static string ToToml(NodeConfig config)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# chaind node configuration.");
        sb.AppendLine("# Every key can be overridden by an environment variable CHAIND_<SECTION>_<KEY>");
        sb.AppendLine("# (e.g. CHAIND_GRPC_ADDRESS) and some by flags of `chaind start`; flags win over");
        sb.AppendLine("# environment variables, which win over this file. Unknown keys are errors.");
        sb.AppendLine("# Durations are written like \"500ms\", \"3s\", \"2m\" or \"1m30s\". See docs/config.md.");
        var section = string.Empty;
        foreach (var key in ConfigSchema.Keys)
        {
            if (key.Section != section)
            {
                section = key.Section;
                sb.AppendLine().Append('[').Append(section).AppendLine("]");
            }

            sb.AppendLine();
            sb.Append("# ").AppendLine(key.Description);
            sb.Append(key.Name).Append(" = ").AppendLine(Literal(key.Get(config)));
        }

        return sb.ToString();
    }

    /// <summary>Writes <paramref name="config"/> to <paramref name="path"/>, creating its directory.</summary>
    public static void Write(string path, NodeConfig config)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, ToToml(config));
    }

    /// <summary>A TOML literal of a string, integer, boolean or string array.</summary>
    public static string Literal(object value) => value switch
    {
        string s => Quote(s),
        string[] a => "[" + string.Join(", ", a.Select(Quote)) + "]",
        bool b => b ? "true" : "false",
        long n => n.ToString(CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"no TOML literal for {value.GetType().Name}", nameof(value)),
    };

    private static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (char.IsControl(c))
                    {
                        sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }
}
