// A configuration that cannot be used: every problem at once, each naming where it is (file and
// line:column, or the environment variable or flag), the JSON path and what was expected.
import { TandemError, formatIssue, type SpecIssue } from '../errors.js';

export class ConfigError extends TandemError {
  readonly code = 'CONFIG';
  override readonly exitCode = 2;
  /** Each issue as one line of text. */
  readonly problems: string[];
  constructor(readonly issues: SpecIssue[]) {
    const problems = issues.map(formatIssue);
    super(problems.length === 1 ? (problems[0] ?? '') : `invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Puts a file's issues in reading order (line, then column), other files' after, in the order found, then those of variables and flags. */
export function inReadingOrder(issues: readonly SpecIssue[], file: string | undefined): SpecIssue[] {
  const rank = (issue: SpecIssue) => (issue.origin !== undefined ? 2 : issue.file === file ? 0 : 1);
  return issues
    .map((issue, index) => ({ issue, index }))
    .sort((a, b) => {
      const byRank = rank(a.issue) - rank(b.issue);
      if (byRank !== 0 || rank(a.issue) !== 0) return byRank || a.index - b.index;
      return (a.issue.line ?? 0) - (b.issue.line ?? 0) || (a.issue.column ?? 0) - (b.issue.column ?? 0) || a.index - b.index;
    })
    .map(({ issue }) => issue);
}
