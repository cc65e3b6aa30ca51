using System.Runtime.Intrinsics.X86;
using System.Text;
using Chain.Work.Prover.Cublas;
using Chain.Work.Prover.Ilgpu;
using ILGPU;
using ILGPU.Runtime.Cuda;

namespace Chain.Work.Prover;

/// <summary>
/// Picks a prover by the name a provider configures: "auto" (cuBLASLt when a CUDA device is present and
/// libcublasLt loads, else ILGPU on the CUDA device, else the CPU), "cpu" (the plain C# path), "ilgpu" (ILGPU on
/// CUDA when present, else on ILGPU's CPU accelerator), "ilgpu-cpu" (ILGPU's CPU accelerator), "cuda" or "cublaslt"
/// (cuBLASLt; <see cref="NoCudaDeviceException"/> when there is no CUDA device or no library).
/// </summary>
public static class ProverFactory
{
    public static readonly IReadOnlyList<string> Devices = ["auto", "cpu", "ilgpu", "ilgpu-cpu", "cuda", "cublaslt"];

    public static IWorkProver Create(string device)
    {
        ArgumentNullException.ThrowIfNull(device);
        switch (device.Trim().ToLowerInvariant())
        {
            case "auto":
                if (CudaDeviceNames().Count == 0)
                {
                    return new CpuProver();
                }

                return CublasLtLibrary.TryLoad(out _) ? CublasLtProver.Create() : IlgpuProver.CreateCuda();
            case "cpu":
                return new CpuProver();
            case "ilgpu":
                return CudaDeviceNames().Count > 0 ? IlgpuProver.CreateCuda() : IlgpuProver.CreateCpu();
            case "ilgpu-cpu":
                return IlgpuProver.CreateCpu();
            case "cuda":
            case "cublaslt":
                return CublasLtProver.Create();
            default:
                throw new ArgumentException($"unknown prover device '{device}': use one of {string.Join(", ", Devices)}", nameof(device));
        }
    }

    /// <summary>What this machine offers, for the log at start-up: the CPU, the CUDA devices ILGPU sees, and where libcublasLt is.</summary>
    public static string Describe()
    {
        var text = new StringBuilder();
        text.Append($"cpu: {Environment.ProcessorCount} cores{(Avx2.IsSupported ? ", AVX2" : ", no AVX2")}");
        var devices = CudaDeviceNames();
        text.Append(devices.Count == 0 ? "; cuda: no CUDA device found" : $"; cuda: {string.Join(", ", devices)}");
        CublasLtLibrary.TryLoad(out var library);
        text.Append($"; cublasLt: {library}");
        return text.ToString();
    }

    /// <summary>The CUDA devices ILGPU can compile for ("0: NVIDIA H100 80GB HBM3 (SM_90)"); none without a driver.</summary>
    public static IReadOnlyList<string> CudaDeviceNames()
    {
        try
        {
            using var context = Context.Create(builder => builder.Cuda());
            var names = new List<string>();
            var devices = context.GetCudaDevices();
            for (var i = 0; i < devices.Count; i++)
            {
                names.Add($"{i}: {devices[i].Name} ({devices[i].Architecture})");
            }

            return names;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException or NotSupportedException)
        {
            // No driver library at all: the same as no device.
            return [];
        }
    }
}
