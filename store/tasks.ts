import type { Knex } from 'knex';

type Queryable = Knex | Knex.Transaction;

export type TaskType = 'duplicate_review' | 'data_fix' | 'erasure_approval';
/** resolved: a data-fix task closed by an audit, or a revision of a record, that leaves none of its problems */
export type TaskStatus = 'open' | 'decided' | 'expired' | 'cancelled' | 'resolved';

export interface Task {
  id: string;
  siteId: string;
  type: TaskType;
  status: TaskStatus;
  workflowId: string | null;
  sourceRecordId: string | null;
  customerId: string | null;
  matchEvaluationId: string | null;
  details: Record<string, unknown>;
  assignee: string | null;
  dueAt: Date | null;
  decision: string | null;
  decidedBy: string | null;
  decidedVia: string | null;
  decidedAt: Date | null;
  rulesVersion: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewTask {
  siteId: string;
  type: TaskType;
  idempotencyKey: string;
  workflowId: string;
  sourceRecordId?: string;
  customerId?: string;
  matchEvaluationId?: string;
  details?: Record<string, unknown>;
  rulesVersion: string;
}

/** Opens a task once per idempotency key; a repeat returns the task already there. */
export async function openTask(db: Queryable, task: NewTask): Promise<{ task: Task; created: boolean }> {
  const inserted = await db('tasks')
    .insert({
      site_id: task.siteId,
      type: task.type,
      idempotency_key: task.idempotencyKey,
      workflow_id: task.workflowId,
      source_record_id: task.sourceRecordId ?? null,
      customer_id: task.customerId ?? null,
      match_evaluation_id: task.matchEvaluationId ?? null,
      details: JSON.stringify(task.details ?? {}),
      rules_version: task.rulesVersion,
    })
    .onConflict('idempotency_key')
    .ignore()
    .returning('*');
  if (inserted.length > 0) return { task: fromRow(inserted[0]), created: true };
  const existing = await db('tasks').where({ idempotency_key: task.idempotencyKey }).first();
  return { task: fromRow(existing), created: false };
}

export async function findTask(db: Queryable, id: string): Promise<Task | undefined> {
  const row = await db('tasks').where({ id }).first();
  return row ? fromRow(row) : undefined;
}

export interface TaskFilter {
  siteIds: string[];
  status?: TaskStatus;
  type?: TaskType;
  assignee?: string;
  /** open tasks past their due date */
  overdue?: boolean;
  limit: number;
  offset: number;
}

export async function listTasks(db: Queryable, filter: TaskFilter): Promise<{ tasks: Task[]; total: number }> {
  const query = db('tasks').whereIn('site_id', filter.siteIds);
  if (filter.status) query.where('status', filter.status);
  if (filter.type) query.where('type', filter.type);
  if (filter.assignee) query.where('assignee', filter.assignee);
  if (filter.overdue) query.where('status', 'open').where('due_at', '<', db.fn.now());
  const [{ count }] = await query.clone().count<{ count: string }[]>('* as count');
  const rows = await query.orderBy([{ column: 'created_at', order: 'desc' }, 'id']).limit(filter.limit).offset(filter.offset);
  return { tasks: rows.map(fromRow), total: Number(count) };
}

function fromRow(row: Record<string, any>): Task {
  return {
    id: row.id,
    siteId: row.site_id,
    type: row.type,
    status: row.status,
    workflowId: row.workflow_id,
    sourceRecordId: row.source_record_id,
    customerId: row.customer_id,
    matchEvaluationId: row.match_evaluation_id,
    details: row.details,
    assignee: row.assignee,
    dueAt: row.due_at,
    decision: row.decision,
    decidedBy: row.decided_by,
    decidedVia: row.decided_via,
    decidedAt: row.decided_at,
    rulesVersion: row.rules_version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function assignTask(db: Queryable, id: string, assignee: string | null): Promise<void> {
  await db('tasks').where({ id }).update({ assignee, updated_at: db.fn.now() });
}

export async function addTaskComment(db: Queryable, taskId: string, author: string, comment: string): Promise<void> {
  await db('task_comments').insert({ task_id: taskId, author, comment });
}

export interface TaskHistory {
  decisions: Array<{ decision: string; decidedBy: string; via: string; comment: string | null; rulesVersion: string; at: Date }>;
  comments: Array<{ author: string; comment: string; at: Date }>;
}

/** Every decision (a quorum counts several) and comment on a task, oldest first. */
export async function taskHistory(db: Queryable, taskId: string): Promise<TaskHistory> {
  const decisions = await db('task_decisions').where({ task_id: taskId }).orderBy('created_at');
  const comments = await db('task_comments').where({ task_id: taskId }).orderBy('created_at');
  return {
    decisions: decisions.map((row: Record<string, any>) => ({
      decision: row.decision,
      decidedBy: row.decided_by_email,
      via: row.via,
      comment: row.comment,
      rulesVersion: row.rules_version,
      at: row.created_at,
    })),
    comments: comments.map((row: Record<string, any>) => ({ author: row.author, comment: row.comment, at: row.created_at })),
  };
}
