using Chain.Modules.Work.Kernels;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace Chain.Work.Prover.Ilgpu;

/// <summary>
/// The portable GPU path: the int8 product (<see cref="GemmKernel"/>) and the tile tree (<see cref="Sha256Kernels"/>)
/// as ILGPU kernels, on a CUDA device when there is one, else on ILGPU's CPU accelerator (which runs the very same
/// kernels, group barriers and shared memory included, one OS thread per simulated GPU thread: slow, but it is how CI
/// checks these kernels without a GPU).
/// </summary>
public sealed class IlgpuProver : IWorkProver
{
    /// <summary>The simulated CPU device: one group of 16 x 16 threads at a time, as the product kernel launches them.</summary>
    private static readonly CPUDevice SimulatedDevice = new(numThreadsPerWarp: 16, numWarpsPerMultiprocessor: GemmKernel.GroupSide, numMultiprocessors: 1);

    private readonly Context _context;
    private readonly Accelerator _accelerator;
    private readonly Action<KernelConfig, ArrayView<int>, ArrayView<int>, ArrayView<int>, int, int> _gemm;
    private readonly DeviceTileTree _tree;

    private IlgpuProver(Context context, Accelerator accelerator, string name)
    {
        _context = context;
        _accelerator = accelerator;
        Name = name;
        try
        {
            _gemm = accelerator.LoadStreamKernel<ArrayView<int>, ArrayView<int>, ArrayView<int>, int, int>(GemmKernel.Kernel);
            _tree = new DeviceTileTree(accelerator);
        }
        catch
        {
            accelerator.Dispose();
            context.Dispose();
            throw;
        }
    }

    public string Name { get; }

    /// <summary>Whether this prover runs on a CUDA device (else on the CPU accelerator).</summary>
    public bool OnCuda => _accelerator.AcceleratorType == AcceleratorType.Cuda;

    /// <summary>On CUDA device <paramref name="deviceIndex"/>; <see cref="NoCudaDeviceException"/> when there is none.</summary>
    public static IlgpuProver CreateCuda(int deviceIndex = 0)
    {
        var context = Context.Create(builder => builder.Cuda());
        var devices = context.GetCudaDevices();
        if (deviceIndex >= devices.Count)
        {
            context.Dispose();
            throw new NoCudaDeviceException($"no CUDA device found: ILGPU sees {devices.Count} CUDA device(s), device {deviceIndex} was asked for (is the NVIDIA driver's libcuda.so.1 installed and a GPU visible?); prove on the CPU with --device cpu or --device ilgpu-cpu");
        }

        var device = devices[deviceIndex];
        CudaAccelerator accelerator;
        try
        {
            accelerator = device.CreateCudaAccelerator(context);
        }
        catch
        {
            context.Dispose();
            throw;
        }

        return new IlgpuProver(context, accelerator, $"ilgpu-cuda ({device.Name}, {device.Architecture})");
    }

    /// <summary>On ILGPU's CPU accelerator, available everywhere.</summary>
    public static IlgpuProver CreateCpu()
    {
        var context = Context.Create(builder => builder.CPU(SimulatedDevice));
        CPUAccelerator accelerator;
        try
        {
            accelerator = SimulatedDevice.CreateCPUAccelerator(context, CPUAcceleratorMode.Parallel);
        }
        catch
        {
            context.Dispose();
            throw;
        }

        return new IlgpuProver(context, accelerator, "ilgpu-cpu (ILGPU CPU accelerator)");
    }

    public int[] Multiply(sbyte[] a, sbyte[] bColumnMajor, WorkloadShape shape)
    {
        using var c = Product(a, bColumnMajor, shape);
        var result = new int[shape.Rows * shape.N];
        c.View.CopyToCPU(result);
        return result;
    }

    public TileTree Commit(sbyte[] a, sbyte[] bColumnMajor, WorkloadShape shape)
    {
        using var c = Product(a, bColumnMajor, shape);
        return _tree.Commit(c.View.AsContiguous(), shape);
    }

    /// <summary>The accelerator and its tree hashing, for the GPU benchmark (inputs uploaded once, nothing copied per run).</summary>
    internal Accelerator Accelerator => _accelerator;

    internal DeviceTileTree Tree => _tree;

    /// <summary>Queues C = A x B on device memory (A rows x n, B n x n column-major, C rows x n); synchronise to wait.</summary>
    internal void MultiplyOnDevice(ArrayView<sbyte> a, ArrayView<sbyte> bColumnMajor, ArrayView<int> c, int rows, int n)
    {
        _accelerator.Bind();
        _gemm(GemmKernel.Config(rows, n), a.Cast<int>(), bColumnMajor.Cast<int>(), c, rows, n);
    }

    public void Dispose()
    {
        _tree.Dispose();
        _accelerator.Dispose();
        _context.Dispose();
    }

    private MemoryBuffer1D<int, Stride1D.Dense> Product(sbyte[] a, sbyte[] bColumnMajor, WorkloadShape shape)
    {
        DeviceInputs.Check(a, bColumnMajor, shape);
        _accelerator.Bind();
        using var deviceA = _accelerator.Allocate1D(a);
        using var deviceB = _accelerator.Allocate1D(bColumnMajor);
        var c = _accelerator.Allocate1D<int>((long)shape.Rows * shape.N);
        try
        {
            MultiplyOnDevice(deviceA.View.AsContiguous(), deviceB.View.AsContiguous(), c.View.AsContiguous(), shape.Rows, shape.N);
            _accelerator.Synchronize();
            return c;
        }
        catch
        {
            c.Dispose();
            throw;
        }
    }
}
