package model

import (
	"fmt"
	"strings"
)

// builtinChat is a family's prompt format, written here from its
// documented layout, for GGUF files that carry no template of their own.
type builtinChat struct {
	name   string
	src    string
	tokens ChatTokens // the family's usual texts; a model's own replace them
}

// builtinChats are in the order ChatTemplateNames lists them.
var builtinChats = []builtinChat{
	{"chatml", chatmlTemplate, ChatTokens{EOS: "<|im_end|>"}},
	{"llama3", llama3Template, ChatTokens{BOS: "<|begin_of_text|>", EOS: "<|end_of_text|>"}},
	{"gemma", gemmaTemplate, ChatTokens{BOS: "<bos>", EOS: "<eos>"}},
	{"phi3", phi3Template, ChatTokens{BOS: "<s>", EOS: "<|endoftext|>"}},
	{"mistral", mistralTemplate, ChatTokens{BOS: "<s>", EOS: "</s>"}},
}

// ChatTemplateNames lists the built-in templates.
func ChatTemplateNames() []string {
	names := make([]string, len(builtinChats))
	for i, b := range builtinChats {
		names[i] = b.name
	}
	return names
}

// ChatTemplateByName returns a built-in template: chatml, llama3, gemma,
// phi3 or mistral. Its tokens are the family's usual ones; use
// Model.UseChatTemplate to render with a model's own.
func ChatTemplateByName(name string) (*ChatTemplate, error) {
	for _, b := range builtinChats {
		if b.name == name {
			return parseChatTemplate(b.name, b.src, b.tokens)
		}
	}
	return nil, fmt.Errorf("model: unknown chat template %q (built in: %s)", name, strings.Join(ChatTemplateNames(), ", "))
}

// ChatML (<|im_start|>role ... <|im_end|>): Qwen, Yi, OpenHermes and many
// fine-tunes. No BOS: ChatML models do not use one.
const chatmlTemplate = `{%- for m in messages -%}
{{- '<|im_start|>' + m['role'] + '\n' + m['content'] + '<|im_end|>\n' -}}
{%- endfor -%}
{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\n' -}}{%- endif -%}`

// Llama 3 and 3.x instruct: a header per turn, content trimmed, turns end
// with <|eot_id|>.
const llama3Template = `{{- bos_token -}}
{%- for m in messages -%}
{{- '<|start_header_id|>' + m['role'] + '<|end_header_id|>\n\n' + (m['content'] | trim) + '<|eot_id|>' -}}
{%- endfor -%}
{%- if add_generation_prompt -%}{{- '<|start_header_id|>assistant<|end_header_id|>\n\n' -}}{%- endif -%}`

// Gemma has no system role (its training folds the system text into the
// first user turn), calls the assistant "model", and only knows turns
// that alternate user/model.
const gemmaTemplate = `{{- bos_token -}}
{%- set prefix = '' -%}
{%- set turns = messages -%}
{%- if messages and messages[0]['role'] == 'system' -%}
{%- set prefix = messages[0]['content'] + '\n\n' -%}
{%- set turns = messages[1:] -%}
{%- endif -%}
{%- for m in turns -%}
{%- if (m['role'] == 'user') != (loop.index0 % 2 == 0) -%}
{{- raise_exception('gemma turns must alternate user/assistant, starting with user') -}}
{%- endif -%}
{%- set role = 'model' if m['role'] == 'assistant' else m['role'] -%}
{{- '<start_of_turn>' + role + '\n' + (prefix if loop.first else '') + (m['content'] | trim) + '<end_of_turn>\n' -}}
{%- endfor -%}
{%- if add_generation_prompt -%}{{- '<start_of_turn>model\n' -}}{%- endif -%}`

// Phi-3: <|role|> tags, turns end with <|end|>; a conversation that does
// not ask for a reply is closed with eos_token, as Phi-3's own template does.
const phi3Template = `{%- for m in messages -%}
{%- if m['role'] in ['system', 'user', 'assistant'] -%}
{{- '<|' + m['role'] + '|>\n' + m['content'] + '<|end|>\n' -}}
{%- endif -%}
{%- endfor -%}
{%- if add_generation_prompt -%}{{- '<|assistant|>\n' -}}{%- else -%}{{- eos_token -}}{%- endif -%}`

// Mistral instruct: [INST] ... [/INST] around user turns, each answer
// closed by eos_token; a system text goes into the first instruction,
// the only place Mistral's format has for it. The open [/INST] is already
// the generation prompt, so add_generation_prompt adds nothing.
const mistralTemplate = `{{- bos_token -}}
{%- set prefix = '' -%}
{%- set turns = messages -%}
{%- if messages and messages[0]['role'] == 'system' -%}
{%- set prefix = messages[0]['content'] + '\n\n' -%}
{%- set turns = messages[1:] -%}
{%- endif -%}
{%- for m in turns -%}
{%- if (m['role'] == 'user') != (loop.index0 % 2 == 0) -%}
{{- raise_exception('mistral turns must alternate user/assistant, starting with user') -}}
{%- endif -%}
{%- if m['role'] == 'user' -%}
{{- '[INST] ' + (prefix if loop.first else '') + m['content'] + ' [/INST]' -}}
{%- else -%}
{{- m['content'] + eos_token -}}
{%- endif -%}
{%- endfor -%}`
