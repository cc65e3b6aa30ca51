using Chain.Crypto;
using Chain.Proto.Types;
using Chain.State.Execution;
using Chain.State.Store;
using Chain.State.Tree;
using Google.Protobuf;
using Grpc.Core;

namespace Chain.State.Queries;

/// <summary>
/// What a module's gRPC query service reads: the committed state, its height, and proofs of single keys (one shared
/// helper, so every module proves the same way). Errors are gRPC statuses a client can act on.
/// </summary>
public sealed class QueryContext(BlockExecutor executor)
{
    /// <summary>The latest committed state.</summary>
    public IStateReader Committed => executor.Committed;

    /// <summary>Height of the latest committed block (the version <see cref="Committed"/> shows).</summary>
    public ulong Height => executor.LastHeight;

    /// <summary>
    /// Proves <paramref name="key"/> (a full state key, module prefix included) at the state after block H-1, where H
    /// is the latest committed block: that root is the app hash in block H's header, so a client can check the proof
    /// against a header it has.
    /// </summary>
    public StateProof Prove(byte[] key)
    {
        var latest = executor.LastHeight;
        if (latest == 0)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "no block is committed yet, so no header carries an app hash to prove against"));
        }

        var version = latest - 1;
        Commitment.StateProofResult? proof;
        try
        {
            proof = executor.Commitment.Prove(key, version);
        }
        catch (VersionNotAvailableException e)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, e.Message));
        }

        if (proof is null)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "this node's state commitment does not produce proofs"));
        }

        return new StateProof
        {
            Version = proof.Version,
            Key = ByteString.CopyFrom(key),
            Proof = ByteString.CopyFrom(proof.Proof),
            Exists = proof.Value is not null,
            Value = proof.Value is null ? ByteString.Empty : ByteString.CopyFrom(proof.Value),
        };
    }

    /// <summary>A bech32 account address from a request field, or InvalidArgument naming the field.</summary>
    public static byte[] ParseAddress(string text, string field) =>
        Address.TryFromBech32(text, out var address, out var error)
            ? address
            : throw new RpcException(new Status(StatusCode.InvalidArgument, $"{field}: {error}"));
}
