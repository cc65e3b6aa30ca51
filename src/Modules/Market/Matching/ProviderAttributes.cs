using System.Globalization;
using Chain.Proto.Market;
using Chain.State.Modules;

namespace Chain.Modules.Market.Matching;

/// <summary>
/// Provider attributes are key paths of lower-case segments: "gpu/vendor/nvidia/model/h100/ram/80Gi",
/// "gpu/count/8", "cpu/millicores/64000", "memory/mib/524288", or any other path a provider wants to show.
/// This checks their shape and reads the ones orders are matched on.
/// </summary>
public static class ProviderAttributes
{
    public const int MaxAttributes = 32;
    public const int MaxAttributeLength = 128;
    public const int MaxHostUriLength = 256;
    public const int MaxRegionLength = 64;

    public static ExecResult ValidateProvider(string hostUri, string region, IReadOnlyList<string> attributes)
    {
        if (hostUri.Length is 0 or > MaxHostUriLength
            || !Uri.TryCreate(hostUri, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return MarketErrors.Error(MarketErrors.InvalidProvider, $"host_uri '{hostUri}' must be an absolute http(s) URI of at most {MaxHostUriLength} characters");
        }

        if (!IsRegion(region))
        {
            return MarketErrors.Error(MarketErrors.InvalidProvider, $"region '{region}' must be 1 to {MaxRegionLength} lower-case letters, digits or '-'");
        }

        if (attributes.Count > MaxAttributes)
        {
            return MarketErrors.Error(MarketErrors.InvalidProvider, $"{attributes.Count} attributes, at most {MaxAttributes}");
        }

        for (var i = 0; i < attributes.Count; i++)
        {
            var a = attributes[i];
            if (!IsPath(a))
            {
                return MarketErrors.Error(MarketErrors.InvalidProvider,
                    $"attributes[{i}] '{a}' must be at least two '/'-separated segments of letters, digits, '.', '-' or '_' (at most {MaxAttributeLength} characters)");
            }

            if (a.StartsWith("gpu/vendor/", StringComparison.Ordinal) && !TryParseGpu(a, out _, out _, out _))
            {
                return MarketErrors.Error(MarketErrors.InvalidProvider, $"attributes[{i}] '{a}' must read gpu/vendor/<vendor>/model/<model>/ram/<N>Gi");
            }

            for (var j = 0; j < i; j++)
            {
                if (attributes[j] == a)
                {
                    return MarketErrors.Error(MarketErrors.InvalidProvider, $"attributes list '{a}' twice");
                }
            }
        }

        return ExecResult.Ok;
    }

    public static bool IsRegion(string region)
    {
        if (region.Length is 0 or > MaxRegionLength)
        {
            return false;
        }

        foreach (var c in region)
        {
            if (!(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsPath(string text)
    {
        if (text.Length is 0 or > MaxAttributeLength || text[0] == '/' || text[^1] == '/' || !text.Contains('/', StringComparison.Ordinal))
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '/')
            {
                if (text[i - 1] == '/')
                {
                    return false;
                }
            }
            else if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads "gpu/vendor/V/model/M/ram/NGi".</summary>
    public static bool TryParseGpu(string attribute, out string vendor, out string model, out uint ramGi)
    {
        vendor = model = string.Empty;
        ramGi = 0;
        var parts = attribute.Split('/');
        if (parts.Length != 7 || parts[0] != "gpu" || parts[1] != "vendor" || parts[3] != "model" || parts[5] != "ram" || !parts[6].EndsWith("Gi", StringComparison.Ordinal))
        {
            return false;
        }

        vendor = parts[2];
        model = parts[4];
        return uint.TryParse(parts[6].AsSpan(0, parts[6].Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out ramGi) && vendor.Length > 0 && model.Length > 0;
    }

    /// <summary>The number in "&lt;prefix&gt;N" among the attributes (e.g. "gpu/count/" gives 8 for "gpu/count/8"), or 0.</summary>
    public static ulong Quantity(IReadOnlyList<string> attributes, string prefix)
    {
        foreach (var a in attributes)
        {
            if (a.StartsWith(prefix, StringComparison.Ordinal)
                && ulong.TryParse(a.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                return n;
            }
        }

        return 0;
    }

    /// <summary>Checks an order's resources for shape; the model pattern is "vendor/model" with '*' wildcards, or "*".</summary>
    public static ExecResult ValidateResources(Resources? r)
    {
        if (r is null)
        {
            return MarketErrors.Error(MarketErrors.InvalidResources, "resources are missing");
        }

        if (r.GpuCount is 0 or > 1024)
        {
            return MarketErrors.Error(MarketErrors.InvalidResources, $"resources.gpu_count is {r.GpuCount}, must be 1 to 1024");
        }

        var model = r.GpuModel;
        var parts = model.Split('/');
        var ok = model == "*" || (parts.Length == 2 && parts.All(p => p.Length > 0 && p.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '*')));
        if (!ok || model.Length > 64)
        {
            return MarketErrors.Error(MarketErrors.InvalidResources, $"resources.gpu_model '{model}' must be \"vendor/model\" (either part may use '*') or \"*\"");
        }

        if (r.Region.Length != 0 && !IsRegion(r.Region))
        {
            return MarketErrors.Error(MarketErrors.InvalidResources, $"resources.region '{r.Region}' must be empty (any) or lower-case letters, digits and '-'");
        }

        return ExecResult.Ok;
    }
}
