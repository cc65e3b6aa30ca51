namespace Chain.Work.Prover;

/// <summary>A CUDA path was asked for on a machine where none can run; the message says what was missing and how to pick the CPU.</summary>
public sealed class NoCudaDeviceException : InvalidOperationException
{
    public NoCudaDeviceException(string message)
        : base(message)
    {
    }
}
