import { call, startTestPlatform, type TestPlatform } from '../support/platform';

const PARIS = 'fr-paris-hq';

/** Free text a person types with a decision may quote a customer: it is stored, and the workflow
 * Update carries only its id, so no workflow history (which erasure cannot reach) holds it. */
describe('comments and reasons of decisions stay out of workflow histories', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(() => platform.stop());

  it('keeps a review comment in the task, not in the review workflow history', async () => {
    const system = await platform.tokenFor(['integration'], [PARIS]);
    const steward = await platform.tokenFor(['steward'], [PARIS], 'steward@paris.example');
    const onboard = (sourceSystem: string, sourceId: string, record: Record<string, string>) =>
      call(platform.baseUrl, 'POST', `/api/sites/${PARIS}/customers`, { token: system, body: { sourceSystem, sourceId, record } });
    await onboard('crm', 'C-1', { givenName: 'Marie-Hélène', familyName: 'Dupont', birthDate: '1984-03-12', email: 'marie-helene.dupont@example.fr', phone: '06 12 34 56 78', street: '12 rue de la Paix', postcode: '75002', city: 'Paris', country: 'FR' });
    const review = await onboard('erp', 'E-1', { givenName: 'Marie-Hélène', familyName: 'Dupond', email: 'mh.dupond@autre.example.org', country: 'FR' });
    expect(review.body.outcome).toMatchObject({ outcome: 'review' });
    const taskId = review.body.outcome.taskId;

    const comment = 'Called Mme Dupond on 06 12 34 56 78: same person, waiting for her ID';
    const deferred = await call(platform.baseUrl, 'POST', `/api/tasks/${taskId}/decision`, { token: steward, body: { decision: 'defer', comment } });
    expect(deferred.status).toBe(200);
    const task = await call(platform.baseUrl, 'GET', `/api/tasks/${taskId}`, { token: steward });
    expect(task.body.decisions).toMatchObject([{ decision: 'defer', comment }]);
    expect(task.body.comments).toMatchObject([{ comment }]);

    const history = JSON.stringify(await platform.client.workflow.getHandle(`review:${taskId}`).fetchHistory(), (key, value) =>
      key === 'data' && typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : value,
    );
    expect(history).toContain('"decision\\":\\"defer');
    expect(history).not.toContain('06 12 34 56 78');
    expect(history).not.toContain('Dupond');
  });
});
