//! The ChatML prompt template of SmolLM2-Instruct.

use alloc::string::String;

use super::Llm;

/// Default system prompt SmolLM2's template inserts when the conversation has none.
const DEFAULT_SYSTEM: &str = "You are a helpful AI assistant named SmolLM, trained by Hugging Face";

/// Who wrote a chat message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Instructions framing the conversation.
    System,
    /// The person asking.
    User,
    /// The model.
    Assistant,
}

impl Role {
    /// The role's name in the template.
    pub fn name(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
        }
    }
}

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message<'t> {
    /// Author.
    pub role: Role,
    /// Text.
    pub content: &'t str,
}

impl Llm<'_> {
    /// Renders `messages` with the model's ChatML template, ending with the opening of
    /// the assistant's turn (the generation prompt). As the GGUF's Jinja template does,
    /// a default system message is added when the first message is not one.
    pub fn chat_template(messages: &[Message<'_>]) -> String {
        let mut out = String::new();
        let mut turn = |role: &str, content: &str| {
            out.push_str("<|im_start|>");
            out.push_str(role);
            out.push('\n');
            out.push_str(content);
            out.push_str("<|im_end|>\n");
        };
        if messages.first().is_some_and(|m| m.role != Role::System) {
            turn("system", DEFAULT_SYSTEM);
        }
        for m in messages {
            turn(m.role.name(), m.content);
        }
        out.push_str("<|im_start|>assistant\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_chatml_with_default_system() {
        let text = Llm::chat_template(&[Message {
            role: Role::User,
            content: "Hi",
        }]);
        assert_eq!(
            text,
            "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n\
             <|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
        );
        let own = Llm::chat_template(&[
            Message {
                role: Role::System,
                content: "Be brief.",
            },
            Message {
                role: Role::User,
                content: "Hi",
            },
        ]);
        assert!(own.starts_with("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n"));
        assert_eq!(own.matches("<|im_start|>system").count(), 1);
    }
}
