using System.Text.Json;
using System.Text.Json.Serialization;
using Hotline.Sms;
using Hotline.Tips;
using Hotline.Triage;

namespace Hotline;

/// <summary>
/// Source-generated JSON for the queue message (web defaults: camelCase, case-insensitive reads,
/// enums as the strings their attributes name). No reflection, so it works trimmed and Native AOT.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(TriageMessage))]
[JsonSerializable(typeof(UrgencyRuleSet))]
internal sealed partial class HotlineJsonContext : JsonSerializerContext;

/// <summary>
/// Source-generated JSON for what is stored: the report envelope and the SMS case records (web
/// defaults, null values left out).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TipReport))]
[JsonSerializable(typeof(SmsIntake.ConversationPointer))]
[JsonSerializable(typeof(SmsIntake.MessageRecord))]
[JsonSerializable(typeof(SmsIntake.CommittedMessage))]
[JsonSerializable(typeof(Cases.CaseEntry))]
[JsonSerializable(typeof(MediaRecord))]
[JsonSerializable(typeof(MediaJob))]
internal sealed partial class StoredJsonContext : JsonSerializerContext;
