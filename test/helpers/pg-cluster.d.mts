export interface PgCluster {
  port: number;
  user: string;
  dir: string;
  url(database?: string): string;
  createDatabase(name: string): Promise<string>;
  query(database: string, sql: string, values?: unknown[]): Promise<Array<Record<string, unknown>>>;
  stopServer(mode?: 'smart' | 'fast' | 'immediate'): void;
  startServer(): void;
  stop(): void;
}
export function postgresBinDir(): string;
export function startCluster(options?: { password?: string }): Promise<PgCluster>;
