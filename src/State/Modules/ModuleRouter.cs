namespace Chain.State.Modules;

/// <summary>Routes a message's type URL to its handler.</summary>
public sealed class ModuleRouter
{
    private readonly Dictionary<string, IMsgHandler> _handlers = new(StringComparer.Ordinal);

    public ModuleRouter(IEnumerable<IModule> modules)
    {
        Modules = modules.ToArray();
        foreach (var module in Modules)
        {
            foreach (var handler in module.Handlers)
            {
                if (!_handlers.TryAdd(handler.TypeUrl, handler))
                {
                    throw new InvalidOperationException($"two handlers for {handler.TypeUrl}");
                }
            }
        }
    }

    public IReadOnlyList<IModule> Modules { get; }

    public IMsgHandler? Find(string typeUrl) => _handlers.GetValueOrDefault(typeUrl);
}
