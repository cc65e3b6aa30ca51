// Work.GpuBench: what the GPU provers reach on a CUDA machine (an H100 or H200), for docs/benchmarks.md "Work".
//
// For each n (default 4096 and 8192; square: A is n x n, so one product is 2n^3 int8 operations) it uploads seeded
// inputs once, then measures on the device alone (no host copies in the timings, medians of --runs runs):
//   - cuBLASLt int8 GEMM (tensor cores, TN layout) and the ILGPU int8 GEMM kernel (dp4a), in TOPS and as a share
//     of the H100 SXM's 1,979 dense int8 TOPS;
//   - hashing every 1 x 16 tile and every level of the tile tree on the device, and copying the levels back;
// and checks that both GEMMs gave the same C (compared on the host) and 64 tiles of it against the CPU's dot.
// Without a CUDA device it prints "no CUDA device found" and exits 2; a mismatch exits 1.
//
// The GPU machine has no .NET: publish self-contained here and copy the folder over:
//   dotnet publish bench/Work.GpuBench -c Release -r linux-x64 --self-contained -o out/gpubench
//   out/gpubench/Work.GpuBench [--sizes 4096,8192] [--runs 10]
//   out/gpubench/Work.GpuBench check-provers    (the prover equality tests of tests/Work.Prover.Tests, on this device)
// libcublasLt is found as the provers find it (libcublasLt.so.13/.12, pip's nvidia-cublas, or CHAIN_CUBLASLT_PATH).
using System.Diagnostics;
using System.Globalization;
using Chain.Crypto;
using Chain.Modules.Work.Kernels;
using Chain.Work.Prover;
using Chain.Work.Prover.Cublas;
using Chain.Work.Prover.Ilgpu;
using ILGPU;
using ILGPU.Runtime;

namespace Chain.Work.GpuBench;

public static class Program
{
    private const double H100PeakTops = 1979;
    private const int TileWidth = 16;

    public static int Main(string[] args)
    {
        if (args.FirstOrDefault() == "check-provers")
        {
            return CheckProvers();
        }

        var sizes = Option(args, "--sizes", "4096,8192").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var runs = int.Parse(Option(args, "--runs", "10"), CultureInfo.InvariantCulture);
        Console.WriteLine(ProverFactory.Describe());
        if (ProverFactory.CudaDeviceNames().Count == 0)
        {
            Console.WriteLine("no CUDA device found");
            return 2;
        }

        using var cublas = CublasLtProver.Create();
        using var ilgpu = IlgpuProver.CreateCuda();
        Console.WriteLine($"cuBLASLt path: {cublas.Name}");
        Console.WriteLine($"ILGPU path:    {ilgpu.Name}");
        Console.WriteLine();
        Console.WriteLine("| n | path | median ms | int8 TOPS | % of H100 1,979 TOPS |");
        Console.WriteLine("|---|---|---:|---:|---:|");
        var ok = true;
        var hashing = new List<string>();
        foreach (var n in sizes)
        {
            ok &= Measure(n, runs, cublas, ilgpu, hashing);
        }

        Console.WriteLine();
        Console.WriteLine("| n | tiles | hash leaves + levels on the device, median ms | copy levels to the host, median ms |");
        Console.WriteLine("|---|---:|---:|---:|");
        hashing.ForEach(Console.WriteLine);
        Console.WriteLine(ok ? "results: cuBLASLt and ILGPU agree, and with the CPU on the sampled tiles" : "results: MISMATCH");
        return ok ? 0 : 1;
    }

    /// <summary>
    /// Runs every case of <see cref="Chain.Work.Prover.Tests.ProverEqualityTests"/> (compiled in from the test project)
    /// with the provers of <see cref="Chain.Work.Prover.Tests.ProverSet"/>: on a CUDA machine that is all four paths.
    /// </summary>
    private static int CheckProvers()
    {
        using var set = new Chain.Work.Prover.Tests.ProverSet();
        Console.WriteLine($"provers: {string.Join(", ", set.Provers.Select(p => p.Name))}");
        var tests = new Chain.Work.Prover.Tests.ProverEqualityTests(set);
        var cases = Chain.Work.Prover.Tests.ProverEqualityTests.Cases
            .Select(row => ((string)row[0], (int)row[1], (int)row[2], (int)row[3]))
            .Select(c => ($"{c.Item1} rows {c.Item2} n {c.Item3} k {c.Item4}", (Action)(() => tests.Every_available_prover_gives_the_same_product_root_and_paths(c.Item1, c.Item2, c.Item3, c.Item4))))
            .Append(("every tree level", tests.Every_level_of_the_device_trees_equals_the_cpu_tree))
            .ToList();
        var failed = 0;
        foreach (var (name, test) in cases)
        {
            try
            {
                test();
                Console.WriteLine($"passed  {name}");
            }
            catch (Exception e)
            {
                failed++;
                Console.WriteLine($"FAILED  {name}: {e.Message}");
            }
        }

        Console.WriteLine($"{cases.Count - failed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    private static bool Measure(int n, int runs, CublasLtProver cublas, IlgpuProver ilgpu, List<string> hashing)
    {
        var shape = new WorkloadShape(n, n, TileWidth);
        var (a, b) = SeededWorkload.Generate(Hashes.Sha256(BitConverter.GetBytes(n)), shape);
        var operations = 2.0 * n * n * n;

        var cublasC = Run(cublas.Accelerator, a, b, shape, runs, (x, y, c) => cublas.MultiplyOnDevice(x, y, c, n, n), out var cublasMs, out var product);
        Row(n, "cuBLASLt int8 (IMMA)", cublasMs, operations);
        using (product)
        {
            var times = new List<double>();
            var copies = new List<double>();
            for (var run = 0; run < Math.Max(3, runs / 2); run++)
            {
                var watch = Stopwatch.StartNew();
                using var levels = cublas.Tree.Hash(product.View.AsContiguous(), shape);
                cublas.Accelerator.Synchronize();
                times.Add(watch.Elapsed.TotalMilliseconds);
                watch.Restart();
                levels.Download();
                copies.Add(watch.Elapsed.TotalMilliseconds);
            }

            hashing.Add($"| {n} | {shape.TileCount:N0} | {Median(times):F2} | {Median(copies):F2} |");
        }

        var ilgpuC = Run(ilgpu.Accelerator, a, b, shape, runs, (x, y, c) => ilgpu.MultiplyOnDevice(x, y, c, n, n), out var ilgpuMs, out var ilgpuProduct);
        ilgpuProduct.Dispose();
        Row(n, "ILGPU kernel (dp4a)", ilgpuMs, operations);

        var same = cublasC.AsSpan().SequenceEqual(ilgpuC);
        var random = new Random(n);
        for (var s = 0; s < 64 && same; s++)
        {
            var i = random.Next(n);
            var j = random.Next(n);
            same = TileKernel.Dot(a.AsSpan(i * n, n), b.AsSpan(j * n, n)) == cublasC[(i * n) + j];
        }

        return same;
    }

    /// <summary>Uploads A and B, runs the product once to warm up and <paramref name="runs"/> times timed, and returns C.</summary>
    private static int[] Run(Accelerator accelerator, sbyte[] a, sbyte[] b, WorkloadShape shape, int runs, Action<ArrayView<sbyte>, ArrayView<sbyte>, ArrayView<int>> multiply, out double medianMs, out MemoryBuffer1D<int, Stride1D.Dense> c)
    {
        accelerator.Bind();
        using var deviceA = accelerator.Allocate1D(a);
        using var deviceB = accelerator.Allocate1D(b);
        c = accelerator.Allocate1D<int>((long)shape.Rows * shape.N);
        multiply(deviceA.View.AsContiguous(), deviceB.View.AsContiguous(), c.View.AsContiguous());
        accelerator.Synchronize();
        var times = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var watch = Stopwatch.StartNew();
            multiply(deviceA.View.AsContiguous(), deviceB.View.AsContiguous(), c.View.AsContiguous());
            accelerator.Synchronize();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        medianMs = Median(times);
        var result = new int[shape.Rows * shape.N];
        c.View.CopyToCPU(result);
        return result;
    }

    private static void Row(int n, string path, double ms, double operations)
    {
        var tops = operations / (ms / 1000) / 1e12;
        Console.WriteLine($"| {n} | {path} | {ms:F3} | {tops:F1} | {100 * tops / H100PeakTops:F1}% |");
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private static string Option(string[] args, string name, string fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
    }
}
