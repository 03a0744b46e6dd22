// A long-lived racer for test/e2e/lock-race.test.ts: runs pre-incasso commands (the built CLI's
// own program, in this process) on request from the parent over IPC, so hundreds of races cost
// hundreds of command runs, not hundreds of Node start-ups. Each request is one command line.
import { Writable } from 'node:stream';
import { buildProgram } from '../../dist/cli/program.js';
import { Output } from '../../dist/cli/output.js';

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += chunk;
      cb();
    },
  });
  return { stream, text: () => text };
}

process.on('message', async (request) => {
  const stdout = sink();
  const stderr = sink();
  const out = new Output({ json: false, quiet: false, verbose: false, color: false }, { stdout: stdout.stream, stderr: stderr.stream });
  let code = 0;
  process.exitCode = undefined;
  try {
    await (await buildProgram(out, process.env, request.args)).parseAsync(request.args, { from: 'user' });
    code = process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    code = typeof error?.exitCode === 'number' ? error.exitCode : 1;
    stderr.stream.write(`${error?.message ?? error}\n`);
  }
  process.exitCode = undefined;
  process.send({ id: request.id, code, stdout: stdout.text(), stderr: stderr.text() });
});
process.send({ ready: true });
