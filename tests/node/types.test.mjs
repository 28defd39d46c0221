// The hand-written declarations of the front-end's two shared modules (www/app/api.d.ts for the
// facade api.js, www/app/wasm.d.ts for the loader wasm.js): they type-check under --strict, and
// each names exactly the exports of its module (read by the TypeScript compiler from the .js
// itself), so an export added to or dropped from a module without its declaration fails here.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const app = (f) => path.join(root, 'www', 'app', f);
const pairs = [['api.js', 'api.d.ts'], ['wasm.js', 'wasm.d.ts']];

const options = {
  noEmit: true,
  strict: true,
  target: ts.ScriptTarget.ESNext,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.esnext.d.ts', 'lib.dom.d.ts'],
  skipLibCheck: false,
};

test('the declarations type-check under --strict', () => {
  const program = ts.createProgram(pairs.map(([, d]) => app(d)), options);
  const diags = ts.getPreEmitDiagnostics(program);
  const text = diags.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')
    + (d.file ? ` (${path.basename(d.file.fileName)})` : ''));
  assert.deepEqual(text, []);
});

/** The values (not types: a .d.ts adds interfaces) a source file exports, as the compiler sees them. */
function exportsOf(file, extra = {}) {
  const program = ts.createProgram([file], { ...options, allowJs: true, checkJs: false, ...extra });
  const checker = program.getTypeChecker();
  const sf = program.getSourceFile(file);
  assert.ok(sf, `${file} was not read`);
  const sym = checker.getSymbolAtLocation(sf);
  assert.ok(sym, `${file} is not a module`);
  return checker.getExportsOfModule(sym)
    .filter((s) => (checker.getExportSymbolOfSymbol(s).flags | (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s).flags : 0)) & ts.SymbolFlags.Value)
    .map((s) => s.getName()).sort();
}

for (const [js, dts] of pairs) {
  test(`${dts} declares exactly the exports of ${js}`, () => {
    const declared = exportsOf(app(dts));
    const actual = exportsOf(app(js));
    assert.ok(actual.length > 3, `${js}: only ${actual.length} exports found`);
    assert.deepEqual(
      { missing: actual.filter((n) => !declared.includes(n)), extra: declared.filter((n) => !actual.includes(n)) },
      { missing: [], extra: [] },
    );
  });
}
