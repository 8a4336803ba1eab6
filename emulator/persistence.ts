/**
 * Persistence of the emulator state to a JSON data file, so `npm start` keeps its users, rows
 * and sessions across restarts.
 *
 * Snapshots are written after changes, debounced ({@link DEBOUNCE_MS} after the last change, at
 * most {@link MAX_DELAY_MS} behind under constant writes), by write-to-temp → fsync → rename →
 * fsync of the folder: a process killed mid-write leaves the previous file intact (rename is
 * atomic on POSIX file systems). A data file that cannot be read or parsed fails the start with
 * a message naming it; the emulator never silently starts empty over existing data.
 * @module
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Emulator } from './emulator.js';
import type { EmulatorState } from './state.js';

/** Quiet time after the last change before a snapshot, ms. */
export const DEBOUNCE_MS = 100;
/** Longest a change waits for its snapshot under a constant stream of writes, ms. */
export const MAX_DELAY_MS = 1000;
/** Format version of the data file. */
const FORMAT = 1;

const replacer = (_key: string, value: unknown) => (value instanceof Map ? { __map: [...value.entries()] } : value);
const reviver = (_key: string, value: unknown) =>
  value && typeof value === 'object' && '__map' in value && Array.isArray((value as { __map: unknown }).__map)
    ? new Map((value as { __map: [unknown, unknown][] }).__map)
    : value;

/** Serializes a state (Maps included). */
export function serializeState(state: EmulatorState): string {
  return JSON.stringify({ format: FORMAT, savedAt: new Date().toISOString(), state }, replacer);
}

/**
 * Loads the state from `file`.
 * @returns undefined when the file does not exist.
 * @throws Error naming the file when it exists but is unreadable, corrupt or of another format.
 */
export async function loadState(file: string): Promise<EmulatorState | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`Cannot read the emulator data file ${file}: ${(e as Error).message}`);
  }
  let parsed: { format?: unknown; state?: EmulatorState };
  try {
    parsed = JSON.parse(text, reviver) as typeof parsed;
  } catch (e) {
    throw new Error(`The emulator data file ${file} is corrupt (${(e as Error).message}); restore a backup or move it away to start empty.`);
  }
  if (parsed.format !== FORMAT || !parsed.state || !(parsed.state.users instanceof Map)) {
    throw new Error(`The emulator data file ${file} is not in format ${FORMAT}; move it away to start empty.`);
  }
  return parsed.state;
}

/** Writes `text` to `file` atomically (temp file, fsync, rename, fsync of the folder). */
export function writeAtomically(file: string, text: string): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(file)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  const dfd = openSync(dir, 'r');
  try {
    fsyncSync(dfd);
  } finally {
    closeSync(dfd);
  }
}

/**
 * Snapshots the state to `file` after every change (debounced).
 * @returns `flush()` that writes a pending snapshot now (graceful shutdown), and `close()`.
 */
export function attachPersistence(emu: Emulator, file: string): { flush(): Promise<void>; close(): Promise<void> } {
  let dirty = false;
  let firstDirtyAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const save = () => {
    timer = undefined;
    if (!dirty) return;
    dirty = false;
    writeAtomically(file, serializeState(emu.state));
  };
  emu.onChange(() => {
    if (closed) return;
    const now = Date.now();
    if (!dirty) firstDirtyAt = now;
    dirty = true;
    if (timer) clearTimeout(timer);
    const wait = Math.max(0, Math.min(DEBOUNCE_MS, firstDirtyAt + MAX_DELAY_MS - now));
    timer = setTimeout(save, wait);
    timer.unref?.();
  });
  const flush = async () => {
    if (timer) clearTimeout(timer);
    save();
  };
  return {
    flush,
    async close() {
      await flush();
      closed = true;
    },
  };
}
