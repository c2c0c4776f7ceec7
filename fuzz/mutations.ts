// Mutations of history files, for fuzzing the importers and the check path (issue 15): bytes
// flipped, cut short, lines duplicated, dropped or swapped, values nested thousands deep,
// prototype keys, huge numbers, odd types, invalid UTF-8, NULs, byte-order marks, CRLF, controls.
// Each is a pure function of the bytes and two numbers (where and which), so a seed replays it.

/** r says where, s which: both whole numbers from 0 to 2^31 - 1. */
export type Mutation = (b: Buffer, r: number, s: number) => Buffer;
const at = (b: Buffer, r: number) => (b.length ? r % (b.length + 1) : 0);
const splice = (b: Buffer, i: number, del: number, ins: Buffer | string) => Buffer.concat([b.subarray(0, i), Buffer.from(ins), b.subarray(i + del)]);
const lines = (b: Buffer) => b.toString('latin1').split('\n');
const joinLines = (ls: string[]) => Buffer.from(ls.join('\n'), 'latin1');
/** Replaces the first token like `re` at or after a position. */
const replaceFrom = (b: Buffer, r: number, re: RegExp, by: string) => {
  const s = b.toString('latin1');
  const i = at(b, r);
  const m = new RegExp(re.source, 'g');
  m.lastIndex = i;
  const hit = m.exec(s) ?? re.exec(s);
  return hit ? splice(b, hit.index, Buffer.byteLength(hit[0], 'latin1'), by) : splice(b, i, 0, by);
};
export const ODD = ['#{}', '"str"', '[]', '{}', '()', '##NaN', '##Inf', 'true', ':kw', '\\c', '#inst "x"', '1/3', '-', 'nil', 'null', '#_', '#', '"\\u0000"', '{"a"}', '1e999', '-0', '0x10', '"\u202e"', '#jepsen.independent.Tuple [1]', '#jepsen.independent.Tuple [1 2]'];

export const MUTATIONS: Record<string, Mutation> = {
  flip: (b, r, s) => {
    const c = Buffer.from(b);
    if (c.length) c[r % c.length] = s & 0xff;
    return c;
  },
  truncate: (b, r) => b.subarray(0, at(b, r)),
  duplicateLine: (b, r) => {
    const ls = lines(b);
    const i = r % ls.length;
    ls.splice(i, 0, ls[i]);
    return joinLines(ls);
  },
  dropLine: (b, r) => {
    const ls = lines(b);
    ls.splice(r % ls.length, 1);
    return joinLines(ls);
  },
  swapLines: (b, r, s) => {
    const ls = lines(b);
    const i = r % ls.length;
    const j = s % ls.length;
    [ls[i], ls[j]] = [ls[j], ls[i]];
    return joinLines(ls);
  },
  deepNest: (b, r, s) => {
    const n = [10, 999, 1000, 1001, 5000, 20000][s % 6];
    const [o, c] = [['[', ']'], ['(', ')'], ['{"a":', '}'], ['{:a ', '}'], ['#_ ', ' 1'], ['#t ', '']][(s >> 3) % 6];
    return replaceFrom(b, r, /nil|null|\d+/, `${o.repeat(n)}1${c.repeat(n)}`);
  },
  protoKey: (b, r, s) => {
    const ins = [':__proto__ {:process 0 :type :invoke :f :read} ', '"__proto__":{"process":0,"type":"invoke","f":"read"},', ':__proto__ nil ', '"__proto__":null,', ':constructor {:prototype 1} ', '"constructor":{"prototype":{"x":1}},'][s % 6];
    return replaceFrom(b, r, /\{/, `{${ins}`);
  },
  protoValue: (b, r, s) => replaceFrom(b, r, /nil|null|\d+/, ['{:__proto__ {:a 1}}', '{"__proto__":{"a":1}}', '{:__proto__ nil}', '{"__proto__":[1]}'][s % 4]),
  addKey: (b, r, s) => replaceFrom(b, r, /\{/, `{${[':key 1 ', '"key":2,', ':key "k" ', '"key":{"__proto__":1},', ':key 123456789012345678901 '][s % 5]}`),
  hugeNumber: (b, r, s) => replaceFrom(b, r, /\d+/, ['9007199254740993', '-9007199254740993', '1'.repeat(40), '9'.repeat(400), '123456789012345678901234567890N', '1e400', '12345678901234567890.5', '3.0M', '1234567890123456'][s % 9]),
  oddType: (b, r, s) => replaceFrom(b, r, /nil|null|:\w+|"\w+"|\d+/, ODD[s % ODD.length]),
  badUtf8: (b, r, s) => splice(b, at(b, r), 0, Buffer.from([[0xc3, 0x28], [0xff], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80]][s % 6])),
  nul: (b, r) => splice(b, at(b, r), 0, Buffer.from([0])),
  randomBytes: (b, r, s) => splice(b, at(b, r), 0, Buffer.from(Array.from({ length: 1 + (s % 40) }, (_, k) => (s * 31 + k * 97) & 0xff))),
  bom: (b, r, s) => (s % 2 ? splice(b, 0, 0, Buffer.from([0xef, 0xbb, 0xbf])) : splice(b, at(b, r), 0, '\ufeff')),
  crlf: (b) => Buffer.from(b.toString('latin1').replace(/\n/g, '\r\n'), 'latin1'),
  control: (b, r, s) => splice(b, at(b, r), 0, String.fromCharCode([1, 7, 8, 11, 12, 27, 127, 0x85, 0x2028][s % 9])),
};
/** The EDN or the JSON form of a choice, as the text is. */
const pick = (b: Buffer, s: number, choices: Array<[string, string]>) => choices[s % choices.length][b.includes('"process"') ? 1 : 0];

/** Mutations that keep a history readable more often but change what it says: absurd times, other
 *  f's, types and processes, values of other models. */
export const SEMANTIC_MUTATIONS: Record<string, Mutation> = {
  oddTime: (b, r, s) => {
    const t = ['1e15', '1e300', '-1', '0', '1.5', '9007199254740993', '1e308'][s % 7];
    const text = b.toString('latin1');
    // A time field where there is one; else add one to an event.
    return /:time \d+|"time":\d+/.test(text) ? replaceFrom(b, r, /:time -?[\d.e+]+|"time":-?[\d.e+]+/, text.includes('"time"') ? `"time":${t}` : `:time ${t}`) : replaceFrom(b, r, /\{/, text.includes('"process"') ? `{"time":${t},` : `{:time ${t} `);
  },
  otherF: (b, r, s) => replaceFrom(b, r, /:f :[\w-]+|"f":"[\w-]*"/, pick(b, s, ['read', 'write', 'cas', 'txn', 'add', 'acquire', 'release', 'enqueue', 'dequeue', '__proto__', 'constructor', ''].map((f) => [`:f :${f || 'x'}`, `"f":"${f}"`]))),
  otherType: (b, r, s) => replaceFrom(b, r, /:type :\w+|"type":"\w*"/, pick(b, s, ['ok', 'fail', 'info', 'invoke', 'done'].map((t) => [`:type :${t}`, `"type":"${t}"`]))),
  otherProcess: (b, r, s) => replaceFrom(b, r, /:process -?\d+|"process":-?\d+/, pick(b, s, ['0', '1', '-1', '1099511627776', '1.5', 'nemesis'].map((p) => [`:process ${p === 'nemesis' ? ':nemesis' : p}`, `"process":${p === 'nemesis' ? '"nemesis"' : p}`]))),
  otherValue: (b, r, s) => replaceFrom(b, r, /:value (nil|\[\d+ \d+\]|-?\d+)|"value":(null|\[\d+,\d+\]|-?\d+)/, pick(b, s, [
    [':value [1 2]', '"value":[1,2]'], [':value [1 2 3]', '"value":[1,2,3]'], [':value []', '"value":[]'], [':value {:key 1 :value 2}', '"value":{"key":1,"value":2}'],
    [':value [[:read :x 1]]', '"value":[["read","x",1]]'], [':value [[:append :x 1]]', '"value":[["append","x",1]]'], [':value #{1 2}', '"value":{"a":1}'], [':value "s"', '"value":"s"'],
    [':value -5', '"value":-5'], [':value 1e400', '"value":1e400'], [':value 99999999999999999999', '"value":99999999999999999999'], [':value {:lock 1 :owner "a"}', '"value":{"lock":1,"owner":"a"}'],
  ])),
};

export const MUTATION_NAMES = Object.keys(MUTATIONS);
export const SEMANTIC_MUTATION_NAMES = Object.keys(SEMANTIC_MUTATIONS);
const ALL: Record<string, Mutation> = { ...MUTATIONS, ...SEMANTIC_MUTATIONS };

/** bytes with each named mutation applied in turn. */
export function mutate(bytes: Buffer, muts: ReadonlyArray<{ name: string; r: number; s: number }>): Buffer {
  let b = bytes;
  for (const m of muts) b = ALL[m.name](b, m.r, m.s);
  return b;
}
