namespace Chain.Fuzz;

/// <summary>
/// One kind of outside input fed to the real code that reads it. <see cref="Run"/> returns when the code took the
/// input or refused it with its own documented format error; any other exception escapes and is a crash to AFL.
/// </summary>
public interface IFuzzTarget
{
    /// <summary>The name on the command line and the folder of the seed corpus (fuzz/corpus/NAME).</summary>
    string Name { get; }

    void Run(ReadOnlySpan<byte> input);

    /// <summary>Small valid inputs made from real messages, written by `chain-fuzz seed`.</summary>
    IEnumerable<(string Name, byte[] Bytes)> Seeds();
}
