// Type-checks Grafana dashboard JSON files against Grafana's own published dashboard types (@grafana/schema, the
// version pinned in package-lock.json) with the TypeScript compiler.
//
//   node grafana/typecheck/check.mjs [dashboard.json ...]     (default: grafana/dashboards/*.json)
//
// Each dashboard becomes a TypeScript module `const dashboard: Serialized<Dashboard> = <the JSON, unchanged>;`
// (serialized.ts: string enums as their JSON values), so that every missing required field, unknown field and
// wrong type is a compile error. The JSON text starts on the module's first line, so tsc's line numbers are the
// JSON file's. Prints one line per mismatch, `file:line:column: json.path: message`, and exits 1 on any.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const here = path.dirname(fileURLToPath(import.meta.url));
const PREFIX = "import type { Dashboard } from '@grafana/schema'; import type { Serialized } from '../serialized'; "
  + 'export const dashboard: Serialized<Dashboard> = ';

function dashboardsGiven() {
  const args = process.argv.slice(2);
  if (args.length > 0) {
    return args;
  }
  const dir = path.join(here, '..', 'dashboards');
  return fs.readdirSync(dir).filter(f => f.endsWith('.json')).sort().map(f => path.join(dir, f));
}

/** The JSON path (links[0].tooltip) of the innermost value at pos of the generated module. */
function jsonPath(source, pos) {
  let node = source;
  for (;;) {
    const inner = node.forEachChild(c => (c.getStart(source) <= pos && pos < c.end ? c : undefined));
    if (!inner) {
      break;
    }
    node = inner;
  }
  const parts = [];
  for (; node && !ts.isVariableDeclaration(node); node = node.parent) {
    const parent = node.parent;
    if (parent && ts.isPropertyAssignment(parent) && parent.initializer === node) {
      parts.unshift('.' + parent.name.text);
    } else if (parent && ts.isPropertyAssignment(parent) && parent.name === node) {
      parts.unshift('.' + parent.name.text);
      node = parent;
    } else if (parent && ts.isArrayLiteralExpression(parent)) {
      parts.unshift('[' + parent.elements.indexOf(node) + ']');
    }
  }
  const joined = parts.join('').replace(/^\./, '');
  return joined === '' ? '(dashboard)' : joined;
}

const files = dashboardsGiven();
const work = fs.mkdtempSync(path.join(here, '.generated-'));
const modules = new Map(); // generated module -> dashboard JSON file
let mismatches = 0;
try {
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    try {
      JSON.parse(text);
    } catch (e) {
      console.log(`${file}: not JSON: ${e.message}`);
      mismatches++;
      continue;
    }
    const module = path.join(work, path.basename(file).replace(/\.json$/, '') + '.ts');
    fs.writeFileSync(module, PREFIX + text.trimEnd() + ';\n');
    modules.set(path.resolve(module), file);
  }
  const program = ts.createProgram([...modules.keys()], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    types: [],
    skipLibCheck: true,
  });
  for (const d of ts.getPreEmitDiagnostics(program)) {
    mismatches++;
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n    ');
    const dashboard = d.file && modules.get(path.resolve(d.file.fileName));
    if (!dashboard) {
      console.log(`${d.file ? d.file.fileName + ': ' : ''}${message}`);
      continue;
    }
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    const column = Math.max(1, (line === 0 ? character - PREFIX.length : character) + 1); // 1: the whole dashboard
    console.log(`${dashboard}:${line + 1}:${column}: ${jsonPath(d.file, d.start)}: ${message}`);
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
if (mismatches > 0) {
  console.log(`grafana typecheck: ${mismatches} mismatch(es) with @grafana/schema ${schemaVersion()} in ${files.length} dashboard(s)`);
  process.exit(1);
}
console.log(`grafana typecheck: ${files.length} dashboard(s) match @grafana/schema ${schemaVersion()}`);

function schemaVersion() {
  return JSON.parse(fs.readFileSync(path.join(here, 'node_modules', '@grafana', 'schema', 'package.json'), 'utf8')).version;
}
