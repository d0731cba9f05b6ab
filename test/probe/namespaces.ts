// Shared by the probe tests that need real namespaces.
import { execFileSync } from 'node:child_process';

/** True when `unshare --net` works here (root, or user namespaces allowed). */
export function namespacesAvailable(): boolean {
  try {
    execFileSync('unshare', ['--net', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
