/**
 * Persistence of the emulator state to a data file. PLACEHOLDER: in memory only until the
 * persistence engine lands (atomic write-rename snapshots).
 * @module
 */
import type { Emulator } from './emulator.js';
import type { EmulatorState } from './state.js';

/** Loads the state from `file`, or undefined when the file does not exist. */
export async function loadState(file: string): Promise<EmulatorState | undefined> {
  void file;
  return undefined;
}

/** Snapshots the state to `file` after changes; returns a flush function for shutdown. */
export function attachPersistence(emu: Emulator, file: string): { flush(): Promise<void> } {
  void emu;
  void file;
  return { flush: () => Promise.resolve() };
}
