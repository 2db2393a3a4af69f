import { escapeHtml } from "../http/escape-html.js";
import { buildOpenApiDocument } from "./openapi-document.js";

type Operation = {
  summary: string;
  tags: string[];
  security?: unknown[];
  parameters?: { name: string; in: string; required: boolean; schema: unknown }[];
  requestBody?: { content: { "application/json": { schema: unknown } } };
  responses: Record<string, { description: string }>;
};

/**
 * The API reference as one server-rendered page: no script, no CDN, read
 * straight from the OpenAPI document.
 */
export function renderReferencePage(serverUrl: string): string {
  const document = buildOpenApiDocument(serverUrl);
  const sections = new Map<string, string[]>();
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, raw] of Object.entries(operations)) {
      const operation = raw as Operation;
      const tag = operation.tags[0] ?? "Other";
      const parameters = (operation.parameters ?? [])
        .map(
          (p) =>
            `<li><code>${escapeHtml(p.name)}</code> (${p.in}${p.required ? ", required" : ""}) <code>${escapeHtml(JSON.stringify(p.schema))}</code></li>`,
        )
        .join("");
      const body = operation.requestBody?.content["application/json"].schema;
      const responses = Object.entries(operation.responses)
        .map(
          ([status, response]) => `<li><b>${status}</b> ${escapeHtml(response.description)}</li>`,
        )
        .join("");
      const html = `<section id="${escapeHtml(`${method}-${path}`)}">
  <h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code>${operation.security ? ' <span class="auth">admin key</span>' : ""}</h3>
  <p>${escapeHtml(operation.summary)}</p>
  ${parameters ? `<h4>Parameters</h4><ul>${parameters}</ul>` : ""}
  ${body ? `<h4>Request body</h4><pre>${escapeHtml(JSON.stringify(body, null, 2))}</pre>` : ""}
  <h4>Responses</h4><ul>${responses}</ul>
</section>`;
      sections.set(tag, [...(sections.get(tag) ?? []), html]);
    }
  }
  const nav = [...sections.keys()]
    .map((tag) => `<a href="#${escapeHtml(tag)}">${escapeHtml(tag)}</a>`)
    .join(" · ");
  const content = [...sections.entries()]
    .map(([tag, items]) => `<h2 id="${escapeHtml(tag)}">${escapeHtml(tag)}</h2>${items.join("\n")}`)
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(document.info.title)} — API reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2430}
code,pre{font-family:ui-monospace,monospace;font-size:13px}pre{background:#f4f6f8;padding:.75rem;overflow:auto;border-radius:6px}
section{border-top:1px solid #e3e7ec;padding:.5rem 0}.method{display:inline-block;min-width:3.5rem;color:#fff;border-radius:4px;padding:0 .4rem;font-size:13px;text-align:center}
.get{background:#2f7d4f}.post{background:#2d5fa8}.auth{font-size:12px;background:#fbeec8;border-radius:4px;padding:0 .4rem}
</style></head><body>
<h1>${escapeHtml(document.info.title)}</h1><p>${escapeHtml(document.info.description)}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a>. Admin routes take <code>Authorization: Bearer &lt;ADMIN_API_KEY&gt;</code>.</p>
<nav>${nav}</nav>
${content}
</body></html>`;
}
