using Chain.Modules.Work.Kernels;
using Chain.Work.Prover.Ilgpu;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using static Chain.Work.Prover.Cublas.CublasLtNative;

namespace Chain.Work.Prover.Cublas;

/// <summary>
/// The fast GPU path: cuBLASLt's int8 tensor-core GEMM (<c>cublasLtMatmul</c>, CUDA_R_8I inputs, CUDA_R_32I output,
/// CUBLAS_COMPUTE_32I, int32 alpha = 1 and beta = 0) on memory and the stream of an ILGPU CUDA accelerator, then
/// the tile tree with the same ILGPU SHA-256 kernels as <see cref="IlgpuProver"/>.
/// <para>
/// Layout. cuBLASLt is column-major. Our C (m x n int32, row-major, ld n) is, read column-major, the n x m matrix
/// Cᵀ, and Cᵀ = Bᵀ·Aᵀ. B stored column-major (column j = n contiguous bytes, ld n) read column-major is B itself,
/// so op = T on it gives Bᵀ: it is cuBLASLt's first operand, "A" = Bcol, TRANSA = T, described as stored: n x n,
/// ld n. Our A (m x n, row-major, ld n) read column-major is Aᵀ (n x m, ld n) with op = N: cuBLASLt's "B" = Arow,
/// TRANSB = N, n x m, ld n. Cuda's (M, N, K) are then (n, m, n) and D = C is n x m, ld n: the TN layout its
/// IMMA kernels need, i.e. GemmEx(T, N, n, m, n, Bcol, n, Arow, n, C, n) in cublasGemmEx terms.
/// </para>
/// <para>
/// Sizes. IMMA needs the M and K of the call (n here, a multiple of 16) and the leading dimensions to be multiples
/// of 4; the row count m is padded up to a multiple of 4 with zero rows of A anyway, and the padding rows of C are
/// left out of the tree (the leaf kernel reads only the first Rows rows). ILGPU allocations are 256-byte aligned.
/// </para>
/// </summary>
public sealed class CublasLtProver : IWorkProver
{
    private const long WorkspaceBytes = 32L << 20;

    private readonly Context _context;
    private readonly CudaAccelerator _accelerator;
    private readonly DeviceTileTree _tree;
    private readonly MemoryBuffer1D<byte, Stride1D.Dense> _workspace;
    private readonly nint _handle;
    private Plan? _plan;

    private CublasLtProver(Context context, CudaAccelerator accelerator, string library)
    {
        _context = context;
        _accelerator = accelerator;
        accelerator.Bind();
        _tree = new DeviceTileTree(accelerator);
        _workspace = accelerator.Allocate1D<byte>(WorkspaceBytes);
        Check(cublasLtCreate(out _handle), nameof(cublasLtCreate));
        var version = cublasLtGetVersion();
        Name = $"cublaslt ({accelerator.Name}, cuBLASLt {version / 10000}.{version / 100 % 100}.{version % 100} from {library})";
    }

    public string Name { get; }

    /// <summary>
    /// On CUDA device <paramref name="deviceIndex"/>: <see cref="NoCudaDeviceException"/> when there is no such
    /// device or libcublasLt cannot be found.
    /// </summary>
    public static CublasLtProver Create(int deviceIndex = 0)
    {
        var context = Context.Create(builder => builder.Cuda());
        try
        {
            var devices = context.GetCudaDevices();
            if (deviceIndex >= devices.Count)
            {
                throw new NoCudaDeviceException($"no CUDA device found: ILGPU sees {devices.Count} CUDA device(s), device {deviceIndex} was asked for (is the NVIDIA driver's libcuda.so.1 installed and a GPU visible?); prove on the CPU with --device cpu or --device ilgpu-cpu");
            }

            if (!CublasLtLibrary.TryLoad(out var library))
            {
                throw new NoCudaDeviceException($"cuBLASLt is not usable: {library}; use --device ilgpu for ILGPU's kernels on the GPU, or --device cpu");
            }

            var accelerator = devices[deviceIndex].CreateCudaAccelerator(context);
            try
            {
                return new CublasLtProver(context, accelerator, library);
            }
            catch
            {
                accelerator.Dispose();
                throw;
            }
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    public int[] Multiply(sbyte[] a, sbyte[] bColumnMajor, WorkloadShape shape)
    {
        using var c = Product(a, bColumnMajor, shape);
        var result = new int[shape.Rows * shape.N];
        c.View.SubView(0, result.Length).CopyToCPU(result);
        return result;
    }

    public TileTree Commit(sbyte[] a, sbyte[] bColumnMajor, WorkloadShape shape)
    {
        using var c = Product(a, bColumnMajor, shape);
        return _tree.Commit(c.View.AsContiguous(), shape);
    }

    /// <summary>The accelerator and its tree hashing, for the GPU benchmark.</summary>
    internal CudaAccelerator Accelerator => _accelerator;

    internal DeviceTileTree Tree => _tree;

    /// <summary>
    /// C into device memory with the inputs already there (for the GPU benchmark: no host copies); rows a multiple
    /// of 4, A rows x n, B n x n column-major, C rows x n. Queued on the accelerator's stream; synchronise to wait.
    /// </summary>
    internal void MultiplyOnDevice(ArrayView<sbyte> a, ArrayView<sbyte> bColumnMajor, ArrayView<int> c, int rows, int n)
    {
        _accelerator.Bind();
        Matmul(a.LoadEffectiveAddressAsPtr(), bColumnMajor.LoadEffectiveAddressAsPtr(), c.LoadEffectiveAddressAsPtr(), rows, n);
    }

    public void Dispose()
    {
        _accelerator.Bind();
        _plan?.Dispose();
        _ = cublasLtDestroy(_handle);
        _workspace.Dispose();
        _tree.Dispose();
        _accelerator.Dispose();
        _context.Dispose();
    }

    private MemoryBuffer1D<int, Stride1D.Dense> Product(sbyte[] a, sbyte[] bColumnMajor, WorkloadShape shape)
    {
        DeviceInputs.Check(a, bColumnMajor, shape);
        _accelerator.Bind();
        var rows = (shape.Rows + 3) / 4 * 4;
        var n = shape.N;
        using var deviceA = _accelerator.Allocate1D<sbyte>((long)rows * n);
        if (rows != shape.Rows)
        {
            deviceA.MemSetToZero();
        }

        deviceA.View.SubView(0, a.Length).CopyFromCPU(a);
        using var deviceB = _accelerator.Allocate1D(bColumnMajor);
        var c = _accelerator.Allocate1D<int>((long)rows * n);
        try
        {
            Matmul(deviceA.NativePtr, deviceB.NativePtr, c.NativePtr, rows, n);
            _accelerator.Synchronize();
            return c;
        }
        catch
        {
            c.Dispose();
            throw;
        }
    }

    private unsafe void Matmul(nint a, nint b, nint c, int rows, int n)
    {
        if (_plan is null || _plan.Rows != rows || _plan.N != n)
        {
            _plan?.Dispose();
            _plan = null;
            _plan = Plan.Create(_handle, rows, n);
        }

        var alpha = 1;
        var beta = 0;
        var algo = _plan.Algo;
        var stream = ((CudaStream)_accelerator.DefaultStream).StreamPtr;

        // cuBLASLt's A is our B (op T), its B our A (op N), D = C: see the class summary.
        Check(
            cublasLtMatmul(_handle, _plan.Operation, &alpha, b, _plan.BLayout, a, _plan.ALayout, &beta, c, _plan.CLayout, c, _plan.CLayout, &algo, _workspace.NativePtr, (nuint)WorkspaceBytes, stream),
            nameof(cublasLtMatmul));
    }

    private static void Check(int status, string function)
    {
        if (status != StatusSuccess)
        {
            throw new InvalidOperationException($"{function} returned {status} ({StatusName(status)})");
        }
    }

    /// <summary>The descriptors and the algorithm for one (rows, n), kept while the shape repeats (every receipt of a lease).</summary>
    private sealed class Plan : IDisposable
    {
        private Plan(int rows, int n) => (Rows, N) = (rows, n);

        public int Rows { get; }

        public int N { get; }

        public nint Operation { get; private set; }

        /// <summary>Our B, column-major n x n (cuBLASLt's A, used transposed).</summary>
        public nint BLayout { get; private set; }

        /// <summary>Our A, row-major rows x n, read as the column-major n x rows (cuBLASLt's B).</summary>
        public nint ALayout { get; private set; }

        /// <summary>Our C, row-major rows x n, read as the column-major n x rows.</summary>
        public nint CLayout { get; private set; }

        public CublasLtNative.Algo Algo { get; private set; }

        public static unsafe Plan Create(nint handle, int rows, int n)
        {
            var plan = new Plan(rows, n);
            nint preference = 0;
            try
            {
                Check(cublasLtMatmulDescCreate(out var operation, Compute32I, CudaR32I), nameof(cublasLtMatmulDescCreate));
                plan.Operation = operation;
                var transA = OpT;
                var transB = OpN;
                Check(cublasLtMatmulDescSetAttribute(operation, MatmulDescTransA, &transA, sizeof(int)), nameof(cublasLtMatmulDescSetAttribute));
                Check(cublasLtMatmulDescSetAttribute(operation, MatmulDescTransB, &transB, sizeof(int)), nameof(cublasLtMatmulDescSetAttribute));
                Check(cublasLtMatrixLayoutCreate(out var bLayout, CudaR8I, (ulong)n, (ulong)n, n), nameof(cublasLtMatrixLayoutCreate));
                plan.BLayout = bLayout;
                Check(cublasLtMatrixLayoutCreate(out var aLayout, CudaR8I, (ulong)n, (ulong)rows, n), nameof(cublasLtMatrixLayoutCreate));
                plan.ALayout = aLayout;
                Check(cublasLtMatrixLayoutCreate(out var cLayout, CudaR32I, (ulong)n, (ulong)rows, n), nameof(cublasLtMatrixLayoutCreate));
                plan.CLayout = cLayout;

                Check(cublasLtMatmulPreferenceCreate(out preference), nameof(cublasLtMatmulPreferenceCreate));
                var workspace = (ulong)WorkspaceBytes;
                Check(cublasLtMatmulPreferenceSetAttribute(preference, PreferenceMaxWorkspaceBytes, &workspace, sizeof(ulong)), nameof(cublasLtMatmulPreferenceSetAttribute));
                HeuristicResult result = default;
                var found = 0;
                Check(cublasLtMatmulAlgoGetHeuristic(handle, operation, bLayout, aLayout, cLayout, cLayout, preference, 1, &result, &found), nameof(cublasLtMatmulAlgoGetHeuristic));
                if (found == 0 || result.State != StatusSuccess)
                {
                    throw new InvalidOperationException($"cuBLASLt has no int8 algorithm for a {rows} x {n} by {n} x {n} product (state {result.State}, {StatusName(result.State)})");
                }

                plan.Algo = result.Algo;
                return plan;
            }
            catch
            {
                plan.Dispose();
                throw;
            }
            finally
            {
                if (preference != 0)
                {
                    _ = cublasLtMatmulPreferenceDestroy(preference);
                }
            }
        }

        public void Dispose()
        {
            if (CLayout != 0)
            {
                _ = cublasLtMatrixLayoutDestroy(CLayout);
            }

            if (ALayout != 0)
            {
                _ = cublasLtMatrixLayoutDestroy(ALayout);
            }

            if (BLayout != 0)
            {
                _ = cublasLtMatrixLayoutDestroy(BLayout);
            }

            if (Operation != 0)
            {
                _ = cublasLtMatmulDescDestroy(Operation);
            }
        }
    }
}
