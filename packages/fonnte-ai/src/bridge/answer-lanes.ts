/**
 * The queue of a sender's answers: `<base>.<lane>`, the lane a stable hash
 * (FNV-1a) of the number, so every instance puts one sender in the same lane.
 */
export function answerLane(base: string, lanes: number, phone: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < phone.length; i++) {
    hash ^= phone.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return `${base}.${(hash >>> 0) % lanes}`;
}

/** Every lane's queue name, for the workers. */
export function answerLaneNames(base: string, lanes: number): string[] {
  return Array.from({ length: lanes }, (_, lane) => `${base}.${lane}`);
}
