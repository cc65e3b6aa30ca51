namespace Chain.Consensus.Tests.Simulation;

public sealed record SimulationResult(int Seed, SimulationConfig Config, IReadOnlyList<string> Violations, ulong MinHonestHeight, long VirtualMs, long Events)
{
    public bool Ok => Violations.Count == 0;

    public override string ToString() =>
        $"seed {Seed} ({Config}): {(Ok ? "ok" : string.Join(" | ", Violations))}; honest height >= {MinHonestHeight} at {VirtualMs} ms after {Events} events";
}
