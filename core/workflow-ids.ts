/** Workflow ids are business keys, so starting the same work twice finds the first run. */
export const workflowIds = {
  onboarding: (siteId: string, sourceSystem: string, sourceId: string) => `onboarding:${siteId}:${sourceSystem}:${sourceId}`,
  import: (importId: string) => `import:${importId}`,
  review: (taskId: string) => `review:${taskId}`,
  /** an audit of a site started at a time (schedules add their own time suffix to their id) */
  audit: (siteId: string, time: Date) => `audit:${siteId}:${time.toISOString()}`,
  purge: (siteId: string, time: Date) => `purge:${siteId}:${time.toISOString()}`,
  erasure: (requestId: string) => `erasure:${requestId}`,
};
