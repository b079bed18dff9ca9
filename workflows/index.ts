// Every workflow the worker runs: this file is the bundle's entry point.
export { onboarding } from './onboarding';
export { importCustomers } from './import';
export { review } from './review';
export { auditRun } from './audit';
export { purge } from './purge';
export { erasure } from './erasure';
