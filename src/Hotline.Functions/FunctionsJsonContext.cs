using System.Text.Json;
using System.Text.Json.Serialization;
using Hotline.Functions.DispatchTriage;
using Hotline.Functions.Health;
using Hotline.Functions.Hosting;
using Hotline.Functions.Intake;

namespace Hotline.Functions;

/// <summary>
/// Source-generated JSON for everything the app writes or reads as JSON (web defaults, as ASP.NET
/// Core's). It is in the HTTP JSON options' resolver chain, so typed results need no reflection:
/// the app runs trimmed and as Native AOT.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HealthEndpoints.HealthReport))]
[JsonSerializable(typeof(FunctionInvocationEndpoints.InvocationResponse))]
[JsonSerializable(typeof(IntakeResponses.ReceiptResponse))]
[JsonSerializable(typeof(WebhookAlert))]
[JsonSerializable(typeof(AlertRecord))]
[JsonSerializable(typeof(string))]
internal sealed partial class FunctionsJsonContext : JsonSerializerContext;
