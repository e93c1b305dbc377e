using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hotline.Dispatch;

/// <summary>Source-generated JSON for what dispatch writes: webhook bodies, send records, sent-SMS records (web defaults).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(WebhookAlert))]
[JsonSerializable(typeof(AlertRecord))]
[JsonSerializable(typeof(SentAlert))]
internal sealed partial class DispatchJsonContext : JsonSerializerContext;
