// JUnit XML for CI: one testsuite per candidate, one testcase per case run; a not-run case is <skipped/>,
// never a failure (a 429 says nothing about the model).
import type { EvalReport } from './run-eval.js';

export function junitXml(report: EvalReport): string {
  const suites = report.candidates.map((candidate) => {
    const runs = report.runs.filter((run) => run.candidate === candidate);
    const cases = runs.map((run, index) => {
      const repeat = runs.slice(0, index).filter((earlier) => earlier.case_id === run.case_id).length;
      const name = repeat > 0 ? `${run.case_id} #${repeat + 1}` : run.case_id;
      const open = `    <testcase classname="${escape(`${report.skill}.${candidate}`)}" name="${escape(name)}" time="${(run.latency_ms / 1000).toFixed(3)}"`;
      if (run.status === 'pass') return `${open}/>`;
      const body = run.status === 'fail' ? `<failure message="${escape(run.problem ?? 'failed')}"/>` : `<skipped message="${escape(`not run: ${run.problem ?? ''}`)}"/>`;
      return `${open}>\n      ${body}\n    </testcase>`;
    });
    const count = (status: string) => runs.filter((run) => run.status === status).length;
    const time = runs.reduce((sum, run) => sum + run.latency_ms, 0) / 1000;
    return [`  <testsuite name="${escape(`${report.skill} on ${candidate}`)}" tests="${runs.length}" failures="${count('fail')}" errors="0" skipped="${count('not_run')}" time="${time.toFixed(3)}">`, ...cases, '  </testsuite>'].join('\n');
  });
  const render = report.render.length === 0 ? [] : [
    [`  <testsuite name="${escape(`${report.skill} render`)}" tests="${report.render.length}" failures="${report.render.filter((item) => !item.pass).length}" errors="0" skipped="0">`,
      ...report.render.map((item) => item.pass
        ? `    <testcase classname="${escape(`${report.skill}.render`)}" name="${escape(item.case_id)}"/>`
        : `    <testcase classname="${escape(`${report.skill}.render`)}" name="${escape(item.case_id)}">\n      <failure message="${escape(item.problems.join('; '))}"/>\n    </testcase>`),
      '  </testsuite>'].join('\n'),
  ];
  return ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="portai eval ${escape(report.skill)}">`, ...suites, ...render, '</testsuites>', ''].join('\n');
}

function escape(text: string): string {
  // characters XML 1.0 does not allow at all are dropped; the five special ones are escaped
  return text
    .replace(/[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;');
}
