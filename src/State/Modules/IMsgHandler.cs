using Google.Protobuf;

namespace Chain.State.Modules;

/// <summary>Executes one message type, e.g. "/chain.bank.v1.MsgSend".</summary>
public interface IMsgHandler
{
    string TypeUrl { get; }

    MessageParser Parser { get; }

    /// <summary>Checks that need no state (addresses parse, amounts positive ...).</summary>
    ExecResult ValidateBasic(IMessage message);

    /// <summary>The address that must sign the tx carrying this message.</summary>
    byte[] Signer(IMessage message);

    ExecResult Handle(MsgContext context, IMessage message);
}
