using System.Runtime.InteropServices;

namespace Chain.Work.Prover.Cublas;

/// <summary>
/// Finds libcublasLt at run time and resolves <see cref="CublasLtNative"/>'s imports to it. Looked for, in order:
/// the file or folder in CHAIN_CUBLASLT_PATH; libcublasLt.so.13 and .so.12 on the loader's path (a CUDA toolkit or
/// LD_LIBRARY_PATH); the pip wheels of nvidia-cublas (nvidia/cu13/lib, nvidia/cublas/lib, nvidia/cu12/lib) under
/// every python site-packages or dist-packages folder of the usual prefixes, a virtualenv's and the user's.
/// </summary>
internal static class CublasLtLibrary
{
    public const string PathVariable = "CHAIN_CUBLASLT_PATH";

    private static readonly string[] FileNames = ["libcublasLt.so.13", "libcublasLt.so.12", "libcublasLt.so"];
    private static readonly string[] WheelFolders = ["nvidia/cu13/lib", "nvidia/cublas/lib", "nvidia/cu12/lib"];

    // The process loads the library at most once and registers one resolver for this assembly (the runtime allows
    // one per assembly); what was found is kept for the process's life, as the loader itself keeps it.
    private static readonly Lazy<Loaded> Instance = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Whether the library loaded; <paramref name="description"/> says where from, or everywhere it was looked for.</summary>
    public static bool TryLoad(out string description)
    {
        var loaded = Instance.Value;
        description = loaded.Description;
        return loaded.Handle != 0;
    }

    private static Loaded Load()
    {
        var tried = new List<string>();
        foreach (var candidate in Candidates())
        {
            tried.Add(candidate);
            if (NativeLibrary.TryLoad(candidate, out var handle))
            {
                NativeLibrary.SetDllImportResolver(typeof(CublasLtLibrary).Assembly, (name, _, _) => name == CublasLtNative.Library ? handle : 0);
                return new Loaded(handle, candidate);
            }
        }

        return new Loaded(0, $"libcublasLt not found (tried {string.Join(", ", tried)}; no nvidia-cublas wheel under {string.Join(" or ", WheelFolders)} in python's site-packages); set {PathVariable} to the file or its folder");
    }

    /// <summary>Every path to try, most specific first.</summary>
    internal static IEnumerable<string> Candidates()
    {
        var configured = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            if (Directory.Exists(configured))
            {
                foreach (var file in FileNames)
                {
                    yield return Path.Combine(configured, file);
                }
            }
            else
            {
                yield return configured;
            }
        }

        foreach (var file in FileNames[..2])
        {
            yield return file;
        }

        foreach (var packages in SitePackages())
        {
            foreach (var folder in WheelFolders)
            {
                foreach (var file in FileNames[..2])
                {
                    var path = Path.Combine(packages, folder, file);
                    if (File.Exists(path))
                    {
                        yield return path;
                    }
                }
            }
        }
    }

    private static IEnumerable<string> SitePackages()
    {
        var prefixes = new List<string> { "/usr/local/lib", "/usr/lib", "/opt/conda/lib", "/opt/venv/lib" };
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (!string.IsNullOrEmpty(home))
        {
            prefixes.Add(Path.Combine(home, ".local", "lib"));
        }

        foreach (var variable in new[] { "VIRTUAL_ENV", "CONDA_PREFIX" })
        {
            var prefix = Environment.GetEnvironmentVariable(variable);
            if (!string.IsNullOrEmpty(prefix))
            {
                prefixes.Add(Path.Combine(prefix, "lib"));
            }
        }

        foreach (var prefix in prefixes)
        {
            if (!Directory.Exists(prefix))
            {
                continue;
            }

            foreach (var python in Directory.EnumerateDirectories(prefix, "python3*").Order(StringComparer.Ordinal))
            {
                foreach (var name in new[] { "site-packages", "dist-packages" })
                {
                    var packages = Path.Combine(python, name);
                    if (Directory.Exists(packages))
                    {
                        yield return packages;
                    }
                }
            }
        }
    }

    private sealed record Loaded(nint Handle, string Description);
}
