namespace Chain.State.Modules;

/// <summary>
/// The outcome of a handler or check: code 0 is success; any other code with its codespace names one
/// kind of failure (see docs/errors.md) and the log says what was wrong. Never an exception.
/// </summary>
public readonly record struct ExecResult(uint Code, string Codespace, string Log)
{
    public static ExecResult Ok { get; } = new(0, string.Empty, string.Empty);

    public bool IsOk => Code == 0;

    public static ExecResult Error(string codespace, uint code, string log) => new(code, codespace, log);
}
