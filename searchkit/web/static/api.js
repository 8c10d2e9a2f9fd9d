// The HTTP API's page: its OpenAPI description (/api/openapi.json) as text, built with DOM calls only.
"use strict";

function el(tag, ...children) {
  const node = document.createElement(tag);
  node.append(...children.flat(Infinity).filter((c) => c !== null && c !== undefined));
  return node;
}

function typeOf(schema) {
  if (schema.type === "array") return `list of ${typeOf(schema.items)} (repeat the parameter)`;
  const parts = [schema.type];
  if (schema.enum) parts.push(`one of ${schema.enum.join(", ")}`);
  if (schema.minimum !== undefined || schema.maximum !== undefined) {
    parts.push(`${schema.minimum ?? "…"} to ${schema.maximum ?? "…"}`);
  }
  if (schema.maxLength !== undefined) parts.push(`at most ${schema.maxLength} characters`);
  if (schema.default !== undefined) parts.push(`default ${schema.default}`);
  return parts.join("; ");
}

function operation(path, method, op) {
  const rows = (op.parameters || []).map((p) => el("tr", el("th", el("code", p.name)), el("td", p.in),
    el("td", typeOf(p.schema)), el("td", p.description || "")));
  const table = rows.length ? el("table", el("thead", el("tr", el("th", "parameter"), el("th", "in"),
    el("th", "type"), el("th", "meaning"))), el("tbody", rows)) : el("p", "No parameters.");
  const answers = Object.keys(op.responses).join(", ");
  return el("section", el("h2", el("code", `${method.toUpperCase()} ${path}`)), el("p", op.summary), table,
    el("p", `Answers: ${answers}. Errors are {"error": "one line saying what is wrong"}.`));
}

document.addEventListener("DOMContentLoaded", async () => {
  const holder = document.getElementById("operations");
  try {
    const doc = await (await fetch("/api/openapi.json")).json();
    const sections = [el("p", doc.info.description)];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) sections.push(operation(path, method, op));
    }
    holder.replaceChildren(...sections);
  } catch (error) {
    holder.textContent = `Cannot read /api/openapi.json: ${error.message}`;
  }
});
