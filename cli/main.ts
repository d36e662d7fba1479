import { compileCommand, decompileCommand, validateCommand } from './compile-commands.ts';
import { EXIT, type CliIO } from './io.ts';
import { terminalSafeIO } from './terminal-safe.ts';

const HELP = `fooocus-flow: compile, check and run Fooocus Flow workflows

usage:
  fooocus-flow compile <workflow.json> [--json]   print the FooocusAPI request (diagnostics on stderr)
  fooocus-flow validate <workflow.json>...        print diagnostics (several files: each is checked)
  fooocus-flow decompile <request.json>           turn a FooocusAPI request or task record into a workflow
      compile and decompile take one file at a time; "-" reads stdin; unknown flags are refused
      (fooocus-flow <command> --help for details)
  fooocus-flow run <workflow.json> [options]      run it (default: the built-in simulated engine)
      --api URL  --api-key KEY  --out DIR  --input NAME=image.png  --set NAME=value  --seed N
      (records the run in OUT/run-journal.json first, then follows the task by polling /tasks/{id})
  fooocus-flow run --resume <out> [--api URL]     pick up an interrupted run and save its results
  fooocus-flow batch <workflow.json> --out DIR [--input NAME=FOLDER] [--table items.csv] [--set NAME=V]
      [--servers URL,URL] [--queue redis://HOST:PORT]   run it over many inputs (see batch --help)
  fooocus-flow worker --queue redis://HOST:PORT --api URL   take batch items for one FooocusAPI server
  fooocus-flow sim [--port 7866] [--speed MS] [--api-key KEY]
                                                  run the simulated FooocusAPI engine alone

exit codes: 0 ok (warnings allowed), 1 the graph has errors or the run failed,
            2 the file is unreadable or not a valid workflow/request, 130 the run was cancelled
`;

export async function main(argv: string[], rawIo: CliIO): Promise<number> {
  // Every command's output goes through this: file and server text never reaches a terminal as control codes.
  const io = terminalSafeIO(rawIo);
  const [command, ...args] = argv;
  switch (command) {
    case 'compile':
      return compileCommand(args, io);
    case 'validate':
      return validateCommand(args, io);
    case 'decompile':
      return decompileCommand(args, io);
    case 'run': {
      const { runCommand } = await import('./run.ts');
      return runCommand(args, io);
    }
    case 'batch': {
      const { batchCommand } = await import('./batch/command.ts');
      return batchCommand(args, io);
    }
    case 'worker': {
      const { workerCommand } = await import('./batch/command.ts');
      return workerCommand(args, io);
    }
    case 'sim': {
      const { runSimCli } = await import('../server/sim/main.ts');
      return runSimCli(args, io);
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.stdout.write(HELP);
      return command === undefined ? EXIT.badInput : EXIT.ok;
    default:
      io.stderr.write(`unknown command "${command}"\n${HELP}`);
      return EXIT.badInput;
  }
}
