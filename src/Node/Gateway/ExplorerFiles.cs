using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.FileProviders;

namespace Chain.Node.Gateway;

/// <summary>
/// The explorer page at <see cref="Path"/>: the files esbuild bundled from explorer/ at build time, which the build
/// copies next to chaind into <see cref="Directory"/>. Nothing is fetched from elsewhere at run time; the page reads
/// the gateway's routes and its event stream.
/// </summary>
public static class ExplorerFiles
{
    public const string Path = "/explorer";

    /// <summary>The folder next to the binary that holds index.html and the bundle.</summary>
    public static string Directory => System.IO.Path.Combine(AppContext.BaseDirectory, "explorer");

    /// <summary>Null when the explorer's files are in place; otherwise what is wrong.</summary>
    public static string? Problem() =>
        File.Exists(System.IO.Path.Combine(Directory, "index.html")) && File.Exists(System.IO.Path.Combine(Directory, "explorer.js"))
            ? null
            : $"gateway.explorer is on but the explorer's files (index.html, explorer.js) are missing from {Directory}; build chaind again (its build bundles them) or turn gateway.explorer off";

    public static void Map(WebApplication app)
    {
        var files = new PhysicalFileProvider(Directory);
        // A middleware, not an endpoint: the static file middleware steps aside for any request an endpoint matched,
        // and routing would match "/explorer/" to an endpoint for "/explorer".
        app.Use((http, next) =>
        {
            if (http.Request.Path.Value == Path)
            {
                http.Response.Redirect(Path + "/");
                return Task.CompletedTask;
            }

            return next(http);
        });
        app.UseDefaultFiles(new DefaultFilesOptions { RequestPath = Path, FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { RequestPath = Path, FileProvider = files });
    }
}
