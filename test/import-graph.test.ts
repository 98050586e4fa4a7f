import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PACKAGE_ROOT } from '../plugin/project-files.js';

const check = (cwd: string) =>
  spawnSync(process.execPath, [join(cwd, 'scripts', 'check-imports.mjs')], { cwd, encoding: 'utf8' });

/** The check run over a tree of its own: the script, and `files` (path → text). */
function checkTree(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'import-check-'));
  try {
    mkdirSync(join(dir, 'scripts'));
    copyFileSync(
      join(PACKAGE_ROOT, 'scripts', 'check-imports.mjs'),
      join(dir, 'scripts', 'check-imports.mjs'),
    );
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return check(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the import check', () => {
  test('finds no import circle in the sources', () => {
    const result = check(PACKAGE_ROOT);
    expect(result.stdout).toMatch(/^no import circle in \d+ files/);
    expect(result.status).toBe(0);
  });

  test('names the files of a circle, type-only imports included, and exits 1', () => {
    const result = checkTree({
      'plugin/a.ts': "import { b } from './b.js';\nexport const a = b;\n",
      'plugin/b.ts': "import type { C } from './c.js';\nexport const b: C = 1;\n",
      'plugin/c.ts': "import { a } from './a.js';\nexport type C = typeof a;\n",
    });
    expect(result.stdout).toContain('import circle: plugin/a.ts ↔ plugin/b.ts ↔ plugin/c.ts');
    expect(result.status).toBe(1);
  });

  test('refuses a sandbox file that imports the plugin, naming both, and exits 1', () => {
    const result = checkTree({
      'plugin/limits.ts': 'export const DAYS = 21;\n',
      'sandbox/rules.ts': "import { DAYS } from '../plugin/limits.js';\nexport const MAX = DAYS;\n",
    });
    expect(result.stdout).toContain('import across a wall');
    expect(result.stdout).toContain('sandbox/rules.ts → plugin/limits.ts');
    expect(result.status).toBe(1);
  });
});
