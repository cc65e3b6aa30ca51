// Hand-written P/Invoke, because no package does it here: ManagedCuda (which wraps cuBLAS) is not in the package
// registry, and ILGPU.Algorithms' CuBlas wraps only the float/double/complex gemm of libcublas (no cublasLt, no int8,
// no COMPUTE_32I) and looks for libcublas.so.10 to .12, not the .13 the GPU machine has. Only the calls the int8
// product needs are bound; signatures and enum values are cublasLt.h's (CUDA 12 and 13 agree on all of them).
using System.Runtime.InteropServices;

namespace Chain.Work.Prover.Cublas;

/// <summary>The cublasLt entry points the int8 product uses; "cublasLt" resolves at run time (<see cref="CublasLtLibrary"/>).</summary>
internal static partial class CublasLtNative
{
    public const string Library = "cublasLt";

    // cublasStatus_t
    public const int StatusSuccess = 0;

    // cudaDataType_t
    public const int CudaR8I = 3;
    public const int CudaR32I = 10;

    // cublasComputeType_t
    public const int Compute32I = 72;

    // cublasOperation_t
    public const int OpN = 0;
    public const int OpT = 1;

    // cublasLtMatmulDescAttributes_t (values are int32_t cublasOperation_t)
    public const int MatmulDescTransA = 3;
    public const int MatmulDescTransB = 4;

    // cublasLtMatmulPreferenceAttributes_t (value is uint64_t)
    public const int PreferenceMaxWorkspaceBytes = 1;

    [LibraryImport(Library)]
    public static partial int cublasLtCreate(out nint handle);

    [LibraryImport(Library)]
    public static partial int cublasLtDestroy(nint handle);

    [LibraryImport(Library)]
    public static partial nuint cublasLtGetVersion();

    [LibraryImport(Library)]
    public static partial int cublasLtMatmulDescCreate(out nint matmulDesc, int computeType, int scaleType);

    [LibraryImport(Library)]
    public static partial int cublasLtMatmulDescDestroy(nint matmulDesc);

    [LibraryImport(Library)]
    public static unsafe partial int cublasLtMatmulDescSetAttribute(nint matmulDesc, int attribute, void* buffer, nuint sizeInBytes);

    [LibraryImport(Library)]
    public static partial int cublasLtMatrixLayoutCreate(out nint layout, int type, ulong rows, ulong cols, long ld);

    [LibraryImport(Library)]
    public static partial int cublasLtMatrixLayoutDestroy(nint layout);

    [LibraryImport(Library)]
    public static partial int cublasLtMatmulPreferenceCreate(out nint preference);

    [LibraryImport(Library)]
    public static partial int cublasLtMatmulPreferenceDestroy(nint preference);

    [LibraryImport(Library)]
    public static unsafe partial int cublasLtMatmulPreferenceSetAttribute(nint preference, int attribute, void* buffer, nuint sizeInBytes);

    [LibraryImport(Library)]
    public static unsafe partial int cublasLtMatmulAlgoGetHeuristic(
        nint handle,
        nint operationDesc,
        nint aDesc,
        nint bDesc,
        nint cDesc,
        nint dDesc,
        nint preference,
        int requestedAlgoCount,
        HeuristicResult* results,
        int* returnAlgoCount);

    [LibraryImport(Library)]
    public static unsafe partial int cublasLtMatmul(
        nint handle,
        nint computeDesc,
        void* alpha,
        nint a,
        nint aDesc,
        nint b,
        nint bDesc,
        void* beta,
        nint c,
        nint cDesc,
        nint d,
        nint dDesc,
        Algo* algo,
        nint workspace,
        nuint workspaceSizeInBytes,
        nint stream);

    /// <summary>What a status code means (cublas_api.h's cublasStatus_t).</summary>
    public static string StatusName(int status) => status switch
    {
        0 => "CUBLAS_STATUS_SUCCESS",
        1 => "CUBLAS_STATUS_NOT_INITIALIZED",
        3 => "CUBLAS_STATUS_ALLOC_FAILED",
        7 => "CUBLAS_STATUS_INVALID_VALUE",
        8 => "CUBLAS_STATUS_ARCH_MISMATCH",
        11 => "CUBLAS_STATUS_MAPPING_ERROR",
        13 => "CUBLAS_STATUS_EXECUTION_FAILED",
        14 => "CUBLAS_STATUS_INTERNAL_ERROR",
        15 => "CUBLAS_STATUS_NOT_SUPPORTED",
        16 => "CUBLAS_STATUS_LICENSE_ERROR",
        _ => "unknown status",
    };

    /// <summary>cublasLtMatmulAlgo_t: 8 opaque uint64_t.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct Algo
    {
        public fixed ulong Data[8];
    }

    /// <summary>cublasLtMatmulHeuristicResult_t: algo, size_t workspaceSize, cublasStatus_t state, float wavesCount, int reserved[4] (96 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct HeuristicResult
    {
        public Algo Algo;
        public nuint WorkspaceSize;
        public int State;
        public float WavesCount;
        public fixed int Reserved[4];
    }
}
