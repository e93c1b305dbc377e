using System.Text.Json;
using System.Text.Json.Serialization;
using Hotline.Functions.Health;
using Hotline.Functions.Intake;

namespace Hotline.Functions;

/// <summary>
/// Source-generated JSON for everything the app writes or reads as JSON (web defaults, as ASP.NET
/// Core's). It is first in the HTTP JSON options' resolver chain, so typed results are written
/// without reflection over our types.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HealthFunction.HealthReport))]
[JsonSerializable(typeof(IntakeResponses.ReceiptResponse))]
[JsonSerializable(typeof(FollowUp.ConversationResponse))]
[JsonSerializable(typeof(string))]
internal sealed partial class FunctionsJsonContext : JsonSerializerContext;
