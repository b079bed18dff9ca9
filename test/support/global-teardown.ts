export default async function globalTeardown(): Promise<void> {
  const stop = (globalThis as { __stopTestServers?: () => Promise<void> }).__stopTestServers;
  if (stop) await stop();
}
