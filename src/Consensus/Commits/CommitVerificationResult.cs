namespace Chain.Consensus.Commits;

/// <summary>The verdict on a commit; <paramref name="Message"/> says what was wrong and where.</summary>
public sealed record CommitVerificationResult(CommitVerificationError Error, string Message, long SignedPower, long TotalPower)
{
    public bool IsValid => Error == CommitVerificationError.None;
}
