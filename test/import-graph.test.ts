import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../plugin/project-files.js';

const check = (cwd: string) =>
  spawnSync(process.execPath, [join(cwd, 'scripts', 'check-imports.mjs')], { cwd, encoding: 'utf8' });

describe('the import check', () => {
  test('finds no import circle in the sources', () => {
    const result = check(PACKAGE_ROOT);
    expect(result.stdout).toMatch(/^no import circle in \d+ files/);
    expect(result.status).toBe(0);
  });

  test('names the files of a circle, type-only imports included, and exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'import-check-'));
    try {
      mkdirSync(join(dir, 'scripts'));
      mkdirSync(join(dir, 'plugin'));
      copyFileSync(
        join(PACKAGE_ROOT, 'scripts', 'check-imports.mjs'),
        join(dir, 'scripts', 'check-imports.mjs'),
      );
      writeFileSync(join(dir, 'plugin', 'a.ts'), "import { b } from './b.js';\nexport const a = b;\n");
      writeFileSync(
        join(dir, 'plugin', 'b.ts'),
        "import type { C } from './c.js';\nexport const b: C = 1;\n",
      );
      writeFileSync(join(dir, 'plugin', 'c.ts'), "import { a } from './a.js';\nexport type C = typeof a;\n");
      const result = check(dir);
      expect(result.stdout).toContain('import circle: plugin/a.ts ↔ plugin/b.ts ↔ plugin/c.ts');
      expect(result.status).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('refuses a sandbox file that imports the plugin, naming both, and exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'import-check-'));
    try {
      mkdirSync(join(dir, 'scripts'));
      mkdirSync(join(dir, 'plugin'));
      mkdirSync(join(dir, 'sandbox'));
      copyFileSync(
        join(PACKAGE_ROOT, 'scripts', 'check-imports.mjs'),
        join(dir, 'scripts', 'check-imports.mjs'),
      );
      writeFileSync(join(dir, 'plugin', 'limits.ts'), 'export const DAYS = 21;\n');
      writeFileSync(
        join(dir, 'sandbox', 'rules.ts'),
        "import { DAYS } from '../plugin/limits.js';\nexport const MAX = DAYS;\n",
      );
      const result = check(dir);
      expect(result.stdout).toContain('import across a wall');
      expect(result.stdout).toContain('sandbox/rules.ts → plugin/limits.ts');
      expect(result.status).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
