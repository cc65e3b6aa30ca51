namespace Chain.Client.Tests;

/// <summary>A fresh directory under the system's temp directory, deleted with what it holds when the test ends.</summary>
public sealed class TempDirectory : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("chain-client-test-");

    public string PathOf(string relative) => Path.Combine(_directory.FullName, relative);

    public void Dispose()
    {
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A file still open elsewhere: the system cleans its temp directory later.
        }
    }
}
