import { Router } from 'express';
import { PURGE_ROLES } from '../../services/purges';
import { PURGE_SCHEDULES, purgeScheduleInput } from '../../services/purge-schedules';
import {
  commandSiteSchedule,
  createSiteSchedule,
  describeSiteSchedule,
  listSiteSchedules,
  parseSiteScheduleRequest,
  type SiteScheduleCommand,
} from '../../services/site-schedules';
import { currentUser, requireAccess } from '../auth';
import { siteRules, type ApiContext } from '../context';
import { badRequest } from '../errors';

/** Compliance officers and admins of a site create, pause, unpause, trigger and delete its purge schedules. */
export function purgeScheduleRoutes(context: ApiContext): Router {
  const router = Router();
  const authorised = (req: { params: { site: string } }, res: Parameters<typeof currentUser>[0]) => {
    const { rules } = siteRules(context, req.params.site);
    requireAccess(currentUser(res), { roles: PURGE_ROLES, site: req.params.site });
    return rules.site;
  };

  router.post('/sites/:site/purge-schedules', async (req, res) => {
    const site = authorised(req, res);
    const request = parseSiteScheduleRequest(req.body);
    const view = await createSiteSchedule(
      { client: context.temporal, taskQueue: context.taskQueue },
      PURGE_SCHEDULES,
      site,
      request,
      purgeScheduleInput(site.id, req.body),
    );
    res.status(201).json(view);
  });

  router.get('/sites/:site/purge-schedules', async (req, res) => {
    const site = authorised(req, res);
    res.json({ schedules: await listSiteSchedules(context.temporal, PURGE_SCHEDULES, site.id) });
  });

  router.get('/sites/:site/purge-schedules/:name', async (req, res) => {
    const site = authorised(req, res);
    res.json(await describeSiteSchedule(context.temporal, PURGE_SCHEDULES, site.id, req.params.name));
  });

  for (const command of ['pause', 'unpause', 'trigger'] as const) {
    router.post(`/sites/:site/purge-schedules/:name/${command}`, async (req, res) => {
      const site = authorised(req, res);
      await run(site.id, req.params.name, command, req.body?.note);
      res.json(await describeSiteSchedule(context.temporal, PURGE_SCHEDULES, site.id, req.params.name));
    });
  }

  router.delete('/sites/:site/purge-schedules/:name', async (req, res) => {
    const site = authorised(req, res);
    await run(site.id, req.params.name, 'delete');
    res.status(204).end();
  });

  async function run(siteId: string, name: string, command: SiteScheduleCommand, note?: unknown): Promise<void> {
    if (note !== undefined && (typeof note !== 'string' || note.length > 500)) throw badRequest('note must be a text of at most 500 characters');
    await commandSiteSchedule(context.temporal, PURGE_SCHEDULES, siteId, name, command, note as string | undefined);
  }

  return router;
}
