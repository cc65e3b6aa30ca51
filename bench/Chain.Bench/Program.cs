using BenchmarkDotNet.Running;

namespace Chain.Bench;

public static class Program
{
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--breakdown")
        {
            Breakdown.Run(args[1..]);
            return;
        }

        if (args.Length > 0 && args[0] == "--tree")
        {
            TreeHarness.Run(args[1..]);
            return;
        }

        if (args.Length > 0 && args[0] == "--micro")
        {
            Micro.Run();
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
