import { randomUUID } from "node:crypto";
import { moduleLog } from "../log.server";
import { connectRedis, disconnectRedis, type Redis } from "../cluster/redis.server";
import {
  InProcessEventBus,
  type BusEvent,
  type BusEventOf,
  type BusEventType,
  type EventBus,
} from "./event-bus.server";

const logger = moduleLog("events");

/**
 * The event bus of several processes: each event reaches this process's listeners at once (as
 * the in-process bus does) and the other processes' through one Redis channel. While Redis is
 * down, other processes miss what is published here; every event may be lost (decision 0042),
 * and pages catch up when they reconnect or reload.
 */
export class RedisEventBus implements EventBus {
  private readonly local = new InProcessEventBus();
  /** Tells this process's own messages apart when Redis hands them back. */
  private readonly origin = randomUUID();

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly channel: string,
  ) {}

  static async open(url: string, channel: string): Promise<RedisEventBus> {
    const publisher = await connectRedis(url, "event publisher");
    const subscriber = await connectRedis(url, "event subscriber");
    const bus = new RedisEventBus(publisher, subscriber, channel);
    // node-redis subscribes again by itself after reconnecting.
    await subscriber.subscribe(channel, (message) => bus.receive(message));
    return bus;
  }

  publish(event: BusEvent): void {
    this.local.publish(event);
    this.publisher.publish(this.channel, JSON.stringify({ origin: this.origin, event })).catch((error: unknown) => {
      logger.debug({ err: error, type: event.type }, "an event did not reach the other processes");
    });
  }

  subscribe<T extends BusEventType>(type: T, listener: (event: BusEventOf<T>) => void): () => void {
    return this.local.subscribe(type, listener);
  }

  close(): void {
    disconnectRedis(this.subscriber);
    disconnectRedis(this.publisher);
  }

  private receive(message: string): void {
    let parsed: { origin?: unknown; event?: { type?: unknown } };
    try {
      parsed = JSON.parse(message);
    } catch {
      logger.warn("a message on the event channel was not JSON; dropped");
      return;
    }
    if (parsed.origin === this.origin || typeof parsed.event?.type !== "string") return;
    this.local.publish(parsed.event as BusEvent);
  }
}
