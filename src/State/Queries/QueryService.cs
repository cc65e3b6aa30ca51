namespace Chain.State.Queries;

/// <summary>
/// A module's gRPC query service (an instance of a generated service base) with its static type kept, so the node
/// can register and map it as <c>MapGrpcService&lt;T&gt;</c> wants without reflection (<see cref="IQueryServiceBinder"/>).
/// </summary>
public abstract class QueryService
{
    private QueryService()
    {
    }

    public abstract Type ServiceType { get; }

    public static QueryService Of<T>(T service)
        where T : class => new Typed<T>(service);

    /// <summary>Hands the service to <paramref name="binder"/> as its own type.</summary>
    public abstract void BindTo(IQueryServiceBinder binder);

    private sealed class Typed<T>(T service) : QueryService
        where T : class
    {
        public override Type ServiceType => typeof(T);

        public override void BindTo(IQueryServiceBinder binder) => binder.Bind(service);
    }
}
