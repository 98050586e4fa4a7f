import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PACKAGE_ROOT } from '../plugin/project-files.js';

const run = promisify(execFile);

/**
 * The project's ESLint configuration, run through ESLint's Node API in a child process (ESLint loads its
 * configuration as a module of its own), on texts linted as if they were files of the tree: the rules found
 * for each, in order. One ESLint for all, so the project's types load once.
 */
async function lint(texts: ReadonlyArray<readonly [code: string, file: string]>): Promise<string[][]> {
  const script = `
    import { ESLint } from 'eslint';
    const eslint = new ESLint();
    const found = [];
    for (const [code, file] of JSON.parse(process.argv[1])) {
      const [result] = await eslint.lintText(code, { filePath: file });
      found.push(result.messages.map((m) => m.ruleId ?? m.message));
    }
    process.stdout.write(JSON.stringify(found));
  `;
  const { stdout } = await run(
    process.execPath,
    ['--input-type=module', '-e', script, JSON.stringify(texts)],
    {
      cwd: PACKAGE_ROOT,
    },
  );
  return JSON.parse(stdout) as string[][];
}

const TS_SNIPPET = `
const WORDS = /^(?:a+)+$/;
const TRAILING = /\\s+$/;
async function later(): Promise<number> {
  return 1;
}
export function check(text: string): boolean {
  later();
  [text].forEach(async () => later());
  return WORDS.test(text) || TRAILING.test(text);
}
`;

const JS_SNIPPET = 'export const WORDS = /^(?:a+)+$/;\nexport const TRAILING = /\\s+$/;\n';

const REGEX_RULES = ['regexp/no-super-linear-backtracking', 'regexp/no-super-linear-move'];
const PROMISE_RULES = ['@typescript-eslint/no-floating-promises', '@typescript-eslint/no-misused-promises'];

/** A TypeScript file of the folder (the first by name), for the text to be linted as if it were that file. */
function fileIn(folder: string, suffix = '.ts'): string {
  const name = readdirSync(join(PACKAGE_ROOT, folder))
    .filter((n) => n.endsWith(suffix) && !n.endsWith('.d.ts'))
    .sort()[0];
  if (name === undefined) throw new Error(`no ${suffix} file in ${folder}/`);
  return `${folder}/${name}`;
}

/** Where the text is linted as if it were, and the rules it must find there. */
const CASES: ReadonlyArray<readonly [file: string, rules: readonly string[]]> = [
  // Where regexes meet outside input: both regex rules.
  ...['plugin', 'host', 'cli', 'sandbox'].map(
    (f) => [fileIn(f), [...REGEX_RULES, ...PROMISE_RULES]] as const,
  ),
  // Tests: backtracking only (they search text the project wrote).
  [fileIn('test', '.test.ts'), [REGEX_RULES[0]!, ...PROMISE_RULES]],
  // The page script is plain JavaScript: linted for regexes, without the type-checked rules.
  ['host/web/js/main.js', REGEX_RULES],
];

test('npm run lint refuses a nested quantifier, a floating promise and a promise where nothing is awaited', async () => {
  const found = await lint(CASES.map(([file]) => [file.endsWith('.js') ? JS_SNIPPET : TS_SNIPPET, file]));
  CASES.forEach(([file, rules], i) => {
    for (const rule of rules)
      expect({ file, found: found[i] }).toEqual({ file, found: expect.arrayContaining([rule]) });
    expect(found[i]!.filter((m) => /^Parsing error/.test(m))).toEqual([]);
  });
}, 120_000);

test('npm run lint passes on the tree', async () => {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  await expect(run(npm, ['run', '--silent', 'lint'], { cwd: PACKAGE_ROOT })).resolves.toBeDefined();
}, 600_000);
