using Chain.Work.Prover.Cublas;
using Chain.Work.Prover.Ilgpu;

namespace Chain.Work.Prover.Tests;

public sealed class ProverFactoryTests
{
    [Theory]
    [InlineData("cuda")]
    [InlineData("cublaslt")]
    public void Asking_for_cuda_without_a_device_fails_with_a_message_that_says_so_and_names_the_cpu(string device)
    {
        if (ProverFactory.CudaDeviceNames().Count > 0)
        {
            using var prover = ProverFactory.Create(device);
            Assert.IsType<CublasLtProver>(prover);
            Assert.StartsWith("cublaslt (", prover.Name);
            return;
        }

        var error = Assert.Throws<NoCudaDeviceException>(() => ProverFactory.Create(device));
        Assert.StartsWith("no CUDA device found: ", error.Message);
        Assert.Contains("--device cpu", error.Message);
        Assert.Throws<NoCudaDeviceException>(() => IlgpuProver.CreateCuda());
        Assert.Contains("no CUDA device found", ProverFactory.Describe());
    }

    [Fact]
    public void Auto_and_ilgpu_fall_back_to_the_cpu_without_a_cuda_device()
    {
        var cuda = ProverFactory.CudaDeviceNames().Count > 0;
        using (var auto = ProverFactory.Create("auto"))
        {
            Assert.Equal(cuda, auto is not CpuProver);
        }

        using var ilgpu = ProverFactory.Create(" ILGPU ");
        Assert.Equal(cuda, Assert.IsType<IlgpuProver>(ilgpu).OnCuda);
    }

    [Fact]
    public void Named_paths_give_their_prover_and_an_unknown_name_lists_the_known_ones()
    {
        using (var cpu = ProverFactory.Create("cpu"))
        {
            Assert.IsType<CpuProver>(cpu);
        }

        using (var ilgpuCpu = ProverFactory.Create("ilgpu-cpu"))
        {
            Assert.False(Assert.IsType<IlgpuProver>(ilgpuCpu).OnCuda);
            Assert.StartsWith("ilgpu-cpu", ilgpuCpu.Name);
        }

        var error = Assert.Throws<ArgumentException>(() => ProverFactory.Create("tpu"));
        Assert.Contains("'tpu'", error.Message);
        Assert.Contains("auto, cpu, ilgpu, ilgpu-cpu, cuda, cublaslt", error.Message);
    }

    [Fact]
    public void Describe_names_the_cpu_the_cuda_devices_and_the_cublaslt_library()
    {
        var description = ProverFactory.Describe();
        Assert.StartsWith($"cpu: {Environment.ProcessorCount} cores", description);
        Assert.Contains("; cuda: ", description);
        Assert.Contains("; cublasLt: ", description);
    }

    [Fact]
    public void The_cublaslt_library_is_looked_for_by_soname_13_before_12()
    {
        var candidates = CublasLtLibrary.Candidates().ToList();
        var so13 = candidates.IndexOf("libcublasLt.so.13");
        var so12 = candidates.IndexOf("libcublasLt.so.12");
        Assert.True(so13 >= 0 && so12 > so13, string.Join(", ", candidates));
    }

    [Fact]
    public void A_configured_cublaslt_folder_is_tried_first()
    {
        var folder = Directory.CreateTempSubdirectory("cublaslt-").FullName;
        var before = Environment.GetEnvironmentVariable(CublasLtLibrary.PathVariable);
        try
        {
            Environment.SetEnvironmentVariable(CublasLtLibrary.PathVariable, folder);
            var candidates = CublasLtLibrary.Candidates().Take(2).ToList();
            Assert.Equal([Path.Combine(folder, "libcublasLt.so.13"), Path.Combine(folder, "libcublasLt.so.12")], candidates);
        }
        finally
        {
            Environment.SetEnvironmentVariable(CublasLtLibrary.PathVariable, before);
            Directory.Delete(folder);
        }
    }
}
