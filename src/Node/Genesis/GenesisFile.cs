using System.Text.Json;
using System.Text.Json.Nodes;
using Chain.Node.App;
using Chain.Proto.Genesis;
using Chain.State.Modules;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Chain.Node.Genesis;

/// <summary>
/// Reads and writes config/genesis.json as protobuf JSON (snake_case keys; lowerCamelCase is accepted too).
/// "app_state" is one object keyed by module name, each value the module's own genesis message; the modules are
/// the node's (<see cref="ModuleCatalog"/>) unless a caller passes others. Before Google.Protobuf's JsonParser
/// runs, the JSON is walked against the message descriptors so that an unknown key, an unknown module or a value
/// of the wrong type is reported with its full key path.
/// </summary>
public static class GenesisFile
{
    private const int MaxBytes = 64 * 1024 * 1024;
    private const int MaxDepth = 32;

    private static readonly JsonFormatter Formatter = new(
        JsonFormatter.Settings.Default.WithFormatDefaultValues(true).WithPreserveProtoFieldNames(true).WithIndentation("  "));

    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithRecursionLimit(MaxDepth));

    /// <summary>A key given twice in one object is an error: otherwise one copy silently wins, or System.Text.Json throws ArgumentException.</summary>
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth, AllowDuplicateProperties = false };

    private const string AppStateKey = "app_state";

    /// <summary>Reads, parses and validates a genesis file (a <paramref name="draft"/> may lack validators: <see cref="GenesisRules.Validate"/>).</summary>
    public static GenesisDoc Load(string path, ModuleSet? modules = null, bool draft = false)
    {
        modules ??= ModuleCatalog.Create();
        var name = Path.GetFileName(path);
        string text;
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > MaxBytes)
            {
                throw new GenesisException($"{name}: file is larger than {MaxBytes} bytes");
            }

            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GenesisException($"{path}: cannot read the genesis file: {e.Message}", e);
        }

        var doc = Parse(text, name, modules);
        GenesisRules.Validate(doc, name, modules, draft);
        return doc;
    }

    /// <summary>Parses genesis JSON without checking its values; <paramref name="sourceName"/> starts every error message.</summary>
    public static GenesisDoc Parse(string json, string sourceName = "genesis.json", ModuleSet? modules = null)
    {
        modules ??= ModuleCatalog.Create();
        JsonObject root;
        try
        {
            using var document = JsonDocument.Parse(json, DocumentOptions);
            CheckMessage(document.RootElement, GenesisDoc.Descriptor, string.Empty, sourceName, modules);
            root = JsonNode.Parse(json, documentOptions: DocumentOptions)!.AsObject();
        }
        catch (JsonException e)
        {
            throw new GenesisException($"{sourceName}: not valid JSON: {e.Message}", e);
        }

        try
        {
            var appState = (root[AppStateKey] ?? root["appState"]) as JsonObject;
            root.Remove(AppStateKey);
            root.Remove("appState");
            var doc = Parser.Parse<GenesisDoc>(root.ToJsonString());
            if (appState is not null)
            {
                AddSections(doc, appState, modules);
            }

            return doc;
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new GenesisException($"{sourceName}: {e.Message}", e);
        }
        catch (InvalidJsonException e)
        {
            throw new GenesisException($"{sourceName}: not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>The indented JSON init writes, with every field present and app_state keyed by module name.</summary>
    public static string Format(GenesisDoc doc, ModuleSet? modules = null)
    {
        modules ??= ModuleCatalog.Create();
        var withoutSections = doc.Clone();
        withoutSections.AppState.Clear();
        var root = JsonNode.Parse(Formatter.Format(withoutSections))!.AsObject();
        var sections = new JsonObject();
        foreach (var section in doc.AppState)
        {
            var module = modules.Find(section.Module)
                ?? throw new GenesisException($"app_state.{section.Module}: this chain has no module named '{section.Module}' (its modules: {string.Join(", ", modules.Names)})");
            var message = module.GenesisDescriptor.Parser.ParseFrom(section.State);
            sections[section.Module] = JsonNode.Parse(Formatter.Format(message));
        }

        root[AppStateKey] = sections;
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + Environment.NewLine;
    }

    public static void Write(string path, GenesisDoc doc, ModuleSet? modules = null)
    {
        var text = Format(doc, modules);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, text);
    }

    /// <summary>Each module's section, parsed as its own genesis message and kept in module order.</summary>
    private static void AddSections(GenesisDoc doc, JsonObject appState, ModuleSet modules)
    {
        var found = new Dictionary<string, ModuleGenesis>(StringComparer.Ordinal);
        foreach (var (name, value) in appState)
        {
            var module = modules.Find(name);
            if (module is null)
            {
                continue; // reported with its path by CheckAppState
            }

            var message = Parser.Parse(value?.ToJsonString() ?? "{}", module.GenesisDescriptor);
            found[name] = new ModuleGenesis { Module = name, State = message.ToByteString() };
        }

        foreach (var module in modules.Modules)
        {
            if (found.TryGetValue(module.Name, out var section))
            {
                doc.AppState.Add(section);
            }
        }
    }

    private static void CheckMessage(JsonElement element, MessageDescriptor descriptor, string path, string source, ModuleSet? modules = null)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new GenesisException($"{source}: {Where(path)} must be a JSON object");
        }

        foreach (var property in element.EnumerateObject())
        {
            if (modules is not null && path.Length == 0 && property.Name is AppStateKey or "appState")
            {
                CheckAppState(property.Value, source, modules);
                continue;
            }

            var field = descriptor.Fields.InDeclarationOrder()
                .FirstOrDefault(f => f.Name == property.Name || f.JsonName == property.Name);
            var fieldPath = path.Length == 0 ? property.Name : path + "." + property.Name;
            if (field is null)
            {
                throw new GenesisException($"{source}: unknown key '{fieldPath}'");
            }

            CheckField(property.Value, field, fieldPath, source);
        }
    }

    private static void CheckAppState(JsonElement value, string source, ModuleSet modules)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new GenesisException($"{source}: '{AppStateKey}' must be a JSON object with one key per module ({string.Join(", ", modules.Names)})");
        }

        foreach (var section in value.EnumerateObject())
        {
            var module = modules.Find(section.Name)
                ?? throw new GenesisException($"{source}: unknown module '{AppStateKey}.{section.Name}'; this chaind's modules are {string.Join(", ", modules.Names)}");
            CheckMessage(section.Value, module.GenesisDescriptor, $"{AppStateKey}.{section.Name}", source);
        }
    }

    private static void CheckField(JsonElement value, FieldDescriptor field, string path, string source)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (field.IsRepeated)
        {
            if (value.ValueKind != JsonValueKind.Array)
            {
                throw new GenesisException($"{source}: '{path}' must be a JSON array");
            }

            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                CheckValue(item, field, $"{path}[{i}]", source);
                i++;
            }

            return;
        }

        CheckValue(value, field, path, source);
    }

    private static void CheckValue(JsonElement value, FieldDescriptor field, string path, string source)
    {
        var ok = field.FieldType switch
        {
            FieldType.Message => true,
            FieldType.String or FieldType.Bytes => value.ValueKind == JsonValueKind.String,
            FieldType.Bool => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            FieldType.Enum => value.ValueKind is JsonValueKind.String or JsonValueKind.Number,
            FieldType.Double or FieldType.Float => value.ValueKind is JsonValueKind.Number or JsonValueKind.String,
            _ => IsInteger(value, field.FieldType),
        };
        if (!ok)
        {
            throw new GenesisException($"{source}: '{path}' must be {Expected(field.FieldType)}");
        }

        if (field.FieldType == FieldType.Message)
        {
            CheckMessage(value, field.MessageType, path, source);
        }
    }

    private static bool IsInteger(JsonElement value, FieldType type)
    {
        var text = value.ValueKind switch
        {
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.String => value.GetString() ?? string.Empty,
            _ => null,
        };
        if (text is null)
        {
            return false;
        }

        var unsigned = type is FieldType.UInt32 or FieldType.UInt64 or FieldType.Fixed32 or FieldType.Fixed64;
        var wide = type is FieldType.Int64 or FieldType.UInt64 or FieldType.SInt64 or FieldType.Fixed64 or FieldType.SFixed64;
        var style = System.Globalization.NumberStyles.AllowLeadingSign;
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        return (unsigned, wide) switch
        {
            (true, true) => ulong.TryParse(text, style, culture, out _),
            (true, false) => uint.TryParse(text, style, culture, out _),
            (false, true) => long.TryParse(text, style, culture, out _),
            (false, false) => int.TryParse(text, style, culture, out _),
        };
    }

    private static string Expected(FieldType type) => type switch
    {
        FieldType.String => "a string",
        FieldType.Bytes => "a base64 string",
        FieldType.Bool => "true or false",
        FieldType.Enum => "an enum name",
        FieldType.Double or FieldType.Float => "a number",
        FieldType.UInt32 or FieldType.Fixed32 => "a whole number from 0 to 4294967295",
        FieldType.UInt64 or FieldType.Fixed64 => "a whole number from 0 to 18446744073709551615",
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => "a whole number that fits in 32 bits",
        _ => "a whole number that fits in 64 bits",
    };

    private static string Where(string path) => path.Length == 0 ? "the document" : $"'{path}'";
}
