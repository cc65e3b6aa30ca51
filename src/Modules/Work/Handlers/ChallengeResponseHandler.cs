using Chain.Modules.Work.Keeper;
using Chain.Modules.Work.Params;
using Chain.Proto.Work;
using Chain.State.Modules;

namespace Chain.Modules.Work.Handlers;

/// <summary>MsgChallengeResponse: the provider opens the challenged or requested tiles of a receipt.</summary>
public sealed class ChallengeResponseHandler(ReceiptKeeper receipts) : WorkMsgHandler<MsgChallengeResponse>
{
    protected override (string Field, string Address) SignerField(MsgChallengeResponse message) => ("provider", message.Provider);

    protected override ExecResult ValidateFields(MsgChallengeResponse message)
    {
        if (message.Tiles.Count == 0 || message.Tiles.Count > WorkParams.MaxSamples)
        {
            return WorkErrors.Error(WorkErrors.WrongTiles, $"{message.Tiles.Count} tiles; a response opens 1 to {WorkParams.MaxSamples}");
        }

        for (var j = 0; j < message.Tiles.Count; j++)
        {
            var tile = message.Tiles[j];
            if (tile.Values.Length == 0 || tile.Values.Length > 4 * 256 || tile.Values.Length % 4 != 0)
            {
                return WorkErrors.Error(WorkErrors.BadPath, $"tiles[{j}] has {tile.Values.Length} value bytes; a tile is 1 to 256 int32 values");
            }

            var path = PathShape(tile.Path, $"tiles[{j}].path");
            if (!path.IsOk)
            {
                return path;
            }
        }

        return ExecResult.Ok;
    }

    protected override ExecResult Handle(MsgContext context, MsgChallengeResponse message) => receipts.Respond(context, Signer(message), message);
}
