// Bundle budget: the JavaScript a browser must download before the app can start, gzipped, stays under 120 KB.
// Counted: the entry module(s) of dist/index.html, its modulepreload links and every module they import
// statically (followed recursively). Not counted: chunks loaded with import() (lazy routes, locale files,
// syntax highlighting), which only cost when used. Run after `npm run build`: `npm run check:size`.
import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join, posix, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

export const BUDGET_BYTES = 120 * 1024;
const dist = fileURLToPath(new URL("../dist/", import.meta.url));

/** Script and modulepreload URLs of index.html, in document order (only same-origin, absolute paths). */
export function initialScripts(html) {
  const urls = [];
  for (const tag of html.matchAll(/<(script|link)\b[^>]*>/gi)) {
    const text = tag[0];
    const attr = (name) => new RegExp(`\\b${name}\\s*=\\s*["']([^"']+)["']`, "i").exec(text)?.[1];
    const url =
      tag[1].toLowerCase() === "script" ? attr("src") : attr("rel") === "modulepreload" && attr("href");
    if (url && url.startsWith("/")) urls.push(url);
  }
  return urls;
}

/** Specifiers of a module's static imports and re-exports; `import("…")` (lazy) does not match. */
export function staticImports(code) {
  const found = new Set();
  const patterns = [
    /\bimport\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"']+)["']/g,
    /\bexport\s*(?:\*|\{[^}]*\})\s*from\s*["']([^"']+)["']/g,
  ];
  for (const pattern of patterns) for (const match of code.matchAll(pattern)) found.add(match[1]);
  return [...found];
}

/** Every file (dist-relative path) in the initial download, with its raw and gzip size. */
export async function measure(root = dist) {
  const html = await readFile(join(root, "index.html"), "utf8");
  const queue = initialScripts(html).map((url) => url.slice(1));
  const seen = new Map();
  while (queue.length > 0) {
    const file = posix.normalize(queue.shift());
    // A quoted "./x" inside a string literal can look like an import: count only files that exist.
    if (seen.has(file) || !existsSync(join(root, file))) continue;
    const code = await readFile(join(root, file));
    seen.set(file, { file, raw: code.length, gzip: gzipSync(code, { level: 9 }).length });
    for (const specifier of staticImports(code.toString("utf8"))) {
      if (specifier.startsWith(".")) queue.push(posix.join(posix.dirname(file), specifier));
      else if (specifier.startsWith("/")) queue.push(specifier.slice(1));
    }
  }
  return [...seen.values()];
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

async function main() {
  if (!existsSync(join(dist, "index.html"))) {
    console.error(
      `check-size: ${relative(process.cwd(), dist)}index.html is missing: run \`npm run build\` first`,
    );
    return 1;
  }
  const files = await measure();
  const total = files.reduce((sum, file) => sum + file.gzip, 0);
  const width = Math.max(20, ...files.map((file) => file.file.length));
  console.log(`${"initial JavaScript".padEnd(width)}  ${"raw".padStart(10)}  ${"gzip".padStart(10)}`);
  for (const file of files) {
    console.log(`${file.file.padEnd(width)}  ${kb(file.raw).padStart(10)}  ${kb(file.gzip).padStart(10)}`);
  }
  const raw = files.reduce((sum, file) => sum + file.raw, 0);
  console.log(`${"total".padEnd(width)}  ${kb(raw).padStart(10)}  ${kb(total).padStart(10)}`);
  if (total > BUDGET_BYTES) {
    console.error(
      `check-size: initial JavaScript is ${kb(total)} gzip, over the ${kb(BUDGET_BYTES)} budget: ` +
        "load more with import() (routes, dialogs, Markdown, highlighting) or drop a dependency",
    );
    return 1;
  }
  console.log(`within the ${kb(BUDGET_BYTES)} gzip budget (${kb(BUDGET_BYTES - total)} left)`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main();
}
