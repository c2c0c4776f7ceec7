// Vega, Vega-Lite and vega-embed, inlined from the npm packages so a report works offline from
// file://. Read once per process.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | null = null;

function umdBuild(pkg: string, file: string): string {
  // The packages' exports hide build/, so locate it next to their main module.
  const main = fileURLToPath(import.meta.resolve(pkg));
  let dir = path.dirname(main);
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return fs.readFileSync(path.join(dir, 'build', file), 'utf8');
}

/** The three libraries as <script> elements (with "</script" neutralised). */
export function vegaScripts(): string {
  if (cached === null) {
    cached = [
      umdBuild('vega', 'vega.min.js'),
      umdBuild('vega-lite', 'vega-lite.min.js'),
      umdBuild('vega-embed', 'vega-embed.min.js'),
    ]
      .map((js) => `<script>${js.replace(/<\/script/gi, '<\\/script')}</script>`)
      .join('\n');
  }
  return cached;
}
