namespace Chain.State.Queries;

/// <summary>What serves module query services (the node's gRPC server); called once per service with its type.</summary>
public interface IQueryServiceBinder
{
    void Bind<T>(T service)
        where T : class;
}
