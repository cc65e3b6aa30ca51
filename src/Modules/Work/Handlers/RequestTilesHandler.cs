using Chain.Modules.Work.Keeper;
using Chain.Modules.Work.Params;
using Chain.Proto.Work;
using Chain.State.Modules;

namespace Chain.Modules.Work.Handlers;

/// <summary>MsgRequestTiles: the tenant asks the provider to open tiles of a tenant-data receipt.</summary>
public sealed class RequestTilesHandler(TenantKeeper tenant) : WorkMsgHandler<MsgRequestTiles>
{
    protected override (string Field, string Address) SignerField(MsgRequestTiles message) => ("tenant", message.Tenant);

    protected override ExecResult ValidateFields(MsgRequestTiles message) =>
        message.Tiles.Count is 0 or > (int)WorkParams.MaxSamples
            ? WorkErrors.Error(WorkErrors.InvalidTiles, $"{message.Tiles.Count} tiles requested; ask for 1 to {WorkParams.MaxSamples}")
            : ExecResult.Ok;

    protected override ExecResult Handle(MsgContext context, MsgRequestTiles message) => tenant.RequestTiles(context, Signer(message), message);
}
