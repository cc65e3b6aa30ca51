using Serilog;
using Serilog.Core;
using Serilog.Formatting.Compact;

namespace Chain.Node.Config;

/// <summary>Builds the node's Serilog logger from [log]: console (plain or JSON), plus compact JSON to a file when log.file is set.</summary>
public static class NodeLoggerFactory
{
    public const string ConsoleTemplate = "{Timestamp:HH:mm:ss.fff} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}";

    public static Logger Create(LogOptions options, NodeHome home)
    {
        // ASP.NET Core logs every request, and gRPC every error status answered (a client polling for the next
        // block gets NotFound many times a second), at Information; keep them for log.level = "debug" or lower.
        var framework = options.Level > Serilog.Events.LogEventLevel.Debug ? Serilog.Events.LogEventLevel.Warning : options.Level;
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(options.Level)
            .MinimumLevel.Override("Microsoft.AspNetCore", framework)
            .MinimumLevel.Override("Grpc", framework)
            .Enrich.FromLogContext();
        configuration = options.Format == LogFormat.Json
            ? configuration.WriteTo.Console(new CompactJsonFormatter())
            : configuration.WriteTo.Console(outputTemplate: ConsoleTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        if (options.File.Length > 0)
        {
            var path = home.Resolve(options.File);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            configuration = configuration.WriteTo.File(new CompactJsonFormatter(), path);
        }

        return configuration.CreateLogger();
    }
}
