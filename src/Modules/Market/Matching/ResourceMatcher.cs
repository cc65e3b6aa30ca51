using Chain.Proto.Market;

namespace Chain.Modules.Market.Matching;

/// <summary>Whether a provider's attributes satisfy an order's resources; when not, says what is missing.</summary>
public static class ResourceMatcher
{
    public static bool Satisfies(Provider provider, Resources wanted, out string unmet)
    {
        var attributes = provider.Attributes;
        var pattern = wanted.GpuModel == "*" ? "*/*" : wanted.GpuModel;
        var slash = pattern.IndexOf('/', StringComparison.Ordinal);
        var vendorPattern = pattern[..slash];
        var modelPattern = pattern[(slash + 1)..];
        var gpuFound = false;
        foreach (var a in attributes)
        {
            if (ProviderAttributes.TryParseGpu(a, out var vendor, out var model, out var ram)
                && Glob.Matches(vendorPattern, vendor) && Glob.Matches(modelPattern, model) && ram >= wanted.MinVramGi)
            {
                gpuFound = true;
                break;
            }
        }

        if (!gpuFound)
        {
            unmet = $"no gpu/vendor/.../model/.../ram/... attribute matches '{wanted.GpuModel}' with at least {wanted.MinVramGi}Gi";
            return false;
        }

        var gpus = ProviderAttributes.Quantity(attributes, "gpu/count/");
        if (gpus < wanted.GpuCount)
        {
            unmet = $"gpu/count is {gpus}, the order needs {wanted.GpuCount}";
            return false;
        }

        var cpu = ProviderAttributes.Quantity(attributes, "cpu/millicores/");
        if (cpu < wanted.CpuMillicores)
        {
            unmet = $"cpu/millicores is {cpu}, the order needs {wanted.CpuMillicores}";
            return false;
        }

        var memory = ProviderAttributes.Quantity(attributes, "memory/mib/");
        if (memory < wanted.MemoryMib)
        {
            unmet = $"memory/mib is {memory}, the order needs {wanted.MemoryMib}";
            return false;
        }

        if (wanted.Region.Length != 0 && wanted.Region != provider.Region)
        {
            unmet = $"region is '{provider.Region}', the order needs '{wanted.Region}'";
            return false;
        }

        unmet = string.Empty;
        return true;
    }
}
