// A real SMTP server (smtp-server) on 127.0.0.1 for the mail tests, unit and e2e: its answer to each
// DATA can be scripted (accept, refuse, drop), a recipient can be refused, AUTH checked.
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/** How the server answers one DATA: take it, refuse it with a code, or drop the connection. */
export type DataAnswer = 'accept' | { code: number; message: string } | 'drop-mid-data' | 'drop-after-data' | 'hold';

export interface Received {
  from: string;
  to: string[];
  raw: Buffer;
  user: string | undefined;
}

export interface TestSmtp {
  port: number;
  /** Messages the server acknowledged with 250. */
  delivered: Received[];
  /** Every DATA the server saw, complete or not, whatever it answered. */
  dataSeen: number;
  /** Passwords the server was given with AUTH (to prove what the client sent). */
  authPasswords: string[];
  /** SMTP sessions opened (a pooled delivery uses one). */
  connections: number;
  /** Every RCPT TO the server saw, in order, whatever it answered. */
  rcptSeen: string[];
  close(): Promise<void>;
}

export interface SmtpOptions {
  /** The answer to the n-th DATA (0-based); accept when absent. */
  answer?: (n: number) => DataAnswer;
  auth?: { user: string; pass: string; methods?: string[] };
  /** Refuse RCPT TO for this address with this code and text (null: accept it); asked at every RCPT TO. */
  refuseRecipient?: (address: string) => { code: number; message: string } | null | undefined;
  /** Called when the n-th DATA (0-based) is complete, before the server answers it. */
  beforeAnswer?: (n: number, to: string[]) => void;
  /** Called with every message the server acknowledged, as it is added to `delivered`. */
  onMessage?: (message: Received) => void;
}

export async function startSmtp(options: SmtpOptions = {}): Promise<TestSmtp> {
  const state: TestSmtp = { port: 0, delivered: [], dataSeen: 0, authPasswords: [], connections: 0, rcptSeen: [], close: async () => {} };
  const server: SMTPServer = new SMTPServer({
    logger: false,
    secure: false,
    closeTimeout: 200,
    hideSTARTTLS: true,
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    authMethods: options.auth?.methods ?? ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, callback) {
      state.authPasswords.push(auth.password ?? '');
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) {
        callback(null, { user: auth.username });
      } else {
        callback(new Error('Invalid username or password'));
      }
    },
    onConnect(_session, callback) {
      state.connections++;
      callback();
    },
    onRcptTo(address, _session, callback) {
      state.rcptSeen.push(address.address);
      const refusal = options.refuseRecipient?.(address.address) ?? null;
      if (refusal) {
        const error = new Error(refusal.message) as Error & { responseCode: number };
        error.responseCode = refusal.code;
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const n = state.dataSeen++;
      const answer = options.answer?.(n) ?? 'accept';
      const drop = (): void => {
        const connection = [...server.connections].find((c) => c.id === session.id);
        connection?._socket.destroy();
      };
      if (answer === 'drop-mid-data') {
        stream.once('data', () => {
          drop();
        });
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        options.beforeAnswer?.(n, session.envelope.rcptTo.map((r) => r.address));
        // The whole message is in, and the answer never leaves (the sender is killed meanwhile).
        if (answer === 'hold') return;
        if (answer === 'drop-after-data') {
          // The whole message is in, the reply never leaves: the client cannot know.
          drop();
          return;
        }
        if (answer === 'accept') {
          const message = received(session, Buffer.concat(chunks));
          state.delivered.push(message);
          options.onMessage?.(message);
          callback(null, 'Ok: queued as TEST');
          return;
        }
        const error = new Error(answer.message) as Error & { responseCode: number };
        error.responseCode = answer.code;
        callback(error);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  state.port = typeof address === 'object' && address ? address.port : 0;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}

function received(session: SMTPServerSession, raw: Buffer): Received {
  const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
  return { from, to: session.envelope.rcptTo.map((r) => r.address), raw, user: session.user as string | undefined };
}

