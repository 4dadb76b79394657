// `pglc db status`: version, size and uptime of the environment's database (and, for the
// embedded local one, its data dir, port and whether it runs — without starting it).
import type { DbStatusResult } from '../../protocol/index';
import { openProject } from '../../core/environments/open-environment';
import { resolveEnvironment } from '../../core/config/resolve-environment';
import { databaseStatus } from '../../core/db/database-status';
import { localClusterStatus } from '../../core/db/local-cluster';
import { defineCommand } from '../command-definition';
import { bold, dim, green, red, table, formatBytes } from '../output/style';

type Status = DbStatusResult & { problem?: string };

export default defineCommand<Status>({
  path: ['db', 'status'],
  summary: 'Show the database server, version, size and uptime of the environment',
  async run({ opts }, ctx) {
    const { project, vars } = await openProject(ctx);
    const env = resolveEnvironment(project, opts.env ?? project.defaultEnvironment, vars);
    if (env.kind === 'url') return databaseStatus(env.name, env.target!, { ...ctx, env: vars });
    const local = await localClusterStatus(project.root, env.database, { ...ctx, env: vars });
    return {
      environment: env.name,
      target: `local:${local.port}/${env.database}`,
      reachable: local.running,
      serverVersion: local.version,
      database: env.database,
      sizeBytes: local.sizeBytes,
      uptimeSeconds: local.uptimeSeconds,
      local: { dataDir: local.dataDir, port: local.port, socketDir: local.socketDir, pid: local.pid, running: local.running },
      problem: local.running ? undefined : 'the local database is stopped (it starts on demand, or run `pglc db start`)',
    };
  },
  render(s) {
    const rows: string[][] = [
      ['environment', bold(s.environment)],
      ['server', s.target],
      ['state', s.reachable ? green('● running') : red(`○ ${s.problem ?? 'unreachable'}`)],
    ];
    if (s.serverVersion) rows.push(['version', `PostgreSQL ${s.serverVersion}`]);
    if (s.database) rows.push(['database', s.database]);
    if (s.sizeBytes !== undefined) rows.push(['size', formatBytes(s.sizeBytes)]);
    if (s.uptimeSeconds !== undefined) rows.push(['uptime', formatUptime(s.uptimeSeconds)]);
    if (s.local) rows.push(['data dir', dim(s.local.dataDir)], ['port', String(s.local.port)]);
    return table(rows);
  },
});

function formatUptime(sec: number): string {
  const d = Math.floor(sec / 86400);
  const h = Math.floor((sec % 86400) / 3600);
  const m = Math.floor((sec % 3600) / 60);
  return d ? `${d} d ${h} h` : h ? `${h} h ${m} min` : `${m} min ${sec % 60} s`;
}
