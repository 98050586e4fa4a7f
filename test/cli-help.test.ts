import { runCli } from './support/run-cli.js';
import { AMAZON_ENV } from '../cli/help.js';

const COMMANDS = ['transform', 'send', 'install', 'sandbox'];

describe('amazon-dsp-events help', () => {
  test.each([[['--help']], [['-h']], [['help']], [[]]])(
    '%j prints every command on stdout and exits 0',
    async (argv) => {
      const result = await runCli(argv);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      for (const c of COMMANDS) expect(result.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    },
  );

  test.each(COMMANDS)(
    '%s --help lists its options, the environment it reads and its exit codes',
    async (name) => {
      const result = await runCli([name, '--help']);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(new RegExp(`^Usage: amazon-dsp-events ${name}`));
      expect(result.stdout).toMatch(/^Options:\n/m);
      expect(result.stdout).toMatch(/^Environment/m);
      expect(result.stdout).toMatch(/^Exit codes:\n {2}0 /m);
      expect(result.stdout).toContain('64  the command line is wrong');
    },
  );

  test('help for a command is the same as its --help', async () => {
    expect((await runCli(['help', 'send'])).stdout).toBe((await runCli(['send', '--help'])).stdout);
  });

  test.each(['send', 'install'])('%s --help names every variable that says where Amazon is', async (name) => {
    const { stdout } = await runCli([name, '--help']);
    for (const [variable] of AMAZON_ENV) expect(stdout).toContain(variable);
  });

  test('-h after other options still prints help and runs nothing', async () => {
    const result = await runCli(['send', '--config', '/nonexistent.json', '-h']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: amazon-dsp-events send');
  });

  test('an unknown command and an unknown option go to stderr with exit 64', async () => {
    const unknown = await runCli(['deliver']);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain('Unknown command deliver');
    const badOption = await runCli(['transform', '--config', 'x.json', '--frobnicate']);
    expect(badOption.code).toBe(64);
    expect(badOption.stderr).toContain("Run 'amazon-dsp-events transform --help'");
    expect(badOption.stdout).toBe('');
  });
});
