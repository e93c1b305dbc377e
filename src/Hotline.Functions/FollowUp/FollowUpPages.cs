using Hotline.FollowUp;
using Hotline.Functions.Http.Pages;
using Hotline.Functions.Texts;
using Hotline.Functions.TipForm;

namespace Hotline.Functions.FollowUp;

/// <summary>The follow-up's pages (templates beside this file), on the form's layout and texts.</summary>
internal static class FollowUpPages
{
    /// <summary>The code field; with an error after a refusal, and a message typed before the page expired, kept for after the code.</summary>
    public static Task<string> CodeAsync(FormTexts texts, FormError? error, string? keptMessage) =>
        PageRenderer.RenderAsync<CodePage>(new()
        {
            [nameof(CodePage.Texts)] = texts,
            [nameof(CodePage.Error)] = error,
            [nameof(CodePage.KeptMessage)] = keptMessage,
        });

    public static Task<string> ConversationAsync(FormTexts texts, FollowUpConversation conversation, string? draft, FormError? error, bool added, string? nonce = null) =>
        PageRenderer.RenderAsync<ConversationPage>(new()
        {
            [nameof(ConversationPage.Texts)] = texts,
            [nameof(ConversationPage.Conversation)] = conversation,
            [nameof(ConversationPage.Draft)] = draft,
            [nameof(ConversationPage.Error)] = error,
            [nameof(ConversationPage.Added)] = added,
            [nameof(ConversationPage.Nonce)] = nonce,
        });
}
