// Vega and vega-embed, inlined from the npm packages so a report works offline from file://
// (Vega-Lite specs are compiled to Vega in Node: reports/vega-compile.ts). Read once per process. Each executable inline script is allowed by its SHA-256 in the
// page's Content-Security-Policy: nothing else can run, whatever a history contains.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string[] | null = null;

function umdBuild(pkg: string, file: string): string {
  // The packages' exports hide build/, so locate it next to their main module.
  const main = fileURLToPath(import.meta.resolve(pkg));
  let dir = path.dirname(main);
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return fs.readFileSync(path.join(dir, 'build', file), 'utf8');
}

/** Script text safe inside <script>…</script> ("</script" neutralised). */
export function scriptText(js: string): string {
  return js.replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--');
}

/** The libraries' sources, ready for inline <script> elements. */
export function vegaSources(): string[] {
  cached ??= [umdBuild('vega', 'vega.min.js'), umdBuild('vega-embed', 'vega-embed.min.js')].map(scriptText);
  return cached;
}

const hashes = new Map<string, string>();

/** The CSP source expression allowing exactly this inline script. */
export function scriptHash(text: string): string {
  let h = hashes.get(text);
  if (h === undefined) {
    h = `'sha256-${crypto.createHash('sha256').update(text, 'utf8').digest('base64')}'`;
    if (text.length > 100_000) hashes.set(text, h); // the libraries: hashed once per process
  }
  return h;
}

/** Allows nothing from the network: no fetches, frames, fonts, images or scripts but our own. */
export function contentSecurityPolicy(scripts: string[]): string {
  return [
    "default-src 'none'",
    `script-src ${[...new Set(scripts.map(scriptHash))].join(' ')}`,
    "style-src 'unsafe-inline'", // vega-embed and the tooltips set inline styles
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}
