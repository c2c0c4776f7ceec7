// What `require('jepsen-ts')` gives a test module compiled to CommonJS while the CLI runs it: the
// very instance of the library the engine runs (load-test.ts puts it here), not a second copy.
module.exports = (globalThis as Record<symbol, unknown>)[Symbol.for('jepsen-ts.api')];
