using Chain.Modules.Work.Keeper;
using Chain.Proto.Work;
using Chain.State.Modules;

namespace Chain.Modules.Work.Handlers;

/// <summary>MsgSubmitReceipt: the receipt of a lease's open round.</summary>
public sealed class SubmitReceiptHandler(ReceiptKeeper receipts) : WorkMsgHandler<MsgSubmitReceipt>
{
    protected override (string Field, string Address) SignerField(MsgSubmitReceipt message) => ("provider", message.Provider);

    protected override ExecResult ValidateFields(MsgSubmitReceipt message)
    {
        if (message.Spec is null)
        {
            return WorkErrors.Error(WorkErrors.SpecMismatch, "spec is missing; query the lease's open round with `chaind query work lease ID`");
        }

        var telemetry = message.Telemetry;
        if (telemetry is not null && (telemetry.GpuModel.Length > 128 || telemetry.Driver.Length > 128))
        {
            return WorkErrors.Error(WorkErrors.TooLarge, "telemetry gpu_model and driver are at most 128 characters each");
        }

        return Hash32(message.OutputRoot, "output_root");
    }

    protected override ExecResult Handle(MsgContext context, MsgSubmitReceipt message) => receipts.Submit(context, Signer(message), message);
}
