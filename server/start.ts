/**
 * `npm start`: build the editor if needed, start the simulated FooocusAPI and the app server.
 * Ctrl+C or SIGTERM closes both (open connections included) and exits with 0.
 */
import { launch } from './launch.ts';

try {
  const launched = await launch(process.env, (line) => console.log(line));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping Fooocus Flow ...`);
    launched.close().finally(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (err) {
  console.error('Fooocus Flow could not start:', err instanceof Error ? err.message : err);
  process.exit(1);
}
