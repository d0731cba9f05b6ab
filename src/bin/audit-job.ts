// Entry point of one audit process. The local pool (src/jobs/pool.ts) forks one per job: an audit of a large
// executable needs about a gigabyte, which is returned to the system when the process ends, and a crash or an
// out-of-memory takes down only the job that caused it. An entry point, so it ends its own process.
import { analyzerVersion } from '../jobs/analyzer-version.js';
import { runAuditJob, type JobMessage, type JobRequest } from '../jobs/audit-job.js';

function send(m: JobMessage, then?: () => void): void {
  if (process.connected) process.send!(m, undefined, {}, then);
}

// A coordinator that is gone (killed, crashed) wants no result: stop instead of auditing for nobody.
process.on('disconnect', () => process.exit(1));

process.once('message', (req: JobRequest) => {
  void runAuditJob(req.job, req.settings, analyzerVersion(), (message) => send({ type: 'progress', message })).then((outcome) =>
    send({ type: 'done', outcome }, () => process.exit(0)),
  );
});
