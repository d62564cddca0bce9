using System.Text;
using LLama;
using Workbench.Core.Protocol;

namespace Workbench.Worker.Runtime;

/// <summary>Turns a conversation into the prompt text the loaded model expects.</summary>
internal static class PromptFormatter
{
    /// <summary>
    /// Uses the model's own chat template (GGUF <c>tokenizer.chat_template</c>) through llama.cpp;
    /// a model without one, or with one llama.cpp does not recognise, gets ChatML, the most common format.
    /// </summary>
    public static string Format(LLamaWeights weights, IReadOnlyList<ChatTurn> messages)
    {
        try
        {
            var template = new LLamaTemplate(weights) { AddAssistant = true };
            foreach (var turn in messages)
            {
                template.Add(turn.Role, turn.Content);
            }

            return Encoding.UTF8.GetString(template.Apply());
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or LLama.Exceptions.RuntimeError)
        {
            return FormatChatMl(messages);
        }
    }

    /// <summary>ChatML: <c>&lt;|im_start|&gt;role\ncontent&lt;|im_end|&gt;</c> per turn, then an open assistant turn.</summary>
    public static string FormatChatMl(IReadOnlyList<ChatTurn> messages)
    {
        var prompt = new StringBuilder();
        foreach (var turn in messages)
        {
            prompt.Append("<|im_start|>").Append(turn.Role).Append('\n').Append(turn.Content).Append("<|im_end|>\n");
        }

        return prompt.Append("<|im_start|>assistant\n").ToString();
    }
}
