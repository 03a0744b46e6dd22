// The problems an invoice file reader finds, kept in one place: a capped list of issues with
// their counts, and the notices (columns not used). Every part of the reader reports here.
import type { ImportIssue, ImportNotice } from './invoice-row.js';

export class IssueSink {
  readonly issues: ImportIssue[] = [];
  readonly notices: ImportNotice[] = [];
  errorCount = 0;
  warningCount = 0;
  /** More issues than the cap: the rest were counted but not kept. */
  truncated = false;

  /**
   * @param file the display name put in every issue
   * @param maxIssues issues kept before the rest are only counted
   */
  constructor(
    readonly file: string,
    private readonly maxIssues: number,
  ) {}

  add(severity: 'error' | 'warning', line: number, column: number, code: string, message: string, hint: string, value?: string): void {
    if (severity === 'error') this.errorCount++;
    else this.warningCount++;
    if (this.issues.length >= this.maxIssues) {
      this.truncated = true;
      return;
    }
    const issue: ImportIssue = { file: this.file, line, column, code, message, hint, severity };
    if (value !== undefined) issue.value = value;
    this.issues.push(issue);
  }

  error(line: number, column: number, code: string, message: string, hint: string, value?: string): void {
    this.add('error', line, column, code, message, hint, value);
  }

  warning(line: number, column: number, code: string, message: string, hint: string, value?: string): void {
    this.add('warning', line, column, code, message, hint, value);
  }

  notice(line: number, column: number, code: string, message: string): void {
    this.notices.push({ file: this.file, line, column, code, message, severity: 'info' });
  }

  /** The issues sorted by line and column, with a last one saying how many were not kept. */
  finish(): ImportIssue[] {
    this.issues.sort((a, b) => a.line - b.line || a.column - b.column);
    if (this.truncated) {
      const dropped = this.errorCount + this.warningCount - this.issues.length;
      this.issues.push({
        file: this.file,
        line: 0,
        column: 0,
        code: 'too_many_issues',
        message: `${dropped} more issue${dropped === 1 ? '' : 's'} not listed`,
        hint: 'Fix the issues listed (they are often one cause repeated) and import again.',
        severity: 'warning',
      });
    }
    return this.issues;
  }
}
