// Parses Mermaid texts with Mermaid's own parser (ESM only, so the jest test runs this in a child process).
// Mermaid sanitizes labels with DOMPurify, which needs a window: jsdom gives it one, no browser needed.
// Input on stdin: a JSON array of texts. Output: a JSON array of { ok, diagramType } or { ok: false, error }.
import { JSDOM } from 'jsdom';

const { window } = new JSDOM('');
globalThis.window = window;
globalThis.document = window.document;
const mermaid = (await import('mermaid')).default;

let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const text of JSON.parse(input)) {
  try {
    const parsed = await mermaid.parse(text);
    results.push({ ok: true, diagramType: parsed.diagramType });
  } catch (e) {
    results.push({ ok: false, error: String(e.message ?? e) });
  }
}
process.stdout.write(JSON.stringify(results));
