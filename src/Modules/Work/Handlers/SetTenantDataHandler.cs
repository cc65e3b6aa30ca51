using Chain.Modules.Work.Keeper;
using Chain.Proto.Work;
using Chain.State.Modules;

namespace Chain.Modules.Work.Handlers;

/// <summary>MsgSetTenantData: the tenant's own matrices for the lease's next rounds.</summary>
public sealed class SetTenantDataHandler(TenantKeeper tenant) : WorkMsgHandler<MsgSetTenantData>
{
    protected override (string Field, string Address) SignerField(MsgSetTenantData message) => ("tenant", message.Tenant);

    protected override ExecResult ValidateFields(MsgSetTenantData message)
    {
        if (message.Rows == 0)
        {
            return WorkErrors.Error(WorkErrors.InvalidWorkload, "rows must be above 0");
        }

        var a = Hash32(message.ARoot, "a_root");
        return a.IsOk ? Hash32(message.BRoot, "b_root") : a;
    }

    protected override ExecResult Handle(MsgContext context, MsgSetTenantData message) => tenant.SetTenantData(context, Signer(message), message);
}
