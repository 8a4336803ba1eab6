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

/**
 * Every pattern a concrete event name matches, as Appwrite's `Event::generateEvents` expands it:
 * each id segment may be replaced by `*`, and the trailing action may be dropped.
 * `databases.pos.tables.t.rows.r.create` matches `databases.*.tables.*.rows.*.create`,
 * `databases.pos.tables.t.rows.*`, `databases.*`, ... A subscription fires when it is in the set.
 */
export function expandEventName(name: string): Set<string> {
  const parts = name.split('.');
  // Ids sit at odd positions (resource.id.resource.id...); the rest are resource names and the action.
  const idPositions: number[] = [];
  for (let i = 1; i < parts.length; i += 2) {
    if (i === parts.length - 1 && parts.length % 2 === 0 && !looksLikeIdTail(parts)) break;
    idPositions.push(i);
  }
  const out = new Set<string>();
  const combos = 1 << idPositions.length;
  for (let mask = 0; mask < combos; mask++) {
    const p = [...parts];
    idPositions.forEach((pos, bit) => {
      if (mask & (1 << bit)) p[pos] = '*';
    });
    for (let len = 2; len <= p.length; len++) out.add(p.slice(0, len).join('.'));
  }
  return out;
}

function looksLikeIdTail(parts: string[]): boolean {
  // `users.u1.update.labels` is even-length but ends in action + sub-action, not an id.
  return parts.length === 2;
}
