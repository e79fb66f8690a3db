import { JSONPath } from "jsonpath-plus";
import type { Json } from "../../infra/definition/asl";

/**
 * EventBridge's input transformer, as a target applies it to an event before starting the workflow: each variable
 * of `inputPaths` is the value at its JSON path in the event (absent: `null`); in the template, a variable inside a
 * JSON string is inserted as text, and one outside a string as JSON (a string with its quotes). EventBridge's own
 * variables are known too: `<aws.events.event>` and `<aws.events.event.json>` (the whole event),
 * `<aws.events.rule-arn>`, `<aws.events.rule-name>` and `<aws.events.event.ingestion-time>`.
 * @param event the event, as EventBridge delivers it (`source`, `detail-type`, `detail`, `time`, …).
 * @param transformer the target's `inputPaths` and `inputTemplate`.
 * @param rule the rule's ARN and name, for EventBridge's variables.
 * @returns the execution input: the template's JSON, parsed.
 * @throws Error when the template, filled in, is not JSON (EventBridge would refuse it too).
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
 */
export function applyInputTransformer(event: Json, transformer: { inputPaths?: Record<string, string>; inputTemplate: string }, rule: { arn: string; name: string }): Json {
  const values = new Map<string, Json>();
  for (const [name, path] of Object.entries(transformer.inputPaths ?? {})) {
    const found = JSONPath({ path, json: event as object, wrap: true }) as Json[];
    values.set(name, found.length > 0 ? found[0] : null);
  }
  values.set("aws.events.event", event);
  values.set("aws.events.event.json", event);
  values.set("aws.events.rule-arn", rule.arn);
  values.set("aws.events.rule-name", rule.name);
  values.set("aws.events.event.ingestion-time", (event as { time?: string } | null)?.time ?? new Date(0).toISOString());
  let text = "";
  let inString = false;
  const template = transformer.inputTemplate;
  for (let i = 0; i < template.length; i++) {
    const char = template[i];
    if (char === '"' && template[i - 1] !== "\\") inString = !inString;
    const placeholder = char === "<" ? /^<([A-Za-z0-9_.-]+)>/.exec(template.slice(i)) : null;
    if (placeholder && values.has(placeholder[1])) {
      const value = values.get(placeholder[1])!;
      // Inside a string the value is text (a string as is, anything else as its JSON), escaped for the string.
      text += inString ? JSON.stringify(typeof value === "string" ? value : JSON.stringify(value)).slice(1, -1) : JSON.stringify(value);
      i += placeholder[0].length - 1;
      continue;
    }
    text += char;
  }
  try {
    return JSON.parse(text) as Json;
  } catch (error) {
    throw new Error(`the input template, filled in, is not JSON: ${(error as Error).message}: ${text}`);
  }
}
