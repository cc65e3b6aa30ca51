namespace Chain.LoadGen;

/// <summary>Nearest-rank percentiles of a sample, in its unit.</summary>
public sealed record Percentiles(int Count, double Median, double P90, double P99, double Max)
{
    public static Percentiles? Of(List<double> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        values.Sort();
        double At(double q) => values[Math.Clamp((int)Math.Ceiling(q * values.Count) - 1, 0, values.Count - 1)];
        return new Percentiles(values.Count, At(0.5), At(0.9), At(0.99), values[^1]);
    }
}
