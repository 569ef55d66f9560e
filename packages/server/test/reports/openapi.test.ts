/** The OpenAPI document describes the reports, citizen, calendar, files and Open311 routes. */
import { expect, it } from 'vitest';
import { describeEachDb } from '../support/db.js';
import { useTestCityOps } from '../support/app.js';

describeEachDb('reports: OpenAPI', (kind) => {
  const t = useTestCityOps(kind);

  it('documents the routes the front end uses', async () => {
    const res = await t().anonymous.get('/api/v1/openapi.json');
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ paths: Record<string, Record<string, { description?: string }>> }>();
    for (const path of [
      '/api/v1/reports',
      '/api/v1/reports/{id}',
      '/api/v1/reports/{id}/reporter',
      '/api/v1/reports/{id}/verify',
      '/api/v1/reports/{id}/approve-extension',
      '/api/v1/reports/{id}/photos/{fileId}',
      '/api/v1/reports/stats',
      '/api/v1/reports/stats.csv',
      '/api/v1/reports/stats.xlsx',
      '/api/v1/reports/stats/export-links',
      '/api/v1/reports/export-links',
      '/api/v1/reports/export.csv',
      '/api/v1/report-categories',
      '/api/v1/report-categories/{code}/routes',
      '/api/v1/citizen/otp',
      '/api/v1/citizen/otp/verify',
      '/api/v1/citizen/reports',
      '/api/v1/citizen/reports/nearby',
      '/api/v1/citizen/reports/{id}/rating',
      '/api/v1/citizen/public/reports',
      '/api/v1/citizen/public/map',
      '/api/v1/citizen/public/units.geojson',
      '/api/v1/citizen/reports/{id}/follow',
      '/api/v1/citizen/reports/{id}/photos/{fileId}',
      '/api/v1/citizen/claim',
      '/api/v1/calendar/holidays',
      '/api/v1/calendar/working-days',
      '/api/v1/files',
      '/open311/v2/requests.json',
      '/open311/v2/services.xml',
    ])
      expect(doc.paths[path], path).toBeDefined();
    expect(doc.paths['/api/v1/reports/stats']!.get!.description).toContain('766/QĐ-TTg');
  });
});
