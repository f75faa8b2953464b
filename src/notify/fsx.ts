// Durable file primitives for the spool: write+fsync, atomic rename, directory fsync (async, off the event loop).
import fsp from 'node:fs/promises';
import path from 'node:path';

/** fsync a directory so a create/rename/unlink in it survives power loss (POSIX: the entry lives in the dir). */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Writes `data` to a temp file, fsyncs it, renames it over `file`, fsyncs the directory. */
export async function writeFileDurable(file: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const fh = await fsp.open(tmp, 'wx', mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => undefined);
    await fsp.unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fh.close();
  try {
    await fsp.rename(tmp, file);
  } catch (err) {
    await fsp.unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fsyncDir(path.dirname(file));
}

/** Creates an empty file exclusively (EEXIST if present); the caller fsyncs the directory. */
export async function createEmpty(file: string): Promise<void> {
  const fh = await fsp.open(file, 'wx', 0o600);
  await fh.close();
}

/** unlink that treats "already gone" as done. */
export async function unlinkIfExists(file: string): Promise<boolean> {
  try {
    await fsp.unlink(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

export function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? 'EUNKNOWN';
}
