using Chain.Modules.Work.Keeper;
using Chain.Modules.Work.Params;
using Chain.Proto.Work;
using Chain.State.Modules;

namespace Chain.Modules.Work.Handlers;

/// <summary>MsgDisputeTile: the tenant proves an opened tile wrong with the inputs it was computed from.</summary>
public sealed class DisputeTileHandler(TenantKeeper tenant) : WorkMsgHandler<MsgDisputeTile>
{
    protected override (string Field, string Address) SignerField(MsgDisputeTile message) => ("tenant", message.Tenant);

    protected override ExecResult ValidateFields(MsgDisputeTile message)
    {
        if (message.Row.Length == 0 || message.Row.Length > WorkParams.MaxN || message.ColumnPaths.Count > 256 || message.Columns.Length > 256 * WorkParams.MaxN)
        {
            return WorkErrors.Error(WorkErrors.DataMismatch, "a dispute carries one row of at most 65,536 bytes and at most 256 columns");
        }

        var row = PathShape(message.RowPath, "row_path");
        if (!row.IsOk)
        {
            return row;
        }

        for (var c = 0; c < message.ColumnPaths.Count; c++)
        {
            var path = PathShape(message.ColumnPaths[c].Hashes, $"column_paths[{c}]");
            if (!path.IsOk)
            {
                return path;
            }
        }

        return ExecResult.Ok;
    }

    protected override ExecResult Handle(MsgContext context, MsgDisputeTile message) => tenant.Dispute(context, Signer(message), message);
}
