export { deferRun, type DeferInput } from './defer.js';
export { runWorker, type WorkerOptions } from './worker.js';
export { enqueueDueSchedules } from './schedules.js';
export { notify, type NotifyPayload } from './notify.js';
export { parseDuration } from './duration.js';
