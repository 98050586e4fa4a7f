import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join, relative, resolve } from 'node:path';
import { PACKAGE_ROOT } from '../plugin/project-files.js';
import { tempDirForFile } from './support/temp-dir.js';

/**
 * The plugin as a host installs it: the tarball `npm pack` makes, installed with --omit=dev from the npm cache
 * alone into an empty project outside the repository, used by a host there that imports only the package by
 * name (test/package-contract/host.mjs), and by the snippets of docs/host-contract.md put together.
 */
const PACKAGE = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
};
/**
 * Measured at 0.2.0: 245,674 bytes in 261 files, without source maps and with each JSON file once (270,502
 * bytes in 260 files before; 0.1.0 packed 369 KB in 256 files with the tests, the host and the bench). The bounds leave room for a release's growth, not for a folder slipping in.
 */
const MAX_TARBALL_BYTES = 320 * 1024;
const MAX_TARBALL_FILES = 300;

interface Packed {
  filename: string;
  size: number;
  entryCount: number;
  files: Array<{ path: string }>;
}

const work = tempDirForFile('package-contract-');
const project = join(work, 'a-host');
const CONTRACT = readFileSync(join(PACKAGE_ROOT, 'docs', 'host-contract.md'), 'utf8');
const blocks = (lang: string) =>
  [...CONTRACT.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
/** The one shell command of docs/host-contract.md: how a host installs the tarball. */
const INSTALL_COMMAND = blocks('sh')[0]!.trim();
const installed = join(project, 'node_modules', PACKAGE.name);
let packed: Packed;

function run(command: string, args: string[], cwd: string, timeout = 120_000) {
  return spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
}

/** Every file under a folder, as paths relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) =>
    statSync(join(dir, f)).isFile(),
  );
}

beforeAll(() => {
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'a-host', private: true, type: 'module' }),
  );
  const pack = run('npm', ['pack', '--json', '--pack-destination', project], PACKAGE_ROOT, 300_000);
  if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
  packed = (JSON.parse(pack.stdout.slice(pack.stdout.indexOf('\n[') + 1)) as Packed[])[0]!;

  // The install command of docs/host-contract.md, from the npm cache alone.
  const [command, ...args] = INSTALL_COMMAND.split(' ');
  const install = run(command!, [...args, '--offline', '--no-audit', '--no-fund'], project);
  if (install.status !== 0) {
    const cause = /ENOTCACHED/.test(install.stderr)
      ? 'the npm cache lacks a dependency of the package: run `node scripts/prime-npm-cache.mjs` ' +
        '(npm test runs it before the tests; it needs the npm registry once)'
      : 'npm failed';
    throw new Error(`installing the tarball offline: ${cause}\n${install.stderr}`);
  }
  for (const file of ['seed-config.json', 'seed-event.ndjson'])
    copyFileSync(join(PACKAGE_ROOT, 'examples', file), join(project, file));
  copyFileSync(join(PACKAGE_ROOT, 'test', 'package-contract', 'host.mjs'), join(project, 'host.mjs'));
}, 420_000);

describe('the tarball', () => {
  const SHIPPED =
    /^(?:package\.json|README\.md|LICENSE|CHANGELOG\.md|docs\/host-contract\.md|manifest\.json|bin\/amazon-dsp-events\.js|(?:schemas|blueprints|amazon-reference)\/[\w.-]+\.json|examples\/[\w.-]+\.(?:json|ndjson|csv)|dist\/(?:(?:plugin|cli|sandbox)\/[\w/.-]+(?<!\.d)\.js|(?:plugin|cli|sandbox)\/[\w/.-]+\.d\.ts))$/;
  const paths = () => packed.files.map((f) => f.path);

  test('holds only what a host and a CLI user need', () => {
    expect(paths().filter((p) => !SHIPPED.test(p))).toEqual([]);
    expect(paths().filter((p) => /(?:^|\/)(?:test|host|bench|scripts)\//.test(p))).toEqual([]);
    expect(paths().filter((p) => /\.(?:node|map|mjs)$|binding\.gyp$|(?<!\.d)\.ts$/.test(p))).toEqual([]);
  });

  test.each([
    'README.md',
    'LICENSE',
    'CHANGELOG.md',
    'docs/host-contract.md',
    'manifest.json',
    'bin/amazon-dsp-events.js',
    'dist/plugin/index.js',
    'dist/plugin/index.d.ts',
    'dist/cli/main.js',
    'dist/sandbox/index.js',
    'dist/sandbox/index.d.ts',
    'schemas/config.schema.json',
    'blueprints/default.json',
    'blueprints/offline.json',
    'blueprints/mobile_app.json',
    'amazon-reference/openapi-events.json',
    'amazon-reference/normalization-rules.json',
  ])('ships %s', (path) => {
    expect(paths()).toContain(path);
  });

  test(`is under ${MAX_TARBALL_BYTES / 1024} KB and ${MAX_TARBALL_FILES} files`, () => {
    expect(packed.size).toBeLessThan(MAX_TARBALL_BYTES);
    expect(packed.entryCount).toBeLessThan(MAX_TARBALL_FILES);
    expect(packed.entryCount).toBe(packed.files.length);
  });

  test('no source map link: no shipped file names a map it does not ship', () => {
    const linked = paths()
      .filter((p) => /\.(?:js|d\.ts)$/.test(p))
      .filter((p) => readFileSync(join(installed, p), 'utf8').includes('sourceMappingURL'));
    expect(linked).toEqual([]);
  });

  test('each JSON file ships once: the code reads the root copy by the package name', () => {
    const json = paths().filter((p) => p.endsWith('.json') && p !== 'package.json');
    expect(json.filter((p) => p.startsWith('dist/'))).toEqual([]);
    const base = json.map((p) => p.split('/').pop()!);
    expect(base.filter((b, i) => base.indexOf(b) !== i)).toEqual([]);
    const code = ['dist/plugin/catalog/manifest.js', 'dist/plugin/config.js'].map((p) =>
      readFileSync(join(installed, p), 'utf8'),
    );
    expect(code.join('\n')).toMatch(/from 'amazon-dsp-events\/manifest\.json'/);
    expect(code.join('\n')).toMatch(/from 'amazon-dsp-events\/schemas\/config\.schema\.json'/);
  });

  test('every relative import of its code resolves to a file it ships', () => {
    const shipped = new Set(paths());
    const unresolved: string[] = [];
    for (const path of paths().filter((p) => /\.js$/.test(p))) {
      const text = readFileSync(join(installed, path), 'utf8');
      for (const m of text.matchAll(/(?:from\s*|import\s*\(\s*|import\s+)'(\.{1,2}\/[^']+)'/g)) {
        const target = relative(installed, resolve(dirname(join(installed, path)), m[1]!));
        if (!shipped.has(target)) unresolved.push(`${path} → ${m[1]}`);
      }
    }
    expect(unresolved).toEqual([]);
  });

  test('says the same version as the manifest and the changelog', () => {
    const manifest = JSON.parse(readFileSync(join(installed, 'manifest.json'), 'utf8')) as {
      version: string;
    };
    expect(manifest.version).toBe(PACKAGE.version);
    expect(readFileSync(join(installed, 'CHANGELOG.md'), 'utf8')).toMatch(
      new RegExp(`^## ${PACKAGE.version.replace(/\./g, '\\.')} `, 'm'),
    );
  });
});

describe('installed with --omit=dev', () => {
  test('brings no native addon and nothing of the reference host', () => {
    const modules = join(project, 'node_modules');
    expect(filesUnder(modules).filter((f) => /\.node$|(?:^|\/)binding\.gyp$/.test(f))).toEqual([]);
    expect(existsSync(join(modules, 'better-sqlite3'))).toBe(false);
    expect(existsSync(join(modules, 'jest'))).toBe(false);
  });

  test('a host outside the repository validates, installs, transforms and delivers the seed purchase', () => {
    const host = run(
      process.execPath,
      ['host.mjs', 'seed-config.json', 'seed-event.ndjson'],
      project,
      60_000,
    );
    expect(host.stderr).not.toMatch(/Error/);
    expect(host.status).toBe(0);
    const seen = JSON.parse(host.stdout);
    expect(seen).toEqual({
      packageVersion: PACKAGE.version,
      catalogKey: 'amazon_dsp',
      version: PACKAGE.version,
      validConfig: true,
      refused: { code: 'CONFIG_INVALID', fields: ['config.profile_id'] },
      variant: 'default',
      installed: { region: 'NA', accessToken: '***' },
      transformed: ['ok'],
      outcomes: [{ id: 'item-0', status: 'delivered' }],
      needsReconnect: false,
      ledger: ['T-1001'],
      tokenHealth: expect.objectContaining({ method: 'access_token', renews: false }),
      deepImports: {
        'dist/plugin/config.js': 'ERR_PACKAGE_PATH_NOT_EXPORTED',
        'dist/sandbox/server.js': 'ERR_PACKAGE_PATH_NOT_EXPORTED',
        'sandbox/server.js': 'ERR_PACKAGE_PATH_NOT_EXPORTED',
        'host/main.js': 'ERR_PACKAGE_PATH_NOT_EXPORTED',
        // A pattern export cannot be walked out of.
        'schemas/../dist/plugin/config.js': 'ERR_INVALID_MODULE_SPECIFIER',
      },
    });
  });

  test("its command line dry-runs the seed's purchase", () => {
    const bin = join(project, 'node_modules', '.bin', 'amazon-dsp-events');
    const args = [
      'transform',
      '--config',
      'seed-config.json',
      '--now',
      '2026-02-26T00:00:00Z',
      'seed-event.ndjson',
    ];
    const dry = run(bin, args, project);
    expect(dry.status).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ status: 'ok', event: { eventId: 'T-1001' } });
  });

  test("the README's transform command runs as written in the installed package's folder", () => {
    const readme = readFileSync(join(installed, 'README.md'), 'utf8');
    const line = readme
      .split('\n')
      .find((l) => l.startsWith('npx amazon-dsp-events transform --config examples/'));
    expect(line).toBeDefined();
    const bin = join(project, 'node_modules', '.bin', 'amazon-dsp-events');
    const dry = run(bin, line!.trim().split(/\s+/).slice(2), installed);
    expect(dry.stderr).toBe('');
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain('T-1001');
  });

  test('its command line serves the sandbox', async () => {
    const bin = join(project, 'node_modules', '.bin', 'amazon-dsp-events');
    const child = spawn(bin, ['sandbox', '--port', '0'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const first = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`the sandbox command exited ${code}`)));
      });
      const { url } = JSON.parse(first) as { url: string };
      const token = await fetch(`${url}/auth/o2/token`, { method: 'POST' });
      expect(token.status).toBe(400);
    } finally {
      child.kill('SIGTERM');
    }
  });

  test('a TypeScript host type-checks against its declarations, and a deep import does not', () => {
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
          typeRoots: [join(PACKAGE_ROOT, 'node_modules', '@types')],
        },
        files: ['host.ts'],
      }),
    );
    writeFileSync(
      join(project, 'host.ts'),
      `import {
  createDestination, hostSettingsFromEnv, ConfigError, PluginError,
  type Destination, type Installation, type DeliveryItem, type DeliveryReport, type EventOutcome,
  type TransformResult, type HostSettings, type Clock, type TokenHealth, type AmazonEvent,
} from 'amazon-dsp-events';
import { startSandbox, type Sandbox } from 'amazon-dsp-events/sandbox';
// @ts-expect-error not exported: a host cannot reach inside the package
import { SchemaRegistry } from 'amazon-dsp-events/dist/plugin/schemas/schema-registry.js';

const settings: HostSettings = hostSettingsFromEnv({});
const clock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };
const destination: Destination = createDestination({ hostSettings: settings, clock });
export async function deliverOne(event: unknown, sandbox: Sandbox): Promise<EventOutcome[]> {
  let installation: Installation;
  try {
    installation = await destination.install({ name: 'n', variant: 'default', config: {}, delivery_mode: 'server_side' });
  } catch (error) {
    if (error instanceof ConfigError) return error.fields.map((f) => ({ id: f.field, status: 'rejected', code: error.code, message: f.message }));
    throw error instanceof PluginError ? new Error(error.code) : error;
  }
  const result: TransformResult = destination.transform(event, installation);
  if (result.status !== 'ok') return [];
  const amazon: AmazonEvent = result.event;
  const items: DeliveryItem[] = [{ id: sandbox.url, event: amazon }];
  const report: DeliveryReport = await destination.deliver(items, installation);
  const health: TokenHealth = destination.tokenHealth(installation);
  return health.renews ? report.outcomes : report.outcomes.slice(0);
}
export { startSandbox, SchemaRegistry };
`,
    );
    const tsc = run(
      process.execPath,
      [join(PACKAGE_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'],
      project,
    );
    expect(tsc.stdout).toBe('');
    expect(tsc.status).toBe(0);
  });

  test("the root's values are the export table of docs/host-contract.md, no more, no fewer", () => {
    const section = CONTRACT.slice(CONTRACT.indexOf('### What the root exports'));
    const table = section.slice(0, section.indexOf('\n\n', section.indexOf('| export')));
    const documented = [...table.matchAll(/^\| `(\w+)` +\|/gm)].map((m) => m[1]!).sort();
    const keys = run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "console.log(JSON.stringify(Object.keys(await import('amazon-dsp-events'))))",
      ],
      project,
    );
    expect(keys.stderr).toBe('');
    expect(documented).toEqual((JSON.parse(keys.stdout) as string[]).sort());
    expect(documented).toEqual(expect.arrayContaining(['createLogger', 'SecretRegistry', 'TOKENS']));
  });

  test('the snippets of docs/host-contract.md, one after another, are a host that runs', () => {
    // The host's ajv of the package's major versions: what the npm cache holds for an offline install.
    const major = (range: string) => /\d+/.exec(range)![0];
    const { ajv, 'ajv-formats': formats } = PACKAGE.dependencies;
    expect(INSTALL_COMMAND).toBe(
      `npm install ./${PACKAGE.name}-${PACKAGE.version}.tgz ajv@${major(ajv!)} ajv-formats@${major(formats!)} --omit=dev`,
    );
    expect(packed.filename).toBe(`${PACKAGE.name}-${PACKAGE.version}.tgz`);
    const snippets = blocks('js');
    expect(snippets.length).toBeGreaterThanOrEqual(7);
    writeFileSync(join(project, 'contract-host.mjs'), snippets.join('\n'));
    const host = run(process.execPath, ['contract-host.mjs'], project, 60_000);
    expect(host.stderr).not.toMatch(/Error/);
    expect(host.stdout).toBe('delivered T-1001 through the sandbox; closed\n');
    expect(host.status).toBe(0);
  });
});

/** The same promise checked on the sources, before anything is packed (scripts/check-imports.mjs, in `npm run lint`). */
describe('the import check of what the package ships', () => {
  const check = (cwd: string) =>
    spawnSync(process.execPath, [join(cwd, 'scripts', 'check-imports.mjs')], { cwd, encoding: 'utf8' });

  test('finds every import of plugin/, cli/ and sandbox/ in the package', () => {
    const result = check(PACKAGE_ROOT);
    expect(result.stdout).toMatch(/the shipped ones import only what the package has/);
    expect(result.status).toBe(0);
  });

  test('names each import a host would not get: an undeclared package, types included, or a host file', () => {
    const root = join(work, 'import-check');
    for (const folder of ['scripts', 'plugin', 'cli', 'host'])
      mkdirSync(join(root, folder), { recursive: true });
    copyFileSync(
      join(PACKAGE_ROOT, 'scripts', 'check-imports.mjs'),
      join(root, 'scripts', 'check-imports.mjs'),
    );
    writeFileSync(join(root, 'package.json'), JSON.stringify({ dependencies: { ajv: '^8.0.0' } }));
    writeFileSync(join(root, 'manifest.json'), '{}');
    writeFileSync(join(root, 'host', 'stop.ts'), 'export const stop = 1;\n');
    writeFileSync(
      join(root, 'plugin', 'a.ts'),
      [
        "import 'reflect-metadata';",
        "import { Ajv } from 'ajv';",
        "import { readFileSync } from 'node:fs';",
        "import manifest from '../manifest.json' with { type: 'json' };",
        "import type { Browser } from 'playwright-core';",
        "export const load = () => import('@iabgpp/cmpapi/lib');",
        'export { Ajv, readFileSync, manifest, type Browser };',
      ].join('\n'),
    );
    writeFileSync(join(root, 'cli', 'b.ts'), "export { stop } from '../host/stop.js';\n");
    const result = check(root);
    expect(result.stdout.split('\n').filter((l) => l.startsWith('package import:'))).toEqual([
      'package import: plugin/a.ts: reflect-metadata is not a runtime dependency',
      'package import: plugin/a.ts: playwright-core is not a runtime dependency',
      'package import: plugin/a.ts: @iabgpp/cmpapi/lib is not a runtime dependency',
      'package import: cli/b.ts: ../host/stop.js is not shipped',
    ]);
    expect(result.status).toBe(1);
  });
});
