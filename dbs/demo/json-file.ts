// A node's state in one JSON file of its data directory, replaced atomically (write a temporary
// file, rename it over the old one), so a SIGKILL mid-write leaves the old state or the new one.
import fs from 'node:fs';

export function loadJson<T>(file: string, fallback: T): T {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as T) : fallback;
}

export function saveJson(file: string, value: unknown): void {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(value));
  fs.renameSync(tmp, file);
}
