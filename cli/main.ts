import 'reflect-metadata';
import { sandboxCommand, sandboxHelp } from './commands/sandbox.js';
import { installCommand, installHelp } from './commands/install.js';
import { transformCommand, transformHelp } from './commands/transform.js';
import { sendCommand, sendHelp } from './commands/send.js';
import { reportCommand, reportHelp } from './commands/report.js';
import { uploadCommand, uploadHelp } from './commands/upload.js';
import { UsageError, writeLine, type CliIo } from './io.js';
import { commandHelp, EXIT_USAGE, overview, type CommandHelp } from './help.js';

interface Command {
  help: CommandHelp;
  run: (args: string[], io: CliIo) => Promise<number>;
}

const COMMANDS: Command[] = [
  { help: transformHelp, run: transformCommand },
  { help: reportHelp, run: reportCommand },
  { help: sendHelp, run: sendCommand },
  { help: uploadHelp, run: uploadCommand },
  { help: installHelp, run: installCommand },
  { help: sandboxHelp, run: sandboxCommand },
];

export const USAGE = overview(COMMANDS.map((c) => c.help));

const asksForHelp = (args: string[]) => args.includes('--help') || args.includes('-h');

/**
 * Runs one CLI command; resolves to the exit code. Help goes to stdout with exit 0 (`--help`, `-h`, `help
 * [command]`, or no command at all); a command line that cannot be understood goes to stderr with exit 64.
 */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? COMMANDS.find((c) => c.help.name === args[0]) : undefined;
    io.stdout.write(topic ? commandHelp(topic.help) : USAGE);
    return 0;
  }
  const command = COMMANDS.find((c) => c.help.name === name);
  if (!command) {
    io.stderr.write(`Unknown command ${name}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (asksForHelp(args)) {
    io.stdout.write(commandHelp(command.help));
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      writeLine(
        io.stderr,
        `${(error as Error).message}\n\nUsage: amazon-dsp-events ${command.help.synopsis}\n` +
          `Run 'amazon-dsp-events ${name} --help' for more.`,
      );
      return EXIT_USAGE;
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
