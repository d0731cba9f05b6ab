// Entry point of one audit process. The local pool forks one per job: an audit of a large executable needs
// about a gigabyte, which is returned to the system when the process ends, and a crash or an out-of-memory
// takes down only the job that caused it.
import { analyzerVersion } from './analyzer-version.js';
import { runAuditJob, type AuditJob, type JobOutcome, type JobSettings } from './audit-job.js';

export interface JobRequest {
  job: AuditJob;
  settings: JobSettings;
}

export type JobMessage = { type: 'progress'; message: string } | { type: 'done'; outcome: JobOutcome };

function send(m: JobMessage, then?: () => void): void {
  if (process.connected) process.send!(m, undefined, {}, then);
}

// A coordinator that is gone (killed, crashed) wants no result: stop instead of auditing for nobody. This is an
// entry point, so it may end its own process.
process.on('disconnect', () => process.exit(1));

process.once('message', (req: JobRequest) => {
  void runAuditJob(req.job, req.settings, analyzerVersion(), (message) => send({ type: 'progress', message })).then((outcome) =>
    send({ type: 'done', outcome }, () => process.exit(0)),
  );
});
