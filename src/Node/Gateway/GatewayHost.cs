using System.Reflection;
using Chain.Node.Config;
using Chain.Node.Events;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi.Models;

namespace Chain.Node.Gateway;

/// <summary>
/// The REST/JSON gateway on gateway.address: every gRPC query and BroadcastTx transcoded to JSON over HTTP/1.1
/// by their google.api.http routes (Microsoft.AspNetCore.Grpc.JsonTranscoding), the OpenAPI document of those routes
/// at <see cref="OpenApiPath"/>, the event stream as server-sent events (<see cref="EventStream"/>) and, when
/// gateway.explorer is on, the explorer page (<see cref="ExplorerFiles"/>). A listener of its own, because the gRPC
/// port speaks HTTP/2 by prior knowledge only and a plaintext port cannot offer both.
/// </summary>
public static class GatewayHost
{
    /// <summary>Where the OpenAPI 3.0 document of the transcoded routes is served.</summary>
    public const string OpenApiPath = "/openapi/v1.json";

    /// <summary>Most bytes of a request body: a JSON BroadcastTx carries the tx in base64 (4/3 of its size) plus a little.</summary>
    public static long MaxRequestBodyBytes(ulong maxTxBytes) => (long)Math.Min(int.MaxValue, (maxTxBytes + 2) / 3 * 4 + 64 * 1024);

    /// <summary>Adds the gateway's HTTP/1.1 listener to Kestrel.</summary>
    public static void Listen(KestrelServerOptions options, GatewayOptions gateway)
    {
        var address = gateway.Address;
        if (System.Net.IPAddress.TryParse(address.Host, out var ip))
        {
            options.Listen(ip, address.Port, listen => listen.Protocols = HttpProtocols.Http1);
        }
        else
        {
            options.ListenLocalhost(address.Port, listen => listen.Protocols = HttpProtocols.Http1);
        }
    }

    /// <summary>Transcoding and the OpenAPI generator; call after AddGrpc.</summary>
    public static void AddServices(IServiceCollection services, IGrpcServerBuilder grpc)
    {
        // Proto3's JSON mapping: 64-bit integers as strings, since JavaScript numbers lose digits above 2^53.
        grpc.AddJsonTranscoding(o => o.JsonSettings.WriteInt64sAsStrings = true);
        services.AddGrpcSwagger();
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "chain REST gateway",
                Version = "v1",
                Description = "Every gRPC query and BroadcastTx of the node as JSON over HTTP/1.1 (proto3 JSON mapping: 64-bit integers as strings, bytes as base64).",
            });
            // Several packages define a Validator or Params: name schemas by their protobuf full name.
            o.CustomSchemaIds(SchemaId);
        });
    }

    /// <summary>chain.staking.v1.Validator for a generated message, the CLR name for anything else.</summary>
    private static string SchemaId(Type type) =>
        type.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is MessageDescriptor descriptor
            ? descriptor.FullName
            : (type.FullName ?? type.Name).Replace('+', '.');

    /// <summary>Maps the OpenAPI document, the event stream and (when on) the explorer; the transcoded routes come with the gRPC services.</summary>
    public static void Map(WebApplication app, GatewayOptions gateway)
    {
        app.UseSwagger(o => o.RouteTemplate = "openapi/{documentName}.json");
        app.MapGet(EventStream.Path, (HttpContext http, EventBus bus) => EventStream.Handle(http, bus));
        if (gateway.Explorer)
        {
            ExplorerFiles.Map(app);
        }
    }
}
