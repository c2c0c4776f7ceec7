// The store is checked before a run starts, and a failure names its real cause: Node's recursive
// mkdir says ENOENT where the file system is read-only (EROFS) or the user lacks permission, so
// directories are made one component at a time. (A read-only mount cannot be made in a test: the
// file system's answers are simulated for those cases.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeDirs, outputFileProblem, storeProblem } from '../src/store.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jepsen-store-problems-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

const erofs = (p: string) => Object.assign(new Error(`EROFS: read-only file system, '${p}'`), { code: 'EROFS' });

test('makeDirs makes every missing component, and leaves existing ones be', () => {
  const deep = path.join(tmp, 'a', 'b', 'c');
  makeDirs(deep);
  assert.ok(fs.statSync(deep).isDirectory());
  makeDirs(deep);
  makeDirs(path.join(tmp, 'a'));
  assert.equal(storeProblem(path.join(tmp, 'a', 'b', 'new-store')), undefined);
  assert.ok(fs.statSync(path.join(tmp, 'a', 'b', 'new-store')).isDirectory());
});

test('a file in the path: "a part of the path is not a directory"', () => {
  fs.writeFileSync(path.join(tmp, 'file'), 'x');
  assert.equal(storeProblem(path.join(tmp, 'file', 'store')), 'a part of the path is not a directory');
  assert.throws(() => makeDirs(path.join(tmp, 'file', 'store')), { code: 'ENOTDIR' });
});

test('a store to be made on a read-only file system: the sentence says so (not ENOENT)', (t) => {
  const ro = path.join(tmp, 'ro');
  fs.mkdirSync(ro);
  // As a read-only mount answers: a plain mkdir under it fails with EROFS, a recursive one (on
  // some systems) with ENOENT.
  const real = fs.mkdirSync;
  t.mock.method(fs, 'mkdirSync', (p: fs.PathLike, o?: fs.MakeDirectoryOptions) => {
    if (String(p).startsWith(`${ro}/`)) {
      if (o?.recursive) throw Object.assign(new Error('ENOENT: no such file or directory'), { code: 'ENOENT' });
      throw erofs(String(p));
    }
    return real(p, o);
  });
  assert.equal(storeProblem(path.join(ro, 'store', 'deeper')), 'cannot create it (the file system is read-only)');
});

test('an existing store on a read-only file system: not writable, and why', (t) => {
  const real = fs.accessSync;
  t.mock.method(fs, 'accessSync', (p: fs.PathLike, m?: number) => {
    if (String(p) === tmp) throw erofs(tmp);
    return real(p, m);
  });
  assert.equal(storeProblem(tmp), 'the directory is not writable (the file system is read-only)');
  assert.equal(outputFileProblem(path.join(tmp, 'junit.xml')), `the directory ${tmp} is not writable (the file system is read-only)`);
});
