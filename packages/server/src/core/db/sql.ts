/**
 * Tagged SQL for repositories: `sql\`SELECT … WHERE id = ${id}\`` becomes a
 * parameterised statement, so values never reach the SQL text.
 */
export { default as sql, join, raw, empty, bulk, Sql } from 'sql-template-tag';
