using System.Text.Json;
using Chain.Node.Config;
using Serilog.Events;

namespace Chain.Node.Tests.Config;

public sealed class NodeLoggerFactoryTests
{
    [Fact]
    public void Log_file_gets_compact_json_at_the_configured_level()
    {
        using var temp = new TempHome();
        var home = new NodeHome(temp.Root);
        var options = new LogOptions { Level = LogEventLevel.Warning, File = "logs/node.json" };

        using (var logger = NodeLoggerFactory.Create(options, home))
        {
            logger.Information("hidden {Height}", 1);
            logger.Warning("committed {Height}", 7);
        }

        var line = Assert.Single(File.ReadAllLines(temp.PathOf("logs/node.json")));
        using var json = JsonDocument.Parse(line);
        Assert.Equal("committed {Height}", json.RootElement.GetProperty("@mt").GetString());
        Assert.Equal(7, json.RootElement.GetProperty("Height").GetInt32());
    }
}
