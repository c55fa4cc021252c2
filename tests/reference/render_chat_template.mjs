// Reference renderer for the chat-template tests: renders conversations with
// @huggingface/jinja, an independent Jinja implementation made for chat templates.
//
//   node render_chat_template.mjs --config tokenizer_config.json [--template t.jinja] --cases cases.json
//
// The template is --template when given, else the config's "chat_template" (a string,
// or the "default" entry of a list). The variables follow transformers'
// apply_chat_template: the config's special tokens (strings or {content}),
// tools = documents = null unless a case sets them, the case's extra variables,
// messages and add_generation_prompt.
// cases.json: {"cases": [{"name", "messages", "add_generation_prompt", "extra"?}, ...]}
// Prints [{"name", "text"} | {"name", "error"}, ...] as JSON on stdout.
import { readFileSync } from "node:fs";
import { Template } from "@huggingface/jinja";

function option(name) {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : undefined;
}

function templateOf(config) {
	const t = config.chat_template;
	if (typeof t === "string") return t;
	if (Array.isArray(t)) {
		const entry = t.find((e) => e.name === "default");
		if (entry) return entry.template;
	}
	throw new Error("no chat template in the config");
}

function specialTokensOf(config) {
	const content = (v) => (typeof v === "string" ? v : v && typeof v.content === "string" ? v.content : null);
	const tokens = {};
	for (const [key, value] of Object.entries(config)) {
		if (key.endsWith("_token") && key.length > 6) {
			const c = content(value);
			if (c !== null) tokens[key] = c;
		} else if (key === "additional_special_tokens" && Array.isArray(value)) {
			tokens[key] = value.map(content).filter((c) => c !== null);
		}
	}
	return tokens;
}

const configPath = option("config");
const casesPath = option("cases");
if (!configPath || !casesPath) {
	console.error("usage: node render_chat_template.mjs --config F.json [--template F.jinja] --cases F.json");
	process.exit(2);
}
const config = JSON.parse(readFileSync(configPath, "utf8"));
const templatePath = option("template");
const source = templatePath ? readFileSync(templatePath, "utf8") : templateOf(config);
const template = new Template(source);
const cases = JSON.parse(readFileSync(casesPath, "utf8")).cases;

const results = cases.map((c) => {
	const variables = {
		...specialTokensOf(config),
		tools: null,
		documents: null,
		...(c.extra ?? {}),
		messages: c.messages,
		add_generation_prompt: c.add_generation_prompt,
	};
	try {
		return { name: c.name, text: template.render(variables) };
	} catch (e) {
		return { name: c.name, error: String(e && e.message ? e.message : e) };
	}
});
process.stdout.write(JSON.stringify(results));
