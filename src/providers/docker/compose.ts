// A compose file, read as the docker provider needs it (no compose CLI): each service's image or
// build, command, entrypoint, environment, volumes, working_dir, user and depends_on; which
// services are the test's nodes (`x-jepsen: { nodes: [...] }`, default every service); the
// others run beside them as helpers that no fault touches. Variables are interpolated as compose
// does (${VAR}, ${VAR:-default}, ${VAR-default}, $VAR, $$), from the environment and an .env file
// beside the compose file. Keys that would take a service off the run's network are refused.
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../../errors.ts';

export interface ComposeBuild {
  context: string;
  dockerfile?: string;
  args: Record<string, string>;
}

export interface ComposeMount {
  /** An absolute host path (bind mount) or a named volume. */
  source: string;
  target: string;
  readOnly: boolean;
  kind: 'bind' | 'volume';
}

export interface ComposeService {
  name: string;
  image?: string;
  build?: ComposeBuild;
  command?: string[];
  entrypoint?: string[];
  environment: Record<string, string>;
  mounts: ComposeMount[];
  workingDir?: string;
  user?: string;
  dependsOn: Array<{ service: string; condition: 'service_started' | 'service_healthy' | 'service_completed_successfully' }>;
  /** A node of the test (faulted, its address given to clients) or a helper. */
  node: boolean;
}

export interface ComposeProject {
  file: string;
  services: ComposeService[];
  /** Services in an order that starts each after those it depends on. */
  startOrder: string[];
  /** Keys read but not acted upon (ports, networks...), for the log. */
  ignored: string[];
}

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const REFUSED = ['network_mode', 'pid', 'ipc', 'extends'];
const IGNORED = ['ports', 'expose', 'networks', 'container_name', 'restart', 'deploy', 'labels', 'logging', 'healthcheck', 'hostname', 'init', 'cap_add', 'stop_signal', 'stop_grace_period', 'tty', 'stdin_open', 'profiles', 'env_file'];

type Env = Readonly<Record<string, string | undefined>>;

/** compose's variable interpolation over one string. */
export function interpolate(s: string, env: Env, where: string): string {
  return s.replace(/\$(\$|\{([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_m, all: string, braced: string | undefined, bare: string | undefined) => {
    if (all === '$') return '$';
    if (bare !== undefined) return env[bare] ?? '';
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])(.*))?$/s.exec(braced ?? '');
    if (!m) throw new UsageError(`${where}: \${${braced}} is not a variable compose understands.`);
    const [, name, colon, op, rest] = m;
    const v = env[name];
    const unset = v === undefined || (colon === ':' && v === '');
    if (op === '-') return unset ? rest : v!;
    if (op === '?') {
      if (unset) throw new UsageError(`${where}: variable ${name} is required${rest ? ` (${rest})` : ''}: set it in the environment or in .env.`);
      return v!;
    }
    return v ?? '';
  });
}

/** Every string in a parsed YAML value, interpolated (iteratively, no recursion on user data). */
function interpolateAll(root: unknown, env: Env, where: string): unknown {
  const out = { v: root } as Record<string, unknown>;
  const stack: Array<[Record<string, unknown> | unknown[], string | number]> = [[out, 'v']];
  while (stack.length) {
    const [holder, key] = stack.pop()!;
    const v = (holder as Record<string | number, unknown>)[key];
    if (typeof v === 'string') (holder as Record<string | number, unknown>)[key] = interpolate(v, env, where);
    else if (Array.isArray(v)) v.forEach((_, i) => stack.push([v, i]));
    else if (v && typeof v === 'object') for (const k of Object.keys(v)) stack.push([v as Record<string, unknown>, k]);
  }
  return out.v;
}

function readDotEnv(dir: string): Record<string, string> {
  const f = path.join(dir, '.env');
  if (!fs.existsSync(f)) return {};
  const out: Record<string, string> = {};
  for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (m && !line.trimStart().startsWith('#')) out[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return out;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A command or entrypoint: a list, or a string split as a shell splits words (quotes, escapes). */
export function words(v: unknown, where: string): string[] {
  if (Array.isArray(v)) return v.map((x) => String(x));
  if (typeof v !== 'string') throw new UsageError(`${where} must be a string or a list of strings.`);
  const out: string[] = [];
  let cur = '';
  let has = false;
  let q: '"' | "'" | null = null;
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (q) {
      if (c === q) q = null;
      else if (c === '\\' && q === '"' && i + 1 < v.length) cur += v[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      q = c;
      has = true;
    } else if (c === '\\' && i + 1 < v.length) {
      cur += v[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has || cur) out.push(cur);
      cur = '';
      has = false;
    } else cur += c;
  }
  if (q) throw new UsageError(`${where}: unterminated ${q} quote.`);
  if (has || cur) out.push(cur);
  return out;
}

function environment(v: unknown, where: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (v === undefined || v === null) return out;
  if (Array.isArray(v)) {
    for (const item of v) {
      const s = String(item);
      const i = s.indexOf('=');
      if (i < 0) {
        if (process.env[s] !== undefined) out[s] = process.env[s]!;
      } else out[s.slice(0, i)] = s.slice(i + 1);
    }
    return out;
  }
  if (!isObj(v)) throw new UsageError(`${where} must be a list of KEY=VALUE or a map.`);
  for (const [k, val] of Object.entries(v)) out[k] = val === null || val === undefined ? (process.env[k] ?? '') : String(val);
  return out;
}

function mounts(v: unknown, dir: string, where: string): ComposeMount[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new UsageError(`${where} must be a list.`);
  return v.map((m, i): ComposeMount => {
    if (isObj(m)) {
      const type = String(m.type ?? 'volume');
      if (type !== 'bind' && type !== 'volume') throw new UsageError(`${where}[${i}]: type ${type} is not supported (bind or volume).`);
      const source = String(m.source ?? '');
      return { kind: type, source: type === 'bind' ? path.resolve(dir, source) : source, target: String(m.target), readOnly: m.read_only === true };
    }
    const parts = String(m).split(':');
    if (parts.length === 1) return { kind: 'volume', source: '', target: parts[0], readOnly: false };
    const [src, target, mode = ''] = parts;
    const bind = src.startsWith('.') || src.startsWith('/') || src.startsWith('~');
    const source = bind ? path.resolve(dir, src.replace(/^~(?=\/|$)/, process.env.HOME ?? '~')) : src;
    return { kind: bind ? 'bind' : 'volume', source, target, readOnly: mode.split(',').includes('ro') };
  });
}

function dependsOn(v: unknown, where: string): ComposeService['dependsOn'] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map((s) => ({ service: String(s), condition: 'service_started' as const }));
  if (!isObj(v)) throw new UsageError(`${where} must be a list or a map.`);
  return Object.entries(v).map(([service, o]) => {
    const condition = String((isObj(o) ? o.condition : undefined) ?? 'service_started');
    if (!['service_started', 'service_healthy', 'service_completed_successfully'].includes(condition)) {
      throw new UsageError(`${where}.${service}: condition ${condition} is not one compose knows.`);
    }
    return { service, condition: condition as ComposeService['dependsOn'][number]['condition'] };
  });
}

/** Reads and checks a compose file. Every problem is one sentence naming the file and the key. */
export function loadCompose(file: string, env: Env = process.env): ComposeProject {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) throw new UsageError(`--compose ${file}: no such file.`);
  const dir = path.dirname(abs);
  let doc: unknown;
  try {
    doc = parseYaml(fs.readFileSync(abs, 'utf8'), { merge: true, maxAliasCount: 1000 });
  } catch (e) {
    throw new UsageError(`--compose ${file}: not valid YAML (${(e as Error).message.split('\n')[0]}).`);
  }
  doc = interpolateAll(doc, { ...readDotEnv(dir), ...env }, file);
  if (!isObj(doc) || !isObj(doc.services) || Object.keys(doc.services).length === 0) {
    throw new UsageError(`--compose ${file}: it has no services (expected a top-level "services:" map).`);
  }
  const xj = doc['x-jepsen'];
  const listed = isObj(xj) && xj.nodes !== undefined ? xj.nodes : undefined;
  if (listed !== undefined && (!Array.isArray(listed) || listed.length === 0)) throw new UsageError(`${file}: x-jepsen.nodes must be a non-empty list of service names.`);
  const names = Object.keys(doc.services);
  for (const n of (listed as unknown[] | undefined) ?? []) {
    if (!names.includes(String(n))) throw new UsageError(`${file}: x-jepsen.nodes names ${String(n)}, which is not a service (services: ${names.join(', ')}).`);
  }
  const nodes = new Set(((listed as unknown[] | undefined) ?? names).map(String));
  const ignored: string[] = [];
  const services = names.map((name): ComposeService => {
    const where = `${file}: services.${name}`;
    if (!NAME.test(name)) throw new UsageError(`${where}: a service name must be letters, digits, dots, dashes or underscores.`);
    const s = doc.services as Record<string, unknown>;
    const svc = s[name];
    if (!isObj(svc)) throw new UsageError(`${where} must be a map.`);
    for (const k of REFUSED) if (svc[k] !== undefined) throw new UsageError(`${where}.${k} is not supported: jepsen-ts runs every service on its own network (remove the key).`);
    for (const k of Object.keys(svc)) if (IGNORED.includes(k)) ignored.push(`services.${name}.${k}`);
    let build: ComposeBuild | undefined;
    if (typeof svc.build === 'string') build = { context: path.resolve(dir, svc.build), args: {} };
    else if (isObj(svc.build)) {
      build = { context: path.resolve(dir, String(svc.build.context ?? '.')), dockerfile: svc.build.dockerfile === undefined ? undefined : String(svc.build.dockerfile), args: environment(svc.build.args, `${where}.build.args`) };
    }
    if (build && !fs.existsSync(build.context)) throw new UsageError(`${where}.build: the context ${build.context} does not exist.`);
    if (!build && typeof svc.image !== 'string') throw new UsageError(`${where} needs an image or a build.`);
    return {
      name,
      image: typeof svc.image === 'string' ? svc.image : undefined,
      build,
      command: svc.command === undefined || svc.command === null ? undefined : words(svc.command, `${where}.command`),
      entrypoint: svc.entrypoint === undefined || svc.entrypoint === null ? undefined : words(svc.entrypoint, `${where}.entrypoint`),
      environment: environment(svc.environment, `${where}.environment`),
      mounts: mounts(svc.volumes, dir, `${where}.volumes`),
      workingDir: svc.working_dir === undefined ? undefined : String(svc.working_dir),
      user: svc.user === undefined ? undefined : String(svc.user),
      dependsOn: dependsOn(svc.depends_on, `${where}.depends_on`),
      node: nodes.has(name),
    };
  });
  return { file: abs, services, startOrder: startOrder(services, file), ignored };
}

/** Services ordered so that each comes after what it depends on; a cycle is refused. */
function startOrder(services: readonly ComposeService[], file: string): string[] {
  const byName = new Map(services.map((s) => [s.name, s]));
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  for (const root of services) {
    // Iterative depth-first search.
    const stack: Array<{ name: string; i: number }> = [{ name: root.name, i: 0 }];
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top.i === 0) {
        if (state.get(top.name) === 'done') {
          stack.pop();
          continue;
        }
        state.set(top.name, 'visiting');
      }
      const deps = byName.get(top.name)!.dependsOn;
      if (top.i < deps.length) {
        const d = deps[top.i++].service;
        if (!byName.has(d)) throw new UsageError(`${file}: services.${top.name}.depends_on names ${d}, which is not a service.`);
        if (state.get(d) === 'visiting') throw new UsageError(`${file}: services ${top.name} and ${d} depend on each other (a cycle in depends_on).`);
        if (state.get(d) !== 'done') stack.push({ name: d, i: 0 });
      } else {
        state.set(top.name, 'done');
        order.push(top.name);
        stack.pop();
      }
    }
  }
  return order;
}
