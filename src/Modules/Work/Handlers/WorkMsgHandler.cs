using Chain.State.Modules;
using Google.Protobuf;

namespace Chain.Modules.Work.Handlers;

/// <summary>Base of the work module's handlers: the signer is one address field of the message, checked in ValidateBasic.</summary>
public abstract class WorkMsgHandler<TMsg> : AccountSignedHandler<TMsg>
    where TMsg : IMessage<TMsg>, new()
{
    protected sealed override ExecResult InvalidAddress(string log) => WorkErrors.Error(WorkErrors.InvalidAddress, log);

    protected static ExecResult Positive(ulong value, string field) =>
        value == 0 ? WorkErrors.Error(WorkErrors.InvalidAmount, $"{field} must be above 0") : ExecResult.Ok;

    protected static ExecResult Hash32(ByteString value, string field) =>
        value.Length == 32 ? ExecResult.Ok : WorkErrors.Error(WorkErrors.InvalidRoot, $"{field} must be 32 bytes (SHA-256); got {value.Length}");

    /// <summary>An audit path: at most 64 hashes of 32 bytes each.</summary>
    protected static ExecResult PathShape(IReadOnlyList<ByteString> path, string field)
    {
        if (path.Count > 64)
        {
            return WorkErrors.Error(WorkErrors.BadPath, $"{field} has {path.Count} hashes; a path has at most 64");
        }

        foreach (var h in path)
        {
            if (h.Length != 32)
            {
                return WorkErrors.Error(WorkErrors.BadPath, $"{field} holds a hash of {h.Length} bytes; each is 32");
            }
        }

        return ExecResult.Ok;
    }
}
