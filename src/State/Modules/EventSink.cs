using Chain.Proto.Types;

namespace Chain.State.Modules;

/// <summary>Collects the events of one tx or one block phase; dropped with the tx when it fails.</summary>
public sealed class EventSink
{
    public List<Event> Events { get; } = new();

    public void Emit(string type, params ReadOnlySpan<(string Key, string Value)> attributes)
    {
        var e = new Event { Type = type };
        foreach (var (k, v) in attributes)
        {
            e.Attributes.Add(new EventAttribute { Key = k, Value = v });
        }

        Events.Add(e);
    }

    public int Mark() => Events.Count;

    public void TruncateTo(int mark) => Events.RemoveRange(mark, Events.Count - mark);
}
