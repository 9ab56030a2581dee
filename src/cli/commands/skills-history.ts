// portai skills history <name> — the skill's commits with how many runs each version had and how many succeeded
import { loadConfigFor, openLedgerFor, printJson, type GlobalOptions } from '../context.js';

export default async function skillsHistory(globals: GlobalOptions, name: string, options: { json?: boolean }): Promise<number> {
  const config = await loadConfigFor(globals);
  const { findSkillFile, skillHistory } = await import('../../skills/index.js');
  const file = findSkillFile(name, config.skills_dirs);
  const commits = skillHistory(file);
  const ledger = await openLedgerFor();
  try {
    const stats = ledger.runStats(name);
    const rows = commits.map((commit) => {
      const stat = stats.find((row) => row.skill_commit === commit.commit);
      return { ...commit, runs: stat?.runs ?? 0, ok: stat?.ok ?? 0 };
    });
    const uncommitted = stats.filter((row) => !row.skill_commit).reduce((sum, row) => ({ runs: sum.runs + row.runs, ok: sum.ok + row.ok }), { runs: 0, ok: 0 });
    if (options.json) {
      printJson({ skill: name, file, commits: rows, uncommitted });
      return 0;
    }
    if (rows.length === 0) process.stdout.write(`${file} has no git history\n`);
    for (const row of rows) process.stdout.write(`${row.commit.slice(0, 10)}  ${row.date}  runs ${row.runs} (ok ${row.ok})  ${row.subject}\n`);
    if (uncommitted.runs > 0) process.stdout.write(`(uncommitted versions)  runs ${uncommitted.runs} (ok ${uncommitted.ok})\n`);
    return 0;
  } finally {
    ledger.close();
  }
}
