using Chain.Proto.Types;

namespace Chain.State.Modules;

/// <summary>Collects the events of one tx or one block phase; dropped with the tx when it fails.</summary>
public sealed class EventSink
{
    /// <param name="recording">False for a check whose events nobody reads (a relayed tx, a recheck): emits are dropped.</param>
    public EventSink(bool recording = true) => Recording = recording;

    public List<Event> Events { get; } = new();

    /// <summary>Whether emitted events are kept; a caller may skip building an event's attributes when not.</summary>
    public bool Recording { get; }

    public void Emit(string type, params ReadOnlySpan<(string Key, string Value)> attributes)
    {
        if (!Recording)
        {
            return;
        }

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
