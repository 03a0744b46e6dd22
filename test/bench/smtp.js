// The loopback SMTP server of `npm run bench`: accepts every message from the bench user, counts
// them and throws the bytes away. Runs in the bench process (the commands are spawned
// asynchronously, so its event loop stays free); the same server for `mail` and its baseline.
import { SMTPServer } from 'smtp-server';

export const SMTP_PASSWORD = 'bench-Wachtw00rd';

export async function startSmtp() {
  const state = { received: 0 };
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.password === SMTP_PASSWORD) cb(null, { user: auth.username });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, _session, cb) {
      stream.on('data', () => {});
      stream.on('end', () => {
        state.received++;
        cb();
      });
    },
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: server.server.address().port,
    get received() {
      return state.received;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
