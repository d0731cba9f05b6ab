import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { PackageFile } from './types.js';
import { firstLine, problemSink } from './problems.js';

/** Deeper folders are reported and not entered: real packages stay far below this, loops of bind mounts do not. */
export const MAX_FOLDER_DEPTH = 64;

export interface WalkResult {
  files: PackageFile[];
  problems: { file: string; message: string }[];
}

export function diskFile(path: string, diskPath: string, size: number): PackageFile {
  return { path, size, diskPath, read: () => readFile(diskPath) };
}

/**
 * Lists every regular file under `root` (except `.git`), without following symbolic links: a link may point
 * anywhere on the machine, and special files (FIFOs, sockets, devices) could block or never end when read.
 */
export async function walkFolder(root: string, maxEntries: number): Promise<WalkResult> {
  const files: PackageFile[] = [];
  const problems: WalkResult['problems'] = [];
  const sink = problemSink(problems);
  const stack: { rel: string; depth: number }[] = [{ rel: '', depth: 0 }];
  let entries = 0;

  walk: while (stack.length > 0) {
    const { rel, depth } = stack.pop()!;
    let dirents;
    try {
      dirents = await readdir(join(root, rel), { withFileTypes: true });
    } catch (err) {
      sink.add(rel || '.', `folder not readable: ${firstLine(err)}`);
      continue;
    }
    for (const d of dirents) {
      if (d.name === '.git') continue;
      if (++entries > maxEntries) {
        sink.add(rel || '.', `more than ${maxEntries} entries; the rest of the folder was not listed`);
        break walk;
      }
      const childRel = rel === '' ? d.name : `${rel}/${d.name}`;
      const abs = join(root, childRel);
      if (d.isDirectory()) {
        if (depth + 1 > MAX_FOLDER_DEPTH) sink.add(childRel, `folder nested deeper than ${MAX_FOLDER_DEPTH} levels not entered`);
        else stack.push({ rel: childRel, depth: depth + 1 });
      } else if (d.isFile()) {
        try {
          files.push(diskFile(childRel, abs, (await lstat(abs)).size));
        } catch (err) {
          sink.add(childRel, `file not readable: ${firstLine(err)}`);
        }
      } else if (d.isSymbolicLink()) {
        const target = await readlink(abs).catch(() => '?');
        sink.add(childRel, `symbolic link to ${JSON.stringify(target)} not followed`);
      } else {
        sink.add(childRel, 'special file (FIFO, socket or device) skipped');
      }
    }
  }
  sink.finish();
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, problems };
}
