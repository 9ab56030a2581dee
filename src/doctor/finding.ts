// One line of `portai doctor`, how it prints, and what it means for the exit status.

export interface Finding {
  /** info: worth knowing, needs no action (a provider you do not use has no key) */
  level: 'ok' | 'info' | 'warn' | 'problem';
  provider?: string;
  text: string;
  /** how to fix it; every warn and problem has one */
  fix?: string;
  /** a caveat portai cannot check (a console toggle): shown as a warning, but needs no action to exit 0 */
  advisory?: boolean;
}

/** 1 when a problem, or a warning that needs action, was found; else 0. */
export function doctorExitCode(findings: Finding[]): 0 | 1 {
  return findings.some((finding) => finding.level === 'problem' || (finding.level === 'warn' && !finding.advisory)) ? 1 : 0;
}

const LABEL: Record<Finding['level'], string> = { ok: 'ok     ', info: 'info   ', warn: 'warn   ', problem: 'problem' };

export function formatFindings(findings: Finding[]): string {
  const lines: string[] = [];
  for (const finding of findings) {
    const where = finding.provider ? `${finding.provider}: ` : '';
    lines.push(`${LABEL[finding.level]}  ${where}${finding.text}`);
    if (finding.fix && finding.level !== 'ok') lines.push(`         fix: ${finding.fix}`);
  }
  const problems = findings.filter((finding) => finding.level === 'problem').length;
  const warnings = findings.filter((finding) => finding.level === 'warn').length;
  lines.push(problems + warnings === 0 ? 'all good' : `${problems} problem${problems === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
  return `${lines.join('\n')}\n`;
}
