using Chain.Fuzz;
using SharpFuzz;

// Built only when used: instrumented code must not run before Fuzzer.Run has attached AFL's coverage map.
Func<IFuzzTarget>[] factories = [() => new TxTarget(), () => new EnvelopeTarget(), () => new FrameTarget(), () => new HandshakeTarget(), () => new GenesisTarget(), () => new ConfigTarget()];
string[] names = ["tx", "envelope", "frame", "handshake", "genesis", "config"];
const string Usage = """
    usage: chain-fuzz TARGET                      run TARGET under afl-fuzz (input on stdin; once when not under afl-fuzz)
           chain-fuzz TARGET --replay PATH...     run TARGET on each file (or each file in each folder); exit 1 on a crash
           chain-fuzz seed CORPUS                 write the generated seeds to CORPUS/TARGET/
           chain-fuzz list                        print the targets
    """;

if (args.Length == 1 && args[0] == "list")
{
    foreach (var name in names)
    {
        Console.WriteLine(name);
    }

    return 0;
}

if (args.Length == 2 && args[0] == "seed")
{
    foreach (var t in factories.Select(f => f()))
    {
        foreach (var (name, bytes) in t.Seeds())
        {
            var path = Path.Combine(args[1], t.Name, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, bytes);
            Console.WriteLine($"{path} ({bytes.Length} bytes)");
        }
    }

    return 0;
}

var index = args.Length >= 1 ? Array.IndexOf(names, args[0]) : -1;
if (index < 0)
{
    Console.Error.WriteLine(Usage);
    return 2;
}

if (args.Length >= 2 && args[1] == "--replay")
{
    var target = factories[index]();
    var files = args.Skip(2).SelectMany(p => Directory.Exists(p) ? Directory.GetFiles(p).Order(StringComparer.Ordinal) : (IEnumerable<string>)[p]).ToList();
    foreach (var file in files)
    {
        try
        {
            target.Run(File.ReadAllBytes(file));
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"{target.Name}: {file} crashes the target: {e}");
            return 1;
        }
    }

    Console.WriteLine($"{target.Name}: {files.Count} inputs, no crash");
    return 0;
}

if (args.Length != 1)
{
    Console.Error.WriteLine(Usage);
    return 2;
}

IFuzzTarget? fuzzed = null;
Fuzzer.Run(stream =>
{
    fuzzed ??= factories[index]();
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    fuzzed.Run(copy.GetBuffer().AsSpan(0, (int)copy.Length));
});
return 0;
