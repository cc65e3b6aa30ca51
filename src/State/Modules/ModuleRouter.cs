namespace Chain.State.Modules;

/// <summary>Routes a message's type URL to its handler.</summary>
public sealed class ModuleRouter
{
    private readonly Dictionary<string, IMsgHandler> _handlers = new(StringComparer.Ordinal);

    public ModuleRouter(ModuleSet modules)
    {
        Set = modules;
        foreach (var module in modules.Modules)
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

    public ModuleSet Set { get; }

    public IReadOnlyList<IModule> Modules => Set.Modules;

    public IMsgHandler? Find(string typeUrl) => _handlers.GetValueOrDefault(typeUrl);
}
