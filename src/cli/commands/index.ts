// Every command, registered on the program. Each module is light: heavy libraries load inside
// the action that needs them.
import type { Command } from 'commander';
import type { Act } from '../program.js';
import * as init from './init.js';
import * as importCmd from './import.js';
import * as payments from './payments.js';
import * as status from './status.js';
import * as run from './run.js';
import * as explain from './explain.js';
import * as hold from './hold.js';
import * as calc from './calc.js';
import * as exportCmd from './export.js';
import * as letters from './letters.js';
import * as mail from './mail.js';
import * as doctor from './doctor.js';
import * as templates from './templates.js';
import * as report from './report.js';
import * as forecast from './forecast.js';
import * as book from './book.js';
import * as arrangements from './arrangements.js';
import * as privacy from './privacy.js';

export function registerCommands(program: Command, act: Act): void {
  for (const m of [init, importCmd, payments, run, explain, hold, letters, mail, exportCmd, status, book, report, forecast, calc, templates, doctor, arrangements, privacy]) m.register(program, act);
}
