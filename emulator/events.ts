/**
 * Appwrite events and their delivery to functions.
 *
 * Routes call {@link EventBus.emit} after each successful write with the concrete event names
 * (first name = the one sent as `x-appwrite-event`) and the resource as payload. The bus matches
 * them against each registered function's subscriptions and delivers asynchronously. Delivery
 * can be configured to duplicate, delay or reorder events, as real Appwrite can, so consumers
 * are tested against at-least-once, out-of-order delivery.
 * @module
 */
import { spec } from './spec.js';

/** One event as Appwrite emits it. */
export interface EmittedEvent {
  /** Concrete names, e.g. `databases.pos.collections.sales.documents.r1.create`; the first goes in `x-appwrite-event`. */
  names: string[];
  /** The resource in its API response model. */
  payload: unknown;
  /** The session user who caused the write; empty for API-key writes. */
  userId: string;
  /** When the event was emitted, ms since the epoch. */
  at: number;
}

/** Delivery behaviour; the defaults deliver each event once, in order, promptly. */
export interface DeliveryOptions {
  /** Probability (0..1) that a delivery is sent twice. */
  duplicate?: number;
  /** Extra delay per delivery, uniformly in [min, max] ms. */
  delayMs?: [number, number];
  /** When true, deliveries are shuffled within each batch of emitted events. */
  reorder?: boolean;
  /** Probability (0..1) that a delivery is lost, as Appwrite's are when a worker dies. */
  drop?: number;
  /**
   * Window in ms over which deliveries are collected into one batch before being shuffled when
   * `reorder` is on (default 25 ms), so separate HTTP writes can overtake each other too.
   */
  reorderWindowMs?: number;
  /** Seed of the delivery PRNG (mulberry32): the same seed gives the same duplicates, delays, order and losses. */
  seed?: number;
}

/** A listener of raw events (tests, metrics); functions are matched by the function registry. */
export type EventListener = (event: EmittedEvent) => void;

/** Publishes events to listeners and to the function registry. */
export interface EventBus {
  emit(names: string[], payload: unknown, userId?: string): void;
  /** Subscribes to every emitted event; returns an unsubscribe function. */
  subscribe(listener: EventListener): () => void;
  /** Replaces the delivery behaviour (tests). */
  setDelivery(options: DeliveryOptions): void;
  readonly delivery: Readonly<DeliveryOptions>;
}

/** Creates a bus; `dispatch` hands one event to the function registry. */
export function createEventBus(dispatch: (event: EmittedEvent) => void, initial: DeliveryOptions = {}): EventBus {
  const listeners = new Set<EventListener>();
  let delivery: DeliveryOptions = { ...initial };
  return {
    emit(names, payload, userId = '') {
      const event: EmittedEvent = { names, payload: structuredClone(payload), userId, at: Date.now() };
      for (const l of listeners) l(event);
      dispatch(event);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setDelivery(options) {
      delivery = { ...options };
    },
    get delivery() {
      return delivery;
    },
  };
}

/** Action words that end an event name (Appwrite's actions, plus `upsert` which 1.9 fires for rows). */
const ACTIONS = new Set(['create', 'update', 'delete', 'upsert']);

/** Event names of `events-1.9.json` without ids (`users.sessions.create`). */
const TEMPLATES: ReadonlySet<string> = new Set(spec.events);

/** One resource level of an event name: the resource word and the id of the concrete resource. */
interface Level {
  type: string;
  id: string;
}

/**
 * Splits a concrete name into resource levels and a tail (action and optional attribute), as
 * Appwrite's `Event::parseEventPattern` does on its `[param]` templates. A template of
 * `events-1.9.json` (ids removed, e.g. `users.sessions.create`) decides the shape when one
 * matches; otherwise the last one or two words are the tail when they start with an action.
 */
function parseEventName(name: string, templates: ReadonlySet<string>): { levels: Level[]; tail: string[] } {
  const parts = name.split('.');
  const shape = (levelCount: number): { levels: Level[]; tail: string[] } | null => {
    const levels: Level[] = [];
    for (let i = 0; i < levelCount; i++) {
      const type = parts[2 * i]!;
      // An action word never names a resource: `users.u1.update.labels` is one level plus a tail.
      if (i > 0 && ACTIONS.has(type)) return null;
      levels.push({ type, id: parts[2 * i + 1]! });
    }
    return { levels, tail: parts.slice(2 * levelCount) };
  };
  for (let levelCount = 3; levelCount >= 1; levelCount--) {
    const tailLength = parts.length - 2 * levelCount;
    if (tailLength < 0 || tailLength > 2) continue;
    const candidate = shape(levelCount);
    if (!candidate) continue;
    const template = [...candidate.levels.map((l) => l.type), ...candidate.tail].join('.');
    if (templates.has(template)) return candidate;
  }
  for (let levelCount = 3; levelCount >= 1; levelCount--) {
    const tailLength = parts.length - 2 * levelCount;
    const candidate = tailLength >= 0 ? shape(levelCount) : null;
    if (!candidate) continue;
    if (tailLength === 0 || ((tailLength === 1 || tailLength === 2) && ACTIONS.has(parts[2 * levelCount]!))) return candidate;
  }
  return { levels: [], tail: parts };
}

/**
 * Every pattern a concrete event name matches, as Appwrite's `Event::generateEvents`
 * (src/Appwrite/Event/Event.php) expands it. For a name with resource levels
 * `type.id[.subType.subId[.subSubType.subSubId]]` and a tail `action[.attribute]`, the patterns are
 * the full name, the name without its attribute, the levels without the tail, each shorter prefix
 * of whole levels (`databases.db.tables.t`, `databases.db`), and `type.id.action[.attribute]`;
 * in each, every combination of ids may be replaced by `*`. Resource words alone
 * (`databases.db.tables`) never match. A subscription fires when it is in the set.
 *
 * `databases.pos.tables.t.rows.r.create` matches `databases.*.tables.*.rows.*.create`,
 * `databases.pos.tables.*.rows.*`, `databases.*` but not `databases.*.tables`.
 * @param templates event names without ids (default: `events-1.9.json`), used to tell ids from words.
 */
export function expandEventName(name: string, templates: ReadonlySet<string> = TEMPLATES): Set<string> {
  const { levels, tail } = parseEventName(name, templates);
  const out = new Set<string>();
  if (levels.length === 0) {
    out.add(name);
    return out;
  }
  const [action, attribute] = tail;
  const patterns: { levels: Level[]; tail: string[] }[] = [];
  if (action) {
    if (attribute) {
      patterns.push({ levels, tail: [action, attribute] });
      patterns.push({ levels: levels.slice(0, 1), tail: [action, attribute] });
    }
    patterns.push({ levels, tail: [action] });
  }
  for (let n = levels.length; n >= 1; n--) patterns.push({ levels: levels.slice(0, n), tail: [] });
  for (const p of patterns) {
    const combos = 1 << p.levels.length;
    for (let mask = 0; mask < combos; mask++) {
      const words = p.levels.flatMap((l, i) => [l.type, mask & (1 << i) ? '*' : l.id]);
      out.add([...words, ...p.tail].join('.'));
    }
  }
  return out;
}

/** Whether any of `subscriptions` matches any of the concrete `names` of one event. */
export function matchesSubscriptions(names: readonly string[], subscriptions: readonly string[], templates?: ReadonlySet<string>): boolean {
  if (subscriptions.length === 0) return false;
  const wanted = new Set(subscriptions);
  for (const name of names) {
    for (const pattern of expandEventName(name, templates)) if (wanted.has(pattern)) return true;
  }
  return false;
}
