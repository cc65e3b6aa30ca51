using Google.Protobuf;

namespace Chain.State.Modules;

/// <summary>Typed base for message handlers: does the casting once.</summary>
public abstract class MsgHandler<TMsg> : IMsgHandler
    where TMsg : IMessage<TMsg>, new()
{
    private static readonly MessageParser<TMsg> TypedParser = new(() => new TMsg());

    public string TypeUrl { get; } = "/" + new TMsg().Descriptor.FullName;

    public MessageParser Parser => TypedParser;

    public ExecResult ValidateBasic(IMessage message) => ValidateBasic((TMsg)message);

    public byte[] Signer(IMessage message) => Signer((TMsg)message);

    public ExecResult Handle(MsgContext context, IMessage message) => Handle(context, (TMsg)message);

    protected abstract ExecResult ValidateBasic(TMsg message);

    /// <summary>Must only be called after <see cref="ValidateBasic(TMsg)"/> succeeded.</summary>
    protected abstract byte[] Signer(TMsg message);

    protected abstract ExecResult Handle(MsgContext context, TMsg message);
}
