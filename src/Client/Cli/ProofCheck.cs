using Chain.Proto.NodeService;
using Chain.Proto.Types;
using Chain.State.Tree;
using Google.Protobuf;

namespace Chain.Client.Cli;

/// <summary>
/// Client-side check of a query proof: the key is the one the client asked about, the proof's value is
/// what the response reports, and the proof leads to the app hash in the header of block version + 1,
/// fetched from the node. A proof that fails any of these is an error, not a warning.
/// </summary>
public static class ProofCheck
{
    public static async Task<string> VerifyAsync(NodeConnection node, StateProof? proof, byte[] expectedKey, byte[]? expectedValue, CancellationToken ct)
    {
        if (proof is null || proof.Proof.IsEmpty)
        {
            throw new CliException("the node returned no proof");
        }

        if (!proof.Key.Span.SequenceEqual(expectedKey))
        {
            throw new CliException("proof is for another key than the one asked about");
        }

        var value = proof.Exists ? proof.Value.ToByteArray() : null;
        if ((value is null) != (expectedValue is null) || (value is not null && !value.AsSpan().SequenceEqual(expectedValue)))
        {
            throw new CliException("proof covers another value than the response reports");
        }

        var header = await node.CallAsync(
            o => new Blocks.BlocksClient(node.Channel).GetBlockAsync(new GetBlockRequest { Height = proof.Version + 1 }, o), ct);
        var appHash = header.Block.Header.AppHash.ToByteArray();
        SparseMerkleProof decoded;
        try
        {
            decoded = SparseMerkleProof.Decode(proof.Proof.Span);
        }
        catch (ProofFormatException e)
        {
            throw new CliException($"proof is malformed: {e.Message}");
        }

        var ok = value is null ? decoded.VerifyNonInclusion(appHash, expectedKey) : decoded.VerifyInclusion(appHash, expectedKey, value);
        if (!ok)
        {
            throw new CliException($"proof does NOT verify against the app hash {Convert.ToHexString(appHash)} of block {proof.Version + 1}");
        }

        return $"verified against app hash {Convert.ToHexString(appHash)} of block {proof.Version + 1}";
    }
}
