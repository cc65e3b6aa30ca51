namespace Chain.Modules.Bank.Params;

/// <summary>The bank's params: the one place their defaults are written.</summary>
public static class BankParams
{
    /// <summary>What `chaind init` writes and what a store without params reads: transfers enabled.</summary>
    public static Proto.Bank.Params Default() => new() { SendEnabled = true };
}
