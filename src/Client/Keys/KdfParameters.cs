namespace Chain.Client.Keys;

/// <summary>
/// Argon2id cost of a <see cref="PassphraseBox"/>: stored beside each ciphertext so that a later default can differ.
/// Read values are bounded (<see cref="Check"/>) so a crafted file cannot make the client allocate without limit.
/// </summary>
/// <param name="MemoryKib">Memory in KiB.</param>
/// <param name="Iterations">Passes over the memory.</param>
/// <param name="Parallelism">Lanes; libsodium computes one.</param>
public sealed record KdfParameters(int MemoryKib, int Iterations, int Parallelism)
{
    /// <summary>64 MiB, 3 passes, 1 lane: RFC 9106's second recommended option with the one lane libsodium offers.</summary>
    public static KdfParameters Default { get; } = new(64 * 1024, 3, 1);

    public const int MinMemoryKib = 8 * 1024;
    public const int MaxMemoryKib = 1024 * 1024;
    public const int MaxIterations = 16;

    /// <summary>Null when usable; otherwise what is wrong.</summary>
    public string? Check()
    {
        if (MemoryKib is < MinMemoryKib or > MaxMemoryKib)
        {
            return $"argon2id memory {MemoryKib} KiB is outside {MinMemoryKib}..{MaxMemoryKib}";
        }

        if (Iterations is < 1 or > MaxIterations)
        {
            return $"argon2id iterations {Iterations} is outside 1..{MaxIterations}";
        }

        if (Parallelism != 1)
        {
            return $"argon2id parallelism {Parallelism} is not 1";
        }

        return null;
    }
}
