import 'reflect-metadata';
import { sandboxCommand } from './commands/sandbox.js';
import { installCommand } from './commands/install.js';
import { transformCommand } from './commands/transform.js';
import { sendCommand } from './commands/send.js';
import { UsageError, writeLine, type CliIo } from './io.js';

const COMMANDS: Record<string, { run: (args: string[], io: CliIo) => Promise<number>; usage: string }> = {
  sandbox: {
    run: sandboxCommand,
    usage: 'sandbox [--port N] [--record full|ids] [--keep-requests N]   serve the Amazon Ads API sandbox',
  },
  transform: {
    run: transformCommand,
    usage:
      'transform --config FILE [--variant KEY] [--blueprint FILE] [--explain] [--now ISO] [EVENTS_FILE]   dry run',
  },
  send: {
    run: sendCommand,
    usage: 'send --config FILE [--variant KEY] [EVENTS_FILE]   transform and deliver NDJSON events to Amazon',
  },
  install: {
    run: installCommand,
    usage: 'install --config FILE [--variant KEY]   run the install hook, print the installation',
  },
};

export const USAGE = `Usage: amazon-dsp-events <command> [options]\n\n${Object.values(COMMANDS)
  .map((c) => `  ${c.usage}`)
  .join('\n')}\n`;

/** Runs one CLI command; resolves to the exit code. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    io.stderr.write(name && name !== '--help' ? `Unknown command ${name}\n\n${USAGE}` : USAGE);
    return name && name !== '--help' ? 64 : 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      writeLine(io.stderr, `${(error as Error).message}\n\n${USAGE}`);
      return 64;
    }
    throw error;
  }
}

/** Entry point of bin/amazon-dsp-events.js. */
export async function main(argv: string[]): Promise<void> {
  process.exitCode = await run(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
  });
}
