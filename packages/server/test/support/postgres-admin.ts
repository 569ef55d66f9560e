/** Creating and dropping the test databases on the PostgreSQL server named by CITYOPS_TEST_DATABASE_URL. */
import pg from 'pg';

export function postgresTemplateName(): string {
  return `cityops_tpl_${process.pid}`;
}

export async function withAdminClient<T>(
  url: string,
  fn: (c: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
